import type { ShowrunnerModule } from '../types.js'
import { suppliersGraphql } from './resolvers.js'
import supplierRoutes from './routes.js'
import { registerSupplierJobs } from './jobs.js'

export const suppliersModule: ShowrunnerModule = {
  name: 'suppliers',
  routes: supplierRoutes,
  graphql: suppliersGraphql,
  jobs: registerSupplierJobs,
}

/** For other modules' GraphQL loaders (Product.supplier). */
export { getSuppliersByIds } from './service.js'
export { Supplier } from './schemas.js'
