import { asc, eq, gte, lte, isNull, or, sql } from 'drizzle-orm'
import type { TxCtx } from '../../lib/context.js'
import { subscribe } from '../../lib/hooks.js'
import { newId } from '../../lib/ids.js'
import { scoped } from '../../lib/repository.js'
import { refundCompleted, type RefundView } from '../aftersales/index.js'
import { orderCancelled, orderPaid, type OrderView } from '../orders/index.js'
import { bookingPeriod, largestRemainder, type LineState, mcnShareOf, periodOf, reversal } from './rules.js'
import { anchorContracts, commissionEntries, type EntryKind, settlementStatements } from './tables.js'

type EntryInsert = typeof commissionEntries.$inferInsert

/**
 * Serialises booking into a period against closing it: every booking takes the period's lock
 * shared, the close takes it exclusive while it marks the period closing. A booking that started
 * before the close commits before the close does; one that comes after sees the statement and
 * books into the next open period, so a statement's sum is final the moment its close commits.
 */
export const periodLockKey = (tenantId: string) => sql`hashtextextended(${`settlement:${tenantId}`}, 0)`

/** Where an event of `eventPeriod` is booked: that month, or the first one after it not closed. */
async function periodFor(tx: TxCtx, eventPeriod: string): Promise<string> {
  await tx.tx.execute(sql`select pg_advisory_xact_lock_shared(${periodLockKey(tx.tenantId)})`)
  const rows = await tx.tx
    .select({ period: settlementStatements.period })
    .from(settlementStatements)
    .where(scoped(tx, settlementStatements, gte(settlementStatements.period, eventPeriod)))
  return bookingPeriod(eventPeriod, new Set(rows.map((r) => r.period)))
}

/** The contract of the anchor in force on the day (UTC) of `at`; none: the MCN takes no share. */
async function contractInForce(tx: TxCtx, anchorId: string, at: Date) {
  const day = at.toISOString().slice(0, 10)
  const [row] = await tx.tx
    .select({ id: anchorContracts.id, rate: anchorContracts.mcnShareRate })
    .from(anchorContracts)
    .where(
      scoped(
        tx,
        anchorContracts,
        eq(anchorContracts.anchorId, anchorId),
        lte(anchorContracts.startsOn, day),
        or(isNull(anchorContracts.endsOn), gte(anchorContracts.endsOn, day)),
      ),
    )
    .limit(1)
  return row
}

async function insertEntries(tx: TxCtx, entries: Omit<EntryInsert, 'tenantId' | 'id'>[]) {
  if (!entries.length) return
  await tx.tx
    .insert(commissionEntries)
    .values(entries.map((e) => ({ ...e, tenantId: tx.tenantId, id: newId('commissionEntry') })))
    .onConflictDoNothing()
}

/** On payment: per line, the commission fixed at sale and the MCN's share under the contract then. */
export async function bookSale(tx: TxCtx, order: OrderView): Promise<void> {
  if (!order.paid_at) return
  const paidAt = new Date(order.paid_at)
  const eventPeriod = periodOf(paidAt)
  const period = await periodFor(tx, eventPeriod)
  const contract = await contractInForce(tx, order.anchor_id, paidAt)
  const rate = contract?.rate ?? 0
  await insertEntries(
    tx,
    order.items.map((item) => ({
      anchorId: order.anchor_id,
      orderId: order.id,
      orderItemId: item.id,
      kind: 'sale' as const,
      sourceId: order.id,
      currency: order.currency,
      itemAmount: item.amount,
      commission: item.commission_amount,
      mcnShare: mcnShareOf(item.commission_amount, rate),
      mcnShareRate: rate,
      contractId: contract?.id ?? null,
      period,
      eventPeriod,
      occurredAt: paidAt,
    })),
  )
}

type Line = LineState & {
  orderItemId: string
  anchorId: string
  currency: string
  rate: number
  contractId: string | null
}

/** The order's lines as the ledger has them: sold, and how much has been reversed already. */
async function linesOf(tx: TxCtx, orderId: string): Promise<Line[]> {
  const rows = await tx.tx
    .select()
    .from(commissionEntries)
    .where(scoped(tx, commissionEntries, eq(commissionEntries.orderId, orderId)))
    .orderBy(asc(commissionEntries.createdAt), asc(commissionEntries.id))
    // Two reversals of one order at once would each see the other's missing: they wait here.
    .for('update')
  const lines = new Map<string, Line>()
  for (const r of rows)
    if (r.kind === 'sale')
      lines.set(r.orderItemId, {
        orderItemId: r.orderItemId,
        anchorId: r.anchorId,
        currency: r.currency,
        rate: r.mcnShareRate,
        contractId: r.contractId,
        amount: r.itemAmount,
        commission: r.commission,
        mcnShare: r.mcnShare,
        reversedAmount: 0,
        reversedCommission: 0,
        reversedMcnShare: 0,
      })
  for (const r of rows) {
    const line = lines.get(r.orderItemId)
    if (r.kind === 'sale' || !line) continue
    line.reversedAmount -= r.itemAmount
    line.reversedCommission -= r.commission
    line.reversedMcnShare -= r.mcnShare
  }
  return [...lines.values()]
}

async function bookReversals(
  tx: TxCtx,
  orderId: string,
  kind: EntryKind,
  sourceId: string,
  at: Date,
  amounts: (lines: Line[]) => number[],
): Promise<void> {
  const lines = await linesOf(tx, orderId)
  if (!lines.length) return // never paid: nothing was booked, nothing to reverse
  const eventPeriod = periodOf(at)
  const period = await periodFor(tx, eventPeriod)
  const take = amounts(lines)
  const entries = lines.flatMap((line, i) => {
    const r = reversal(line, take[i] ?? 0)
    if (r.amount === 0 && r.commission === 0 && r.mcnShare === 0) return []
    return [
      {
        anchorId: line.anchorId,
        orderId,
        orderItemId: line.orderItemId,
        kind,
        sourceId,
        currency: line.currency,
        itemAmount: -r.amount,
        commission: -r.commission,
        mcnShare: -r.mcnShare,
        mcnShareRate: line.rate,
        contractId: line.contractId,
        period,
        eventPeriod,
        occurredAt: at,
      },
    ]
  })
  await insertEntries(tx, entries)
}

/** A paid order cancelled: whatever of each line is not yet reversed is reversed now. */
export function bookCancellation(tx: TxCtx, order: OrderView): Promise<void> {
  const at = new Date(order.cancelled_at ?? order.updated_at)
  return bookReversals(tx, order.id, 'cancellation', order.id, at, (lines) =>
    lines.map((l) => l.amount - l.reversedAmount),
  )
}

/**
 * A refund completed: a line refund reverses that line in proportion to refund.amount / line
 * amount; a whole-order refund is spread over the lines by what is left of each, with the largest
 * remainder method so the parts add up to the refund exactly.
 */
export function bookRefund(tx: TxCtx, refund: RefundView): Promise<void> {
  const at = new Date(refund.completed_at ?? refund.updated_at)
  return bookReversals(tx, refund.order_id, 'refund', refund.id, at, (lines) =>
    refund.order_item_id
      ? lines.map((l) => (l.orderItemId === refund.order_item_id ? refund.amount : 0))
      : largestRemainder(
          refund.amount,
          lines.map((l) => l.amount - l.reversedAmount),
        ),
  )
}

export function subscribeSettlements(): void {
  const by = 'settlements'
  subscribe(orderPaid, by, bookSale)
  subscribe(orderCancelled, by, bookCancellation)
  subscribe(refundCompleted, by, bookRefund)
}
