import type { ShowrunnerModule } from '../types.js'
import { poolsGraphql } from './resolvers.js'
import poolRoutes from './routes.js'

export const poolsModule: ShowrunnerModule = {
  name: 'pools',
  routes: poolRoutes,
  graphql: poolsGraphql,
}
