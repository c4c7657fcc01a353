import { sql } from 'drizzle-orm'
import { bigint, boolean, check, foreignKey, index, integer, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import { createdAt, tenantTable, versioned } from '../../db/tenant-table.js'
import {
  DISPUTE_OUTCOMES,
  DISPUTE_PARTIES,
  DISPUTE_STAGES,
  DISPUTE_STEP_KINDS,
  REFUND_REASONS,
  REFUND_STATUSES,
} from './schemas.js'

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

/** 纠纷: a buyer's dispute on an order (or one of its refunds), as the MCN records it. */
export const disputes = tenantTable(
  'disputes',
  {
    orderId: text('order_id').notNull(),
    refundId: text('refund_id'),
    stage: text('stage', { enum: DISPUTE_STAGES }).notNull().default('merchant_response'),
    currency: text('currency').notNull(),
    deadlineAt: at('deadline_at'),
    escalatedAt: at('escalated_at'),
    outcome: text('outcome', { enum: DISPUTE_OUTCOMES }),
    decidedAmount: money('decided_amount'),
    decisionRefundId: text('decision_refund_id'),
    decidedBy: text('decided_by'),
    resolvedAt: at('resolved_at'),
    ...versioned(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.refundId], foreignColumns: [refunds.tenantId, refunds.id] }),
    index('disputes_order_idx').on(t.tenantId, t.orderId),
    // The escalation job looks for open stages whose deadline passed.
    index('disputes_deadline_idx').on(t.stage, t.deadlineAt),
    check(
      'disputes_deadline_check',
      sql`(${t.stage} in ('merchant_response', 'buyer_reply')) = (${t.deadlineAt} is not null)`,
    ),
  ],
)

/** Every step of a dispute, who did it and with what evidence: the record the platform decides on. */
export const disputeSteps = tenantTable(
  'dispute_steps',
  {
    disputeId: text('dispute_id').notNull(),
    party: text('party', { enum: DISPUTE_PARTIES }).notNull(),
    kind: text('kind', { enum: DISPUTE_STEP_KINDS }).notNull(),
    text: text('text'),
    urls: text('urls').array().notNull().default(sql`'{}'::text[]`),
    recordedBy: text('recorded_by').notNull(),
    at: at('at').notNull(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.disputeId], foreignColumns: [disputes.tenantId, disputes.id] }).onDelete(
      'cascade',
    ),
    index('dispute_steps_dispute_idx').on(t.tenantId, t.disputeId, t.at),
  ],
)

/**
 * 评价: a buyer's rating (1–5) and words on one order line. The ids are the orders module's
 * (and the product's supplier at review time, from the catalog), copied so that lists and
 * summaries by product, supplier or anchor read one table. One review per line.
 */
export const reviews = tenantTable(
  'reviews',
  {
    orderId: text('order_id').notNull(),
    orderItemId: text('order_item_id').notNull(),
    productId: text('product_id').notNull(),
    skuId: text('sku_id'),
    supplierId: text('supplier_id').notNull(),
    anchorId: text('anchor_id').notNull(),
    buyerId: text('buyer_id').notNull(),
    rating: integer('rating').notNull(),
    text: text('text'),
    ...versioned(),
  },
  (t) => [
    uniqueIndex('reviews_order_item_key').on(t.tenantId, t.orderItemId),
    index('reviews_product_idx').on(t.tenantId, t.productId, t.id),
    index('reviews_supplier_idx').on(t.tenantId, t.supplierId, t.id),
    index('reviews_anchor_idx').on(t.tenantId, t.anchorId, t.id),
    index('reviews_order_idx').on(t.tenantId, t.orderId),
    check('reviews_rating_check', sql`${t.rating} between 1 and 5`),
    check('reviews_text_check', sql`${t.text} is null or char_length(${t.text}) between 1 and 2000`),
  ],
)
