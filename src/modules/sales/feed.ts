import { asc, eq, gte, inArray, isNull, sql } from 'drizzle-orm'
import type { TxCtx } from '../../lib/context.js'
import { newId } from '../../lib/ids.js'
import { scoped } from '../../lib/repository.js'
import { productSummaries } from '../catalog/index.js'
import { scheduleSalesRefresh } from './refresh.js'
import { dayOf, disputedLine, returnedUnits, type SaleLine } from './rules.js'
import { anchorSales, orderSaleAdjustments, salesCutovers } from './tables.js'

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
 * it is (one row per order item), so the same payment delivered twice counts once. The anchor's
 * cutover moves to this day when it is the earliest paid order seen, and the imported sales from
 * the cutover on stop counting.
 */
export async function recordPaidOrder(tx: TxCtx, order: PaidOrderInput): Promise<void> {
  if (!order.paid_at || !order.items.length) return
  const soldOn = dayOf(order.paid_at)
  const products = new Map(
    (await productSummaries(tx, [...new Set(order.items.map((i) => i.product_id))])).map((p) => [p.id, p]),
  )
  const inserted = await tx.tx
    .insert(anchorSales)
    .values(
      order.items.map((item) => ({
        tenantId: tx.tenantId,
        id: newId('sale'),
        orderId: order.id,
        orderItemId: item.id,
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
    .returning({ id: anchorSales.id })
  if (!inserted.length) return
  await lockCutovers(tx, [order.anchor_id], 'shared')
  const [cutover] = await tx.tx
    .insert(salesCutovers)
    .values({ tenantId: tx.tenantId, id: order.anchor_id, firstOrderOn: soldOn })
    .onConflictDoUpdate({
      target: [salesCutovers.tenantId, salesCutovers.id],
      set: { firstOrderOn: sql`least(${salesCutovers.firstOrderOn}, excluded.first_order_on)` },
    })
    .returning({ firstOrderOn: salesCutovers.firstOrderOn })
  if (cutover) await supersedeImported(tx, order.anchor_id, cutover.firstOrderOn)
  await scheduleSalesRefresh(tx)
}

/**
 * Serialises an import against an anchor's cutover moving: a payment takes the anchor's lock
 * shared (payments do not wait for each other), an import batch takes it exclusive while it reads
 * the cutovers and writes its rows. Whichever commits second sees the other, so an imported row
 * on or after the cutover is always superseded.
 */
export async function lockCutovers(tx: TxCtx, anchorIds: string[], mode: 'shared' | 'exclusive'): Promise<void> {
  // Sorted, so two imports over the same anchors lock them in the same order.
  for (const id of [...new Set(anchorIds)].sort()) {
    const key = sql`hashtextextended(${`sales-cutover:${tx.tenantId}:${id}`}, 0)`
    await tx.tx.execute(
      mode === 'shared' ? sql`select pg_advisory_xact_lock_shared(${key})` : sql`select pg_advisory_xact_lock(${key})`,
    )
  }
}

/** Each anchor's cutover day, for those that have one. */
export async function cutoversOf(tx: TxCtx, anchorIds: string[]): Promise<Map<string, string>> {
  if (!anchorIds.length) return new Map()
  const rows = await tx.tx
    .select({ id: salesCutovers.id, firstOrderOn: salesCutovers.firstOrderOn })
    .from(salesCutovers)
    .where(scoped(tx, salesCutovers, inArray(salesCutovers.id, anchorIds)))
  return new Map(rows.map((r) => [r.id, r.firstOrderOn]))
}

/** The anchor's imported sales from `from` on stop counting: its orders have those days. */
async function supersedeImported(tx: TxCtx, anchorId: string, from: string): Promise<void> {
  await tx.tx
    .update(anchorSales)
    .set({ superseded: true })
    .where(
      scoped(
        tx,
        anchorSales,
        eq(anchorSales.anchorId, anchorId),
        isNull(anchorSales.orderItemId),
        gte(anchorSales.soldOn, from),
        eq(anchorSales.superseded, false),
      ),
    )
}

/** A cancelled order sold nothing: its lines leave the sales read. */
export async function removeCancelledOrder(tx: TxCtx, order: { id: string }): Promise<void> {
  const removed = await tx.tx
    .delete(anchorSales)
    .where(scoped(tx, anchorSales, eq(anchorSales.orderId, order.id)))
    .returning({ id: anchorSales.id })
  if (removed.length) await scheduleSalesRefresh(tx)
}

/**
 * The order's recorded lines by order item id, locked: two refunds of one order add their units
 * one after the other.
 */
async function linesOf(tx: TxCtx, orderId: string): Promise<SaleLine[]> {
  const rows = await tx.tx
    .select({
      orderItemId: anchorSales.orderItemId,
      quantity: anchorSales.quantity,
      amount: anchorSales.amount,
      returnedQuantity: anchorSales.returnedQuantity,
    })
    .from(anchorSales)
    .where(scoped(tx, anchorSales, eq(anchorSales.orderId, orderId)))
    .orderBy(asc(anchorSales.orderItemId))
    .for('update')
  return rows.flatMap((r) => (r.orderItemId ? [{ ...r, id: r.orderItemId }] : []))
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
    .update(anchorSales)
    .set(
      kind === 'return'
        ? { returnedQuantity: sql`least(${anchorSales.quantity}, ${anchorSales.returnedQuantity} + ${quantity}::int)` }
        : { disputes: sql`${anchorSales.disputes} + ${quantity}::int` },
    )
    .where(scoped(tx, anchorSales, eq(anchorSales.orderItemId, orderItemId)))
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
