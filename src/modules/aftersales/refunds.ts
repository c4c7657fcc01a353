import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Ctx, TxCtx } from '../../lib/context.js'
import { AppError, notFound } from '../../lib/errors.js'
import { publish } from '../../lib/hooks.js'
import { newId } from '../../lib/ids.js'
import { mapPage, scoped, staleVersion, tenantRepository, type PageRequest } from '../../lib/repository.js'
import { findOrder, type OrderView } from '../orders/index.js'
import { refundApproved, refundCompleted, refundRefused, refundRequested, refundReturnShipped } from './changes.js'
import { allowedRefundActions, isRefundable, nextRefundStatus, type RefundAction } from './rules.js'
import type { RefundQueryInput, RefundStatus, RefundView, RequestRefundInput } from './schemas.js'
import { refundLedgers, refunds } from './tables.js'

export const refundRepo = tenantRepository(refunds, 'refund')
export type RefundRow = typeof refunds.$inferSelect

const iso = (d: Date | null) => (d ? d.toISOString() : null)

export const presentRefund = (r: RefundRow): RefundView => ({
  id: r.id,
  order_id: r.orderId,
  order_item_id: r.orderItemId,
  status: r.status,
  reason: r.reason,
  detail: r.detail,
  amount: r.amount,
  currency: r.currency,
  with_return: r.withReturn,
  return_tracking_number: r.returnTrackingNumber,
  return_carrier: r.returnCarrier,
  dispute_id: r.disputeId,
  refusal_reason: r.refusalReason,
  requested_at: r.requestedAt.toISOString(),
  approved_at: iso(r.approvedAt),
  refused_at: iso(r.refusedAt),
  return_shipped_at: iso(r.returnShippedAt),
  completed_at: iso(r.completedAt),
  version: r.version,
  created_at: r.createdAt.toISOString(),
  updated_at: r.updatedAt.toISOString(),
})

/**
 * The paying transaction opens the order's ledger and one per line: what was paid is what may
 * ever be refunded. A re-published payment finds the rows and leaves them alone.
 */
export async function openLedgers(tx: TxCtx, order: OrderView): Promise<void> {
  const rows = [
    { id: order.id, orderId: order.id, currency: order.currency, paid: order.paid_amount },
    ...order.items.map((i) => ({ id: i.id, orderId: order.id, currency: order.currency, paid: i.amount })),
  ]
  await tx.tx
    .insert(refundLedgers)
    .values(rows.map((r) => ({ ...r, tenantId: tx.tenantId })))
    .onConflictDoNothing()
}

/**
 * Reserves `amount` on one ledger row with a single conditional UPDATE: concurrent requests
 * queue on the row and each re-checks the condition on the committed value, so the sum of
 * reservations can never pass what was paid. false when it would.
 */
async function reserve(tx: TxCtx, ledgerId: string, amount: number): Promise<boolean> {
  const rows = await tx.tx
    .update(refundLedgers)
    .set({ reserved: sql`${refundLedgers.reserved} + ${amount}` })
    .where(
      scoped(
        tx,
        refundLedgers,
        eq(refundLedgers.id, ledgerId),
        sql`${refundLedgers.reserved} + ${amount} <= ${refundLedgers.paid}`,
      ),
    )
    .returning({ id: refundLedgers.id })
  return rows.length === 1
}

async function moveLedger(tx: TxCtx, r: RefundRow, set: { reserved?: number; refunded?: number }) {
  const ids = r.orderItemId ? [r.orderId, r.orderItemId] : [r.orderId]
  for (const id of ids)
    await tx.tx
      .update(refundLedgers)
      .set({
        ...(set.reserved ? { reserved: sql`${refundLedgers.reserved} + ${set.reserved}` } : {}),
        ...(set.refunded ? { refunded: sql`${refundLedgers.refunded} + ${set.refunded}` } : {}),
      })
      .where(scoped(tx, refundLedgers, eq(refundLedgers.id, id)))
}

