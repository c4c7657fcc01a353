import { queryField, type GraphQLContribution } from '../../lib/graphql.js'
import { IdParams, PageQuery } from '../../lib/schemas.js'
import { Anchor, AnchorList } from './schemas.js'
import * as anchors from './service.js'

export const anchorsGraphql: GraphQLContribution = {
  types: [Anchor, AnchorList],
  query: {
    anchor: queryField({
      type: Anchor,
      nullable: true,
      args: IdParams('anc'),
      scope: 'anchors:read',
      resolve: (ctx, { id }) => anchors.getAnchor(ctx, id),
    }),
    anchors: queryField({
      type: AnchorList,
      args: PageQuery,
      page: true,
      scope: 'anchors:read',
      resolve: (ctx, args) => anchors.listAnchors(ctx, args),
    }),
  },
}
