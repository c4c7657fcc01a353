import { subscribe } from '../../lib/hooks.js'
import { audienceTouched } from '../interaction/index.js'
import { orderCancelled, orderCreated, orderPaid, orderUpdated } from '../orders/index.js'
import { recordOrderConversion } from './reports.js'
import { recordTouches } from './touches.js'

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
  // A session's joins are visits and its follows follows, recorded as the interaction worker moves them.
  subscribe(audienceTouched, by, async (ctx, { session_id, touches }) => {
    await recordTouches(
      ctx,
      touches.map((t) => ({ ...t, session_id })),
      '/interaction',
    )
  })
}