async function ledgerRow(tx: TxCtx, id: string) {
  const [row] = await tx.tx
    .select()
    .from(refundLedgers)
    .where(scoped(tx, refundLedgers, eq(refundLedgers.id, id)))
  return row
}

async function exceeds(tx: TxCtx, ledgerId: string, amount: number, what: string): Promise<AppError> {
  const row = await ledgerRow(tx, ledgerId)
  const left = row ? row.paid - row.reserved : 0
  return new AppError(
    'refund_exceeds_paid',
    `A refund of ${amount} would exceed what was paid for the ${what}: ${left} is left to refund.`,
    { extensions: { refundable: left }, errors: [{ pointer: '/body/amount', detail: `at most ${left}` }] },
  )
}

export interface RefundDraft {
  reason: RequestRefundInput['reason']
  detail?: string | null
  amount: number
  order_item_id?: string | null
  with_return?: boolean
}

/**
 * The core of a refund request, shared by the API and a platform's dispute decision: checks
 * the order, reserves on the order's ledger and then the line's (always in that order, so two
 * requests never lock them crosswise), and writes the refund with its event.
 */
export async function requestRefundIn(
  tx: TxCtx,
  orderId: string,
  input: RefundDraft,
  extra: { disputeId?: string } = {},
): Promise<RefundRow> {
  const order = await findOrder(tx, orderId)
  if (!order) throw notFound('order', orderId)
  if (!isRefundable(order.status))
    throw new AppError(
      'conflict',
      `The order is ${order.status}; only a paid, shipped, delivered or completed order can be refunded.`,
      {
        extensions: { order_status: order.status },
      },
    )
  const item = input.order_item_id ? order.items.find((i) => i.id === input.order_item_id) : undefined
  if (input.order_item_id && !item)
    throw new AppError('unprocessable', `${input.order_item_id} is not a line of order ${orderId}.`, {
      errors: [{ pointer: '/body/order_item_id', detail: `not a line of ${orderId}` }],
    })
  // An order paid before this module kept ledgers gets them now, from the order as it stands.
  if (!(await ledgerRow(tx, order.id))) await openLedgers(tx, order)
  if (!(await reserve(tx, order.id, input.amount))) throw await exceeds(tx, order.id, input.amount, 'order')
  if (item && !(await reserve(tx, item.id, input.amount))) throw await exceeds(tx, item.id, input.amount, 'line')
  const row = await refundRepo.insert(tx, {
    id: newId('refund'),
    orderId: order.id,
    orderItemId: item?.id ?? null,
    reason: input.reason,
    detail: input.detail ?? null,
    amount: input.amount,
    currency: order.currency,
    withReturn: input.with_return ?? false,
    disputeId: extra.disputeId ?? null,
  })
  await publish(tx, refundRequested, presentRefund(row))
  return row
}

export function requestRefund(ctx: Ctx, orderId: string, input: RequestRefundInput): Promise<RefundView> {
  return inTenant(ctx, async (tx) => {
    const row = await requestRefundIn(tx, orderId, input)
    await audit(tx, 'refund.requested', { type: 'refund', id: row.id }, { order_id: orderId, amount: row.amount })
    return presentRefund(row)
  })
}

const CHANGE_INTO = {
  approved: refundApproved,
  refused: refundRefused,
  return_shipped: refundReturnShipped,
  completed: refundCompleted,
} as const

export interface RefundActionInput {
  reason?: string
  tracking_number?: string
  carrier?: string
}

