import { queryField, type GraphQLContribution } from '../../lib/graphql.js'
import { EventList, EventListQuery } from './schemas.js'
import * as events from './service.js'

export const eventsGraphql: GraphQLContribution = {
  types: [EventList],
  query: {
    events: queryField({
      type: EventList,
      args: EventListQuery,
      page: true,
      scope: 'events:read',
      resolve: (ctx, args) => events.listEvents(ctx, args),
    }),
  },
}
