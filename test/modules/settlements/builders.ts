import { inTenant } from '../../../src/db/tenancy.js'
import { publish } from '../../../src/lib/hooks.js'
import { newId } from '../../../src/lib/ids.js'
import { exampleOf } from '../../../src/lib/schemas.js'
import { Refund, refundCompleted } from '../../../src/modules/aftersales/index.js'
import type { FastifyInstance } from 'fastify'
import { serviceCtx } from '../../fixtures.js'
import type { Caller } from '../../helper.js'

export async function ok(res: { statusCode: number; body: string; json(): any }, status = 201): Promise<any> {
  if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}: ${res.body}`)
  return res.json()
}

let counter = 0
/** A paid platform order through the public API. */
export function payOrder(
  c: Caller,
  anchorId: string,
  paidAt: string,
  items: { product_id: string; quantity: number; unit_price: number }[],
) {
  counter++
  return c
    .post('/v1/orders', {
      platform: 'douyin',
      external_order_id: `stl-${counter}-${Math.random().toString().slice(2, 10)}`,
      anchor_id: anchorId,
      buyer: { ref: `buyer_${counter % 7}` },
      currency: 'CNY',
      items,
      placed_at: new Date(Date.parse(paidAt) - 60_000).toISOString(),
      status: 'paid',
      paid_at: paidAt,
    })
    .then((r) => ok(r))
}

/**
 * A completed refund as the after-sales module publishes it, in a tenant transaction. It stands
 * in for after-sales' refund routes, which are built on another branch: the ledger reacts to
 * the `refundCompleted` change alone, so this is what those routes will do to it.
 */
export function completeRefund(
  app: FastifyInstance,
  c: Caller,
  refund: { order_id: string; order_item_id: string | null; amount: number; completed_at: string },
) {
  const view = {
    ...exampleOf(Refund)!,
    ...refund,
    id: newId('refund'),
    status: 'completed' as const,
    currency: 'CNY',
  }
  return inTenant(serviceCtx(app, c), (tx) => publish(tx, refundCompleted, view)).then(() => view)
}
