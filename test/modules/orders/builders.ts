import type { Caller } from '../../helper.js'
import { addToPool, makeAnchor, makePool, makeProduct, makeSupplier } from '../catalog/builders.js'

/** Builders for orders tests: everything through the public API, failing loudly. */
export async function ok(res: { statusCode: number; body: string; json(): any }, status = 201): Promise<any> {
  if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}: ${res.body}`)
  return res.json()
}

export interface World {
  anchor: string
  session: string
  product: string
  pool: string
  slot: string
}

/** An anchor hosting a session whose run-of-show sells one product from a pool, with the caps given. */
export async function world(c: Caller, caps: { slotCap?: number; poolLimit?: number; rate?: number } = {}) {
  const supplier = await makeSupplier(c)
  const product = await makeProduct(c, supplier.id, { commission_rate: caps.rate ?? 0.2 })
  const pool = await makePool(c)
  await addToPool(c, pool.id, [product.id], caps.poolLimit === undefined ? {} : { supply_limit: caps.poolLimit })
  const anchor = await makeAnchor(c)
  const session = await ok(
    await c.post('/v1/sessions', {
      title: 'night market',
      platform: 'douyin',
      planned_start: '2030-01-01T10:00:00Z',
      planned_end: '2030-01-01T12:00:00Z',
      host_anchor_id: anchor.id,
    }),
  )
  const slot = await ok(
    await c.post(`/v1/sessions/${session.id}/slots`, {
      product_id: product.id,
      pool_id: pool.id,
      planned_minute: 0,
      duration_minutes: 10,
      live_price: { amount: 2872, currency: 'CNY' },
      ...(caps.slotCap === undefined ? {} : { supply_cap: caps.slotCap }),
    }),
  )
  return { anchor: anchor.id, session: session.id, product: product.id, pool: pool.id, slot: slot.id } as World
}

let counter = 0
/** A platform order body for the world, one line of `quantity` at 2872 fen unless told otherwise. */
export function orderBody(w: World, extra: Record<string, unknown> = {}, line: Record<string, unknown> = {}) {
  counter++
  return {
    platform: 'douyin',
    external_order_id: `69213456789${String(counter).padStart(6, '0')}${Math.random().toString().slice(2, 8)}`,
    anchor_id: w.anchor,
    session_id: w.session,
    buyer: { ref: `dy_buyer_${counter}` },
    currency: 'CNY',
    items: [{ product_id: w.product, pool_id: w.pool, slot_id: w.slot, quantity: 1, unit_price: 2872, ...line }],
    placed_at: '2026-01-01T10:05:00Z',
    ...extra,
  }
}
