import { queryField, type GraphQLContribution } from '../../lib/graphql.js'
import { IdParams } from '../../lib/schemas.js'
import { Order, OrderItem, OrderList, OrderQuery } from './schemas.js'
import * as orders from './service.js'

export const ordersGraphql: GraphQLContribution = {
  types: [OrderItem, Order, OrderList],
  query: {
    order: queryField({
      type: Order,
      nullable: true,
      args: IdParams('ord'),
      scope: 'orders:read',
      resolve: (ctx, { id }) => orders.getOrder(ctx, id),
    }),
    orders: queryField({
      type: OrderList,
      args: OrderQuery,
      page: true,
      scope: 'orders:read',
      resolve: (ctx, args) => orders.listOrders(ctx, args),
    }),
  },
}
