import { sql } from 'drizzle-orm'
import { bigint, boolean, check, foreignKey, index, text, timestamp } from 'drizzle-orm/pg-core'
import { createdAt, tenantTable, versioned } from '../../db/tenant-table.js'
import { REFUND_REASONS, REFUND_STATUSES } from './schemas.js'

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })
const money = (name: string) => bigint(name, { mode: 'number' })

/**
 * What may still be refunded: one row per paid order (id = the order's id, order_id the same)
 * and one per order line (id = the line's id), written from the orderPaid change in the paying
 * transaction. `reserved` grows by the one conditional UPDATE of a refund request and shrinks
 * on refusal; the CHECK is the backstop that no race can reserve more than was paid.
 */
export const refundLedgers = tenantTable(
  'refund_ledgers',
  {
    orderId: text('order_id').notNull(),
    currency: text('currency').notNull(),
    paid: money('paid').notNull(),
    reserved: money('reserved').notNull().default(0),
    refunded: money('refunded').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    index('refund_ledgers_order_idx').on(t.tenantId, t.orderId),
    check(
      'refund_ledgers_amounts_check',
      sql`${t.paid} >= 0 and ${t.reserved} >= 0 and ${t.reserved} <= ${t.paid} and ${t.refunded} >= 0 and ${t.refunded} <= ${t.reserved}`,
    ),
  ],
)

/** 退款 / 退货 requests. The order and line are the orders module's ids, checked through its index. */
export const refunds = tenantTable(
  'refunds',
  {
    orderId: text('order_id').notNull(),
    orderItemId: text('order_item_id'),
    status: text('status', { enum: REFUND_STATUSES }).notNull().default('requested'),
    reason: text('reason', { enum: REFUND_REASONS }).notNull(),
    detail: text('detail'),
    amount: money('amount').notNull(),
    currency: text('currency').notNull(),
    withReturn: boolean('with_return').notNull().default(false),
    returnTrackingNumber: text('return_tracking_number'),
    returnCarrier: text('return_carrier'),
    refusalReason: text('refusal_reason'),
    disputeId: text('dispute_id'),
    requestedAt: at('requested_at').notNull().defaultNow(),
    approvedAt: at('approved_at'),
    refusedAt: at('refused_at'),
    returnShippedAt: at('return_shipped_at'),
    completedAt: at('completed_at'),
    ...versioned(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.orderId], foreignColumns: [refundLedgers.tenantId, refundLedgers.id] }),
    index('refunds_order_idx').on(t.tenantId, t.orderId),
    index('refunds_status_idx').on(t.tenantId, t.status, t.id),
    check('refunds_amount_check', sql`${t.amount} > 0`),
  ],
)
