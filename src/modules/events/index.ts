import { defineModule } from '../types.js'
import { resolver, pageArgs } from '../../lib/graphql.js'
import * as events from './service.js'
import eventRoutes from './routes.js'

export const eventsModule = defineModule({
  name: 'events',
  scopes: { 'events:read': 'Read the event history' },
  idPrefixes: { event: 'evt' },
  tags: [{ name: 'Events', description: 'The event history and webhook catalog' }],
  routes: eventRoutes,
  graphql: {
    typeDefs: `
      scalar JSON
      type EventResource { type: String!, id: String!, version: Int! }
      type Event { id: ID!, type: String!, occurred_at: String!, tenant_id: String!, resource: EventResource!, data: JSON, request_id: String }
      type EventPage { data: [Event!]!, next_cursor: String }
      extend type Query { events(first: Int, after: String, type: String): EventPage! }
    `,
    resolvers: {
      Query: {
        events: resolver('events:read', (ctx, args: { first?: number; after?: string; type?: string }) =>
          events.listEvents(ctx, { ...pageArgs(args), type: args.type }),
        ),
      },
    },
  },
})
