import type { ShowrunnerModule } from '../types.js'
import { catalogGraphql } from './resolvers.js'
import catalogRoutes from './routes.js'
import { registerProductImport } from './import.js'

export const catalogModule: ShowrunnerModule = {
  name: 'catalog',
  routes: catalogRoutes,
  graphql: catalogGraphql,
  jobs: registerProductImport,
}
