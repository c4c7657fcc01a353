import type { ShowrunnerModule } from '../types.js'
import { selectionGraphql } from './resolvers.js'
import selectionRoutes from './routes.js'

export const selectionModule: ShowrunnerModule = {
  name: 'selection',
  routes: selectionRoutes,
  graphql: selectionGraphql,
}
