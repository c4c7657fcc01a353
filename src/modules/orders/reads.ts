import { asc, eq, inArray, sql } from 'drizzle-orm'
import type { Static } from 'typebox'
import type { TxCtx } from '../../lib/context.js'
import { scoped } from '../../lib/repository.js'
import type { Order, OrderItem } from './schemas.js'
import { orderItems, orders, type OrderStatus } from './tables.js'

export type { OrderStatus }
export type OrderItemView = Static<typeof OrderItem>
export type OrderView = Static<typeof Order>
export type OrderRow = typeof orders.$inferSelect
export type OrderItemRow = typeof orderItems.$inferSelect

const iso = (d: Date | null) => (d ? d.toISOString() : null)

export const presentItem = (i: OrderItemRow): OrderItemView => ({
  id: i.id,
  product_id: i.productId,
  sku_id: i.skuId,
  pool_id: i.poolId,
  slot_id: i.slotId,
  quantity: i.quantity,
  unit_price: i.unitPrice,
  amount: i.amount,
  commission_rate: i.commissionRate,
  commission_amount: i.commissionAmount,
  oversold: i.oversold,
})

export const presentOrder = (o: OrderRow, items: OrderItemRow[]): OrderView => ({
  id: o.id,
  platform: o.platform as OrderView['platform'],
  external_order_id: o.externalOrderId,
  status: o.status,
  anchor_id: o.anchorId,
  session_id: o.sessionId,
  buyer_id: o.buyerId,
  currency: o.currency,
  total_amount: o.totalAmount,
  paid_amount: o.paidAmount,
  attribution_code: o.attributionCode,
  placed_at: o.placedAt.toISOString(),
  paid_at: iso(o.paidAt),
  shipped_at: iso(o.shippedAt),
  delivered_at: iso(o.deliveredAt),
  completed_at: iso(o.completedAt),
  cancelled_at: iso(o.cancelledAt),
  items: items.map(presentItem),
  version: o.version,
  created_at: o.createdAt.toISOString(),
  updated_at: o.updatedAt.toISOString(),
})

/** The items of these orders, in their order, grouped by order id. */
export async function itemsOf(ctx: TxCtx, orderIds: string[]): Promise<Map<string, OrderItemRow[]>> {
  const byOrder = new Map<string, OrderItemRow[]>(orderIds.map((id) => [id, []]))
  if (orderIds.length === 0) return byOrder
  const rows = await ctx.tx
    .select()
    .from(orderItems)
    .where(scoped(ctx, orderItems, inArray(orderItems.orderId, orderIds)))
    .orderBy(asc(orderItems.orderId), asc(orderItems.position))
  for (const row of rows) byOrder.get(row.orderId)?.push(row)
  return byOrder
}

/** Orders as presented, keeping the rows' order. */
export async function presentOrders(ctx: TxCtx, rows: OrderRow[]): Promise<OrderView[]> {
  const items = await itemsOf(
    ctx,
    rows.map((r) => r.id),
  )
  return rows.map((r) => presentOrder(r, items.get(r.id) ?? []))
}

/**
 * One order inside ctx's transaction, or undefined when the tenant has none by that id.
 * `lock: 'update'` takes FOR UPDATE on the order row (aftersales serializes refunds on it).
 */
export async function findOrder(
  ctx: TxCtx,
  id: string,
  opts: { lock?: 'update' | 'share' } = {},
): Promise<OrderView | undefined> {
  const query = ctx.tx
    .select()
    .from(orders)
    .where(scoped(ctx, orders, eq(orders.id, id)))
  const [row] =
    opts.lock === 'update' ? await query.for('update') : opts.lock === 'share' ? await query.for('share') : await query
  if (!row) return undefined
  return (await presentOrders(ctx, [row]))[0]
}

/** Orders by id inside ctx's transaction; unknown ids are left out. Ordered by id. */
export async function getOrdersByIds(ctx: TxCtx, ids: string[]): Promise<OrderView[]> {
  if (ids.length === 0) return []
  const rows = await ctx.tx
    .select()
    .from(orders)
    .where(scoped(ctx, orders, inArray(orders.id, [...new Set(ids)])))
    .orderBy(sql`${orders.id}`)
  return presentOrders(ctx, rows)
}

/** The order one of whose lines is `itemId`, inside ctx's transaction; undefined when the tenant has no such line. */
export async function findOrderOfItem(ctx: TxCtx, itemId: string): Promise<OrderView | undefined> {
  const [line] = await ctx.tx
    .select({ orderId: orderItems.orderId })
    .from(orderItems)
    .where(scoped(ctx, orderItems, eq(orderItems.id, itemId)))
  return line ? findOrder(ctx, line.orderId) : undefined
}
