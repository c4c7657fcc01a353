import type { ShowrunnerModule } from '../types.js'
import { pageArgs, resolver } from '../../lib/graphql.js'
import supplierRoutes from './routes.js'
import { reviewAllJob, reviewJob } from './jobs.js'
import * as suppliers from './service.js'

export const suppliersModule: ShowrunnerModule = {
  name: 'suppliers',
  routes: supplierRoutes,
  graphql: {
    typeDefs: `
      type Reputation { score: Float, components: JSON, computed_at: String }
      type Supplier { id: ID!, name: String!, kind: String!, micro: Boolean!, brand_tier: String!, documents: [String!]!, status: String!, reputation: Reputation!, probation_since: String, eliminated_at: String, version: Int!, created_at: String!, updated_at: String! }
      type SupplierPage { data: [Supplier!]!, next_cursor: String }
      extend type Query {
        supplier(id: ID!): Supplier
        suppliers(first: Int, after: String, status: String): SupplierPage!
      }
    `,
    resolvers: {
      Query: {
        supplier: resolver('catalog:read', (ctx, args: { id: string }) => suppliers.getSupplier(ctx, args.id)),
        suppliers: resolver('catalog:read', (ctx, args: { first?: number; after?: string; status?: string }) =>
          suppliers.listSuppliers(ctx, { ...pageArgs(args), status: args.status as never }),
        ),
      },
    },
  },
  jobs: [reviewJob, reviewAllJob],
}
