import { Type } from 'typebox'
import { queryField, type GraphQLContribution } from '../../lib/graphql.js'
import { Id } from '../../lib/schemas.js'
import { RecommendationList, RecommendationQuery } from './schemas.js'
import * as selection from './service.js'

/** REST's path parameter and query string, as one set of arguments. */
const RecommendationArgs = Type.Object({ anchor_id: Id('anc'), ...RecommendationQuery.properties })

export const selectionGraphql: GraphQLContribution = {
  types: [RecommendationList],
  query: {
    recommendations: queryField({
      type: RecommendationList,
      args: RecommendationArgs,
      scope: 'selection:read',
      resolve: (ctx, { anchor_id, ...query }) => selection.recommendForAnchor(ctx, anchor_id, query),
    }),
  },
}
