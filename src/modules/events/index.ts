import { defineModule } from '../types.js'
import { eventsGraphql } from './resolvers.js'
import eventRoutes from './routes.js'

export const eventsModule = defineModule({
  name: 'events',
  scopes: { 'events:read': 'Read the event history' },
  idPrefixes: { event: 'evt' },
  tags: [{ name: 'Events', description: 'The event history and webhook catalog' }],
  routes: eventRoutes,
  graphql: eventsGraphql,
})

// The public face of the module: what other modules may use.
// An event exactly as GET /v1/events/{id} answers it: the body of its webhook deliveries.
export { getEvent, presentEvent } from './service.js'
export { Event } from './schemas.js'
