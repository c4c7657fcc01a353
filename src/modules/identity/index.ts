import type { ShowrunnerModule } from '../types.js'
import { identityGraphql } from './resolvers.js'
import { identityRoutes, oauthRoutes } from './routes.js'

export const identityModule: ShowrunnerModule = {
  name: 'identity',
  rootRoutes: oauthRoutes,
  routes: identityRoutes,
  graphql: identityGraphql,
}
