import { queryField, type GraphQLContribution } from '../../lib/graphql.js'
import { IdParams } from '../../lib/schemas.js'
import { BrandTier, Supplier, SupplierKind, SupplierList, SupplierListQuery, SupplierStatus } from './schemas.js'
import * as suppliers from './service.js'

export const suppliersGraphql: GraphQLContribution = {
  types: [Supplier, SupplierList],
  enums: { BrandTier, SupplierKind, SupplierStatus },
  query: {
    supplier: queryField({
      type: Supplier,
      nullable: true,
      args: IdParams('sup'),
      scope: 'catalog:read',
      resolve: (ctx, { id }) => suppliers.getSupplier(ctx, id),
    }),
    suppliers: queryField({
      type: SupplierList,
      args: SupplierListQuery,
      page: true,
      scope: 'catalog:read',
      resolve: (ctx, args) => suppliers.listSuppliers(ctx, args),
    }),
  },
}
