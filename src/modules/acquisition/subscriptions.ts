import { subscribe } from '../../lib/hooks.js'
import { orderCancelled, orderCreated, orderPaid, orderUpdated } from '../orders/index.js'
import { recordOrderConversion } from './reports.js'

/**
 * Acquisition keeps what it needs of orders (buyer, code, placed and paid, amount) from the
 * orders module's changes, in the writer's transaction, so attribution sees an order the
 * moment it commits and never reads the orders module's tables.
 */
export function subscribeAcquisition(): void {
  const by = 'acquisition'
  subscribe(orderCreated, by, recordOrderConversion)
  subscribe(orderUpdated, by, recordOrderConversion)
  subscribe(orderPaid, by, recordOrderConversion)
  subscribe(orderCancelled, by, recordOrderConversion)
}
