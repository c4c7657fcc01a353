import type { Caller } from '../../helper.js'
import { ok, orderBody, type World } from '../orders/builders.js'

export { ok, world, type World } from '../orders/builders.js'

/** A paid platform order in the world: one line of `quantity` × `unitPrice`. */
export async function paidOrder(c: Caller, w: World, unitPrice = 10_000, quantity = 1, status = 'paid') {
  return ok(
    await c.post(
      '/v1/orders',
      orderBody(w, { status, paid_at: '2026-01-01T10:06:00Z' }, { quantity, unit_price: unitPrice }),
    ),
  )
}
