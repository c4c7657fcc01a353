import { defineModule } from '../types.js'
import { suppliersGraphql } from './resolvers.js'
import supplierRoutes from './routes.js'

export const suppliersModule = defineModule({
  name: 'suppliers',
  idPrefixes: { supplier: 'sup' },
  tags: [{ name: 'Suppliers', description: 'Suppliers, admission, inspections and surveys (选品)' }],
  routes: supplierRoutes,
  graphql: suppliersGraphql,
})

// The public face of the module: what other modules may use.
export { supplierChanged, supplierStatusChanged, type SupplierStatusOutcome } from './changes.js'
export {
  allSuppliers,
  findSupplier,
  findSuppliers,
  recordReputations,
  recordSupplierDocuments,
  supplierBrandTiers,
  supplierFactsSql,
} from './reads.js'
export { BrandTier, DocumentKind, Rate, Score, SupplierKind } from './schemas.js'
export { presentSupplier, type SupplierRow, setSupplierStatus } from './service.js'
export { brandTiers, type ReputationComponents, type SupplierStatus, supplierKinds } from './tables.js'
/** For other modules' GraphQL loaders (Product.supplier). */
export { getSuppliersByIds } from './service.js'
export { Supplier } from './schemas.js'
