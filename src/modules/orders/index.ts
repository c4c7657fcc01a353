import { defineModule } from '../types.js'
import { orderImportJob } from './import.js'
import { ordersGraphql } from './resolvers.js'
import ordersRoutes from './routes.js'

/**
 * Orders (订单) from the selling platforms: order items, their states, bulk import, supply caps
 * drawn when paid, commission fixed at sale, and the pseudonymous buyers' order history.
 */
export const ordersModule = defineModule({
  name: 'orders',
  scopes: {
    'orders:read': 'Read orders, their items and buyers’ order history',
    'orders:write': 'Create, import and move orders along their states',
  },
  idPrefixes: { order: 'ord', orderItem: 'oit' },
  queues: ['ingest'],
  tags: [{ name: 'Orders', description: 'Orders (订单) from the selling platforms and their pseudonymous buyers' }],
  routes: ordersRoutes,
  graphql: ordersGraphql,
  jobs: [orderImportJob],
})

// The public face of the module: what other modules may use.
export {
  orderCancelled,
  orderCompleted,
  orderCreated,
  orderDelivered,
  orderPaid,
  orderShipped,
  orderUpdated,
} from './changes.js'
export {
  findOrder,
  findOrderOfItem,
  getOrdersByIds,
  type OrderItemView,
  type OrderStatus,
  type OrderView,
} from './reads.js'
export { Order, OrderItem } from './schemas.js'
