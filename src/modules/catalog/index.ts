import { defineModule } from '../types.js'
import { pageArgs, resolver } from '../../lib/graphql.js'
import type { GraphQLContext } from '../../lib/graphql.js'
import { assertScope } from '../../plugins/auth.js'
import { inTenant } from '../../db/tenancy.js'
import catalogRoutes from './routes.js'
import { productImportJob } from './import.js'
import * as catalog from './service.js'
import { findSuppliers, presentSupplier } from '../suppliers/index.js'

export const catalogModule = defineModule({
  name: 'catalog',
  scopes: {
    'catalog:read': 'Read suppliers, products, inspections, surveys and supply pools',
    'catalog:write': 'Create and change suppliers, products, inspections, surveys and supply pools',
  },
  idPrefixes: { product: 'prd', sku: 'sku' },
  tags: [{ name: 'Products', description: 'Products and SKUs' }],
  routes: catalogRoutes,
  graphql: {
    typeDefs: `
      type Money { amount: Float!, currency: String! }
      type Product { id: ID!, supplier_id: String!, supplier: Supplier, external_id: String, title: String!, category: String!, attributes: JSON, images: [String!]!, list_price: Money!, stock: Int!, commission_rate: Float!, repurchase_rate: Float, brand_tier: String!, status: String!, version: Int!, created_at: String!, updated_at: String! }
      type ProductPage { data: [Product!]!, next_cursor: String }
      extend type Query {
        product(id: ID!): Product
        products(first: Int, after: String, category: String, supplier_id: String): ProductPage!
      }
    `,
    resolvers: {
      Query: {
        product: resolver('catalog:read', (ctx, args: { id: string }) => catalog.getProduct(ctx, args.id)),
        products: resolver(
          'catalog:read',
          (ctx, args: { first?: number; after?: string; category?: string; supplier_id?: string }) =>
            catalog.listProducts(ctx, { ...pageArgs(args), category: args.category, supplier_id: args.supplier_id }),
        ),
      },
    },
    loaders: {
      Product: {
        // One query for the suppliers of every product in the response.
        async supplier(queries: { obj: { supplier_id: string } }[], context: GraphQLContext) {
          assertScope(context.ctx, 'catalog:read')
          const ids = [...new Set(queries.map((q) => q.obj.supplier_id))]
          const rows = await inTenant(context.ctx, (tx) => findSuppliers(tx, ids))
          const byId = new Map(rows.map((r) => [r.id, presentSupplier(r)]))
          return queries.map((q) => byId.get(q.obj.supplier_id) ?? null)
        },
      },
    },
  },
  jobs: [productImportJob],
})

// The public face of the module: what other modules may use.
export { productsChanged } from './changes.js'
export {
  countProductsOnSale,
  findProduct,
  productFactsSql,
  type ProductScope,
  type ProductSummary,
  productSummaries,
} from './reads.js'
export type { ProductRow } from './service.js'
