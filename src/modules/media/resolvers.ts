import { queryField, type GraphQLContribution } from '../../lib/graphql.js'
import { IdParams } from '../../lib/schemas.js'
import { Media, MediaOutputs, MediaRendition } from './schemas.js'
import * as service from './service.js'

export const mediaGraphql: GraphQLContribution = {
  types: [Media, MediaOutputs, MediaRendition],
  query: {
    media: queryField({
      type: Media,
      nullable: true,
      args: IdParams('med'),
      scope: 'media:read',
      resolve: (ctx, { id }) => service.getMedia(ctx, id),
    }),
  },
}
