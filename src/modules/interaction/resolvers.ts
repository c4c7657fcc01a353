import { queryField, type GraphQLContribution } from '../../lib/graphql.js'
import { IdParams } from '../../lib/schemas.js'
import { SessionLiveStats } from './schemas.js'
import * as interaction from './service.js'

export const interactionGraphql: GraphQLContribution = {
  types: [SessionLiveStats],
  query: {
    sessionLiveStats: queryField({
      type: SessionLiveStats,
      args: IdParams('ses'),
      scope: 'interactions:read',
      resolve: (ctx, { id }) => interaction.liveStats(ctx, id),
    }),
  },
}