/** One step of the refund machine on a locked row: the ledger moved, timestamps set, its event written. */
export async function applyRefundAction(
  tx: TxCtx,
  row: RefundRow,
  action: RefundAction,
  input: RefundActionInput = {},
): Promise<RefundRow> {
  const next = nextRefundStatus(row.status, action, row.withReturn)
  if (!next) {
    const allowed = allowedRefundActions(row.status, row.withReturn)
    const hint =
      action === 'ship_return' && !row.withReturn
        ? ' This refund has no return.'
        : action === 'complete' && row.withReturn && row.status === 'approved'
          ? ' The goods must be sent back first.'
          : ''
    throw new AppError(
      'conflict',
      `The refund is ${row.status}; it cannot ${action}.${hint} ${allowed.length ? `Allowed: ${allowed.join(', ')}.` : 'It takes no further transition.'}`,
      { extensions: { refund_status: row.status, allowed } },
    )
  }
  const now = new Date()
  if (action === 'refuse') await moveLedger(tx, row, { reserved: -row.amount })
  if (action === 'complete') await moveLedger(tx, row, { refunded: row.amount })
  const stamp = {
    approve: { approvedAt: now },
    refuse: { refusedAt: now, refusalReason: input.reason ?? null },
    ship_return: {
      returnShippedAt: now,
      returnTrackingNumber: input.tracking_number,
      returnCarrier: input.carrier ?? null,
    },
    complete: { completedAt: now },
  }[action]
  const updated = await refundRepo.update(tx, row.id, row.version, { status: next as RefundStatus, ...stamp })
  await publish(tx, CHANGE_INTO[next as keyof typeof CHANGE_INTO], presentRefund(updated))
  return updated
}

/**
 * A paid order the platform cancels is refunded in full by the platform itself. A request still
 * waiting is refused, giving its reservation back; one the MCN already approved keeps the order
 * from being cancelled until it completes (409), so the buyer is never refunded twice.
 */
export async function closeRefundsOnCancel(tx: TxCtx, order: OrderView): Promise<void> {
  const open = await tx.tx
    .select()
    .from(refunds)
    .where(
      scoped(
        tx,
        refunds,
        eq(refunds.orderId, order.id),
        inArray(refunds.status, ['requested', 'approved', 'return_shipped']),
      ),
    )
    .orderBy(asc(refunds.id))
    .for('update')
  const promised = open.filter((r) => r.status !== 'requested').map((r) => r.id)
  if (promised.length)
    throw new AppError(
      'conflict',
      `The order has approved refunds not yet completed (${promised.join(', ')}); complete them before cancelling it.`,
      { extensions: { refund_ids: promised } },
    )
  for (const r of open)
    await applyRefundAction(tx, r, 'refuse', { reason: 'The order was cancelled; the platform refunds it in full.' })
}

export async function lockRefund(tx: TxCtx, id: string): Promise<RefundRow> {
  const [row] = await tx.tx
    .select()
    .from(refunds)
    .where(scoped(tx, refunds, eq(refunds.id, id)))
    .for('update')
  if (!row) throw notFound('refund', id)
  return row
}

export function transitionRefund(
  ctx: Ctx,
  id: string,
  action: RefundAction,
  expectedVersion: number | undefined,
  input: RefundActionInput = {},
): Promise<RefundView> {
  return inTenant(ctx, async (tx) => {
    const row = await lockRefund(tx, id)
    if (expectedVersion !== undefined && row.version !== expectedVersion) throw staleVersion('refund', expectedVersion)
    const updated = await applyRefundAction(tx, row, action, input)
    await audit(tx, `refund.${updated.status}`, { type: 'refund', id }, input)
    return presentRefund(updated)
  })
}

export function getRefund(ctx: Ctx, id: string): Promise<RefundView> {
  return inTenant(ctx, async (tx) => presentRefund(await refundRepo.get(tx, id)))
}

/** Newest first, by order and status; keyset-paginated. */
export function listRefunds(ctx: Ctx, q: RefundQueryInput & PageRequest) {
  return inTenant(ctx, (tx) =>
    mapPage(
      refundRepo.list(
        tx,
        q,
        and(
          q.order_id ? eq(refunds.orderId, q.order_id) : undefined,
          q.status ? eq(refunds.status, q.status) : undefined,
        ),
      ),
      presentRefund,
    ),
  )
}

/** An order's refunds; another tenant's (or an unknown) order answers 404. */
export function listOrderRefunds(ctx: Ctx, orderId: string, page: PageRequest) {
  return inTenant(ctx, async (tx) => {
    if (!(await findOrder(tx, orderId))) throw notFound('order', orderId)
    return mapPage(refundRepo.list(tx, page, eq(refunds.orderId, orderId)), presentRefund)
  })
}
