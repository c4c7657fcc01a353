import { loaderField, queryField, type GraphQLContribution } from '../../lib/graphql.js'
import { IdParams } from '../../lib/schemas.js'
import { getSuppliersByIds, Supplier } from '../suppliers/index.js'
import { Product, ProductList, ProductListQuery } from './schemas.js'
import * as catalog from './service.js'

export const catalogGraphql: GraphQLContribution = {
  types: [Product, ProductList],
  query: {
    product: queryField({
      type: Product,
      nullable: true,
      args: IdParams('prd'),
      scope: 'catalog:read',
      resolve: (ctx, { id }) => catalog.getProduct(ctx, id),
    }),
    products: queryField({
      type: ProductList,
      args: ProductListQuery,
      page: true,
      scope: 'catalog:read',
      resolve: (ctx, args) => catalog.listProducts(ctx, args),
    }),
  },
  loaders: {
    Product: {
      // One query for the suppliers of every product in the response.
      supplier: loaderField(Product, {
        type: Supplier,
        nullable: true,
        scope: 'catalog:read',
        load: (ctx, products) =>
          getSuppliersByIds(
            ctx,
            products.map((p) => p.supplier_id),
          ),
      }),
    },
  },
}
