import { asc, eq, sql } from 'drizzle-orm'
import type { TxCtx } from '../../lib/context.js'
import { scoped } from '../../lib/repository.js'
import { productSummaries } from '../catalog/index.js'
import { scheduleSalesRefresh } from './refresh.js'
import { dayOf, disputedLine, returnedUnits } from './rules.js'
import { orderSaleAdjustments, orderSales, salesCutovers } from './tables.js'

/**
 * The sales read model fed by real orders. Each function runs inside the transaction of the
 * order or after-sales change it follows (the sales-feed module subscribes them), so a payment
 * and the sale it records commit or roll back together. The inputs are what orders' and
 * after-sales' presented resources carry; sales itself imports neither (selection, which reads
 * sales, sits below orders in the module graph).
 */

export interface PaidOrderInput {
  id: string
  anchor_id: string
  currency: string
  paid_at: string | null
  items: { id: string; product_id: string; quantity: number; amount: number }[]
}

export interface CompletedRefundInput {
  id: string
  order_id: string
  order_item_id: string | null
  amount: number
  with_return: boolean
}

export interface OpenedDisputeInput {
  id: string
  order_id: string
}

/**
 * A paid order's lines become sales on the day it was paid. A line already recorded stays as
 * it is, so the same payment delivered twice counts once. The anchor's cutover moves to this day
 * when it is the earliest paid order seen.
 */
export async function recordPaidOrder(tx: TxCtx, order: PaidOrderInput): Promise<void> {
  if (!order.paid_at || !order.items.length) return
  const soldOn = dayOf(order.paid_at)
  const products = new Map(
    (await productSummaries(tx, [...new Set(order.items.map((i) => i.product_id))])).map((p) => [p.id, p]),
  )
  const inserted = await tx.tx
    .insert(orderSales)
    .values(
      order.items.map((item) => ({
        tenantId: tx.tenantId,
        id: item.id,
        orderId: order.id,
        anchorId: order.anchor_id,
        productId: item.product_id,
        // Orders sell the tenant's own products, so the catalog has them; the id stands in if one was removed since.
        productTitle: products.get(item.product_id)?.title ?? item.product_id,
        category: products.get(item.product_id)?.category ?? '',
        quantity: item.quantity,
        amount: item.amount,
        currency: order.currency,
        soldOn,
      })),
    )
    .onConflictDoNothing()
    .returning({ id: orderSales.id })
  if (!inserted.length) return
  await tx.tx
    .insert(salesCutovers)
    .values({ tenantId: tx.tenantId, id: order.anchor_id, firstOrderOn: soldOn })
    .onConflictDoUpdate({
      target: [salesCutovers.tenantId, salesCutovers.id],
      set: { firstOrderOn: sql`least(${salesCutovers.firstOrderOn}, excluded.first_order_on)` },
    })
  await scheduleSalesRefresh(tx)
}

/** A cancelled order sold nothing: its lines leave the sales read. */
export async function removeCancelledOrder(tx: TxCtx, order: { id: string }): Promise<void> {
  const removed = await tx.tx
    .delete(orderSales)
    .where(scoped(tx, orderSales, eq(orderSales.orderId, order.id)))
    .returning({ id: orderSales.id })
  if (removed.length) await scheduleSalesRefresh(tx)
}

/** The order's recorded lines, locked: two refunds of one order add their units one after the other. */
function linesOf(tx: TxCtx, orderId: string) {
  return tx.tx
    .select()
    .from(orderSales)
    .where(scoped(tx, orderSales, eq(orderSales.orderId, orderId)))
    .orderBy(asc(orderSales.id))
    .for('update')
}

/** Adds to one line once per (source, line); false when this source had already added to it. */
async function adjustOnce(
  tx: TxCtx,
  sourceId: string,
  orderItemId: string,
  kind: 'return' | 'dispute',
  quantity: number,
): Promise<boolean> {
  const [row] = await tx.tx
    .insert(orderSaleAdjustments)
    .values({ tenantId: tx.tenantId, id: `${sourceId}.${orderItemId}`, sourceId, orderItemId, kind, quantity })
    .onConflictDoNothing()
    .returning({ id: orderSaleAdjustments.id })
  if (!row) return false
  await tx.tx
    .update(orderSales)
    .set(
      kind === 'return'
        ? { returnedQuantity: sql`least(${orderSales.quantity}, ${orderSales.returnedQuantity} + ${quantity}::int)` }
        : { disputes: sql`${orderSales.disputes} + ${quantity}::int` },
    )
    .where(scoped(tx, orderSales, eq(orderSales.id, orderItemId)))
  return true
}

/**
 * A completed refund with return raises the lines' returned units (see returnedUnits). A refund
 * without return (仅退款) sends nothing back and changes no return rate.
 */
export async function recordCompletedRefund(tx: TxCtx, refund: CompletedRefundInput): Promise<void> {
  if (!refund.with_return) return
  const lines = await linesOf(tx, refund.order_id)
  if (!lines.length) return
  const units = returnedUnits(lines, refund)
  let changed = false
  for (const [i, line] of lines.entries()) {
    const n = units[i] ?? 0
    if (n > 0 && (await adjustOnce(tx, refund.id, line.id, 'return', n))) changed = true
  }
  if (changed) await scheduleSalesRefresh(tx)
}

/** An opened dispute counts once, against the order's largest line (see disputedLine). */
export async function recordOpenedDispute(tx: TxCtx, dispute: OpenedDisputeInput): Promise<void> {
  const line = disputedLine(await linesOf(tx, dispute.order_id))
  if (line && (await adjustOnce(tx, dispute.id, line.id, 'dispute', 1))) await scheduleSalesRefresh(tx)
}
