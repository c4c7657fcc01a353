import { defineModule } from '../types.js'
import { catalogGraphql } from './resolvers.js'
import catalogRoutes from './routes.js'
import { productImportJob } from './import.js'

export const catalogModule = defineModule({
  name: 'catalog',
  scopes: {
    'catalog:read': 'Read suppliers, products, inspections, surveys and supply pools',
    'catalog:write': 'Create and change suppliers, products, inspections, surveys and supply pools',
  },
  idPrefixes: { product: 'prd', sku: 'sku' },
  queues: ['ingest'],
  tags: [{ name: 'Products', description: 'Products and SKUs' }],
  routes: catalogRoutes,
  graphql: catalogGraphql,
  jobs: [productImportJob],
})

// The public face of the module: what other modules may use.
export { productsChanged } from './changes.js'
export {
  countProductsOnSale,
  findProduct,
  findSkuOfProduct,
  productFactsSql,
  type ProductScope,
  type ProductSummary,
  productSummaries,
} from './reads.js'
export type { ProductRow } from './service.js'
