import type { ShowrunnerModule } from '../types.js'
import { anchorsGraphql } from './resolvers.js'
import anchorRoutes from './routes.js'
import { registerSalesImport } from './sales-import.js'

export const anchorsModule: ShowrunnerModule = {
  name: 'anchors',
  routes: anchorRoutes,
  graphql: anchorsGraphql,
  jobs: registerSalesImport,
}
