import type { ShowrunnerModule } from '../types.js'
import { eventsGraphql } from './resolvers.js'
import eventRoutes from './routes.js'

export const eventsModule: ShowrunnerModule = {
  name: 'events',
  routes: eventRoutes,
  graphql: eventsGraphql,
}
