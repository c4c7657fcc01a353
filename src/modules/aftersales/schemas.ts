import { Type, type Static } from 'typebox'
import {
  Body,
  Currency,
  exampleId,
  Id,
  named,
  Nullable,
  Page,
  PageQuery,
  ref,
  StringEnum,
  Timestamp,
} from '../../lib/schemas.js'

export const REFUND_STATUSES = ['requested', 'approved', 'return_shipped', 'completed', 'refused'] as const
export type RefundStatus = (typeof REFUND_STATUSES)[number]
export const REFUND_REASONS = [
  'not_received',
  'damaged',
  'not_as_described',
  'wrong_item',
  'quality',
  'changed_mind',
  'other',
] as const

/**
 * 退款 / 退货: a buyer's refund request on an order (or one of its lines), with or without the
 * return of the goods. Settlement reverses commission from `refund.completed` in proportion to
 * `amount`.
 */
export const Refund = named(
  'Refund',
  Type.Object(
    {
      id: Id('rfd'),
      order_id: Id('ord'),
      order_item_id: Nullable(Id('oit')),
      status: StringEnum(REFUND_STATUSES, {
        description:
          'requested → approved → completed (no return) or requested → approved → return_shipped → completed (with return); requested → refused',
      }),
      reason: StringEnum(REFUND_REASONS),
      detail: Nullable(Type.String({ description: 'The buyer’s words' })),
      amount: Type.Integer({ minimum: 1, description: 'Amount to refund, in minor units' }),
      currency: Currency,
      with_return: Type.Boolean({ description: 'The goods are sent back before the refund completes' }),
      return_tracking_number: Nullable(Type.String()),
      return_carrier: Nullable(Type.String({ description: 'Carrier of the return shipment' })),
      dispute_id: Nullable(Id('dsp')),
      refusal_reason: Nullable(Type.String()),
      requested_at: Timestamp,
      approved_at: Nullable(Timestamp),
      refused_at: Nullable(Timestamp),
      return_shipped_at: Nullable(Timestamp),
      completed_at: Nullable(Timestamp),
      version: Type.Integer(),
      created_at: Timestamp,
      updated_at: Timestamp,
    },
    { description: 'A refund (and possibly return) request on a paid order' },
  ),
  {
    id: exampleId('rfd'),
    order_id: exampleId('ord'),
    order_item_id: exampleId('oit'),
    status: 'completed',
    reason: 'damaged',
    detail: '茶叶罐压扁了',
    amount: 2872,
    currency: 'CNY',
    with_return: true,
    return_tracking_number: 'SF1234567890',
    return_carrier: 'SF Express',
    dispute_id: null,
    refusal_reason: null,
    requested_at: '2026-12-14T08:00:00.000Z',
    approved_at: '2026-12-14T10:00:00.000Z',
    refused_at: null,
    return_shipped_at: '2026-12-15T09:30:00.000Z',
    completed_at: '2026-12-17T11:00:00.000Z',
    version: 4,
    created_at: '2026-12-14T08:00:00.412Z',
    updated_at: '2026-12-17T11:00:00.120Z',
  },
)
export type RefundView = Static<typeof Refund>

const Text = (maxLength: number, description?: string) => Type.String({ minLength: 1, maxLength, description })

export const RequestRefund = named(
  'RequestRefund',
  Body({
    reason: StringEnum(REFUND_REASONS),
    detail: Type.Optional(Text(2000, 'The buyer’s words')),
    amount: Type.Integer({ minimum: 1, maximum: 1e15, description: 'Amount to refund, in the order’s minor units' }),
    order_item_id: Type.Optional(Id('oit')),
    with_return: Type.Optional(
      Type.Boolean({ description: 'The goods are sent back first (退货退款); default false' }),
    ),
  }),
  { reason: 'damaged', detail: '茶叶罐压扁了', amount: 2872, order_item_id: exampleId('oit'), with_return: true },
)
export const RefuseRefund = named('RefuseRefund', Body({ reason: Text(500, 'Why the MCN refuses') }), {
  reason: '商品已签收超过7天',
})
export const ReturnShipment = named(
  'ReturnShipment',
  Body({ tracking_number: Text(64, 'The return parcel’s tracking number'), carrier: Type.Optional(Text(64)) }),
  { tracking_number: 'SF1234567890', carrier: 'SF Express' },
)
export const RefundList = Page(Refund)
export const RefundQuery = Type.Object(
  {
    ...PageQuery.properties,
    order_id: Type.Optional(Id('ord')),
    status: Type.Optional(StringEnum(REFUND_STATUSES)),
  },
  { additionalProperties: false },
)
export type RequestRefundInput = Static<typeof RequestRefund>
export type RefundQueryInput = Static<typeof RefundQuery>

/**
 * A dispute's stages. The merchant (the MCN) answers first, then the buyer replies; each stage
 * has a deadline, and one that passes unanswered escalates to platform intervention (第三方介入),
 * where the platform decides.
 */
export const DISPUTE_STAGES = ['merchant_response', 'buyer_reply', 'platform_review', 'resolved', 'withdrawn'] as const
export type DisputeStage = (typeof DISPUTE_STAGES)[number]
export const DISPUTE_OUTCOMES = ['refund_buyer', 'side_with_merchant', 'split'] as const
export type DisputeOutcome = (typeof DISPUTE_OUTCOMES)[number]
export const DISPUTE_PARTIES = ['buyer', 'merchant', 'platform', 'system'] as const
export const DISPUTE_STEP_KINDS = [
  'opened',
  'merchant_responded',
  'buyer_replied',
  'escalated',
  'decided',
  'withdrawn',
] as const

export const Evidence = named(
  'DisputeEvidence',
  Body({
    text: Text(4000, 'What the party says'),
    urls: Type.Optional(
      Type.Array(Type.String({ format: 'uri', maxLength: 2000 }), {
        maxItems: 20,
        description: 'Photos, videos, chat screenshots',
      }),
    ),
  }),
  { text: '收到时罐子已经压扁', urls: ['https://cdn.example.com/evidence/1.jpg'] },
)

export const DisputeStep = named(
  'DisputeStep',
  Type.Object({
    party: StringEnum(DISPUTE_PARTIES),
    kind: StringEnum(DISPUTE_STEP_KINDS),
    text: Nullable(Type.String()),
    urls: Type.Array(Type.String()),
    at: Timestamp,
  }),
  { party: 'buyer', kind: 'opened', text: '收到时罐子已经压扁', urls: [], at: '2026-12-14T08:00:00.000Z' },
)

export const Dispute = named(
  'Dispute',
  Type.Object(
    {
      id: Id('dsp'),
      order_id: Id('ord'),
      refund_id: Nullable(Id('rfd')),
      stage: StringEnum(DISPUTE_STAGES, {
        description:
          'merchant_response (48 h) → buyer_reply (48 h) → platform_review → resolved; a passed deadline escalates to platform_review; withdrawn by the buyer before a decision',
      }),
      deadline_at: Nullable(Timestamp),
      escalated_at: Nullable(Timestamp),
      outcome: Nullable(StringEnum(DISPUTE_OUTCOMES)),
      decided_amount: Nullable(Type.Integer({ description: 'What the platform decided to refund, in minor units' })),
      decision_refund_id: Nullable(Id('rfd')),
      decided_by: Nullable(Type.String({ description: 'The platform organization that decided' })),
      resolved_at: Nullable(Timestamp),
      currency: Currency,
      steps: Type.Array(ref(DisputeStep)),
      version: Type.Integer(),
      created_at: Timestamp,
      updated_at: Timestamp,
    },
    { description: 'A buyer’s dispute (纠纷) on an order or a refund, as the MCN records it from the platform' },
  ),
  {
    id: exampleId('dsp'),
    order_id: exampleId('ord'),
    refund_id: exampleId('rfd'),
    stage: 'resolved',
    deadline_at: null,
    escalated_at: '2026-12-16T08:00:00.000Z',
    outcome: 'split',
    decided_amount: 1436,
    decision_refund_id: exampleId('rfd', 2),
    decided_by: 'org_platform',
    resolved_at: '2026-12-17T08:00:00.000Z',
    currency: 'CNY',
    steps: [{ party: 'buyer', kind: 'opened', text: '收到时罐子已经压扁', urls: [], at: '2026-12-14T08:00:00.000Z' }],
    version: 3,
    created_at: '2026-12-14T08:00:00.000Z',
    updated_at: '2026-12-17T08:00:00.000Z',
  },
)
export type DisputeView = Static<typeof Dispute>

export const OpenDispute = named(
  'OpenDispute',
  Body({
    order_id: Id('ord'),
    refund_id: Type.Optional(Id('rfd')),
    evidence: ref(Evidence),
  }),
  { order_id: exampleId('ord'), refund_id: exampleId('rfd'), evidence: { text: '收到时罐子已经压扁', urls: [] } },
)
export const DisputeAnswer = named('DisputeAnswer', Body({ evidence: ref(Evidence) }), {
  evidence: { text: '发货前已拍照，包装完好', urls: ['https://cdn.example.com/evidence/2.jpg'] },
})
export const DisputeDecision = named(
  'DisputeDecision',
  Body({
    outcome: StringEnum(DISPUTE_OUTCOMES),
    amount: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1e15, description: 'Required for refund_buyer and split' }),
    ),
    note: Type.Optional(Text(2000)),
  }),
  { outcome: 'split', amount: 1436, note: '双方各承担一半' },
)
export const DisputeList = Page(Dispute)
export const DisputeQuery = Type.Object(
  {
    ...PageQuery.properties,
    order_id: Type.Optional(Id('ord')),
    stage: Type.Optional(StringEnum(DISPUTE_STAGES)),
  },
  { additionalProperties: false },
)
export type OpenDisputeInput = Static<typeof OpenDispute>
export type EvidenceInput = Static<typeof Evidence>
export type DisputeDecisionInput = Static<typeof DisputeDecision>
export type DisputeQueryInput = Static<typeof DisputeQuery>

/**
 * 评价: a buyer's rating and words on one order line, once the order was delivered. The
 * product's supplier is the one at review time; the order's anchor and buyer are copied so a
 * review is readable by product, supplier and anchor. Reviews feed the supplier's survey
 * signal in reputation.
 */
export const Review = named(
  'Review',
  Type.Object(
    {
      id: Id('rev'),
      order_id: Id('ord'),
      order_item_id: Id('oit'),
      product_id: Id('prd'),
      sku_id: Nullable(Id('sku')),
      supplier_id: Id('sup'),
      anchor_id: Id('anc'),
      buyer_id: Id('buy'),
      rating: Type.Integer({ minimum: 1, maximum: 5, description: 'Stars, 1 (worst) to 5 (best)' }),
      text: Nullable(Type.String({ description: 'The buyer’s words' })),
      version: Type.Integer(),
      created_at: Timestamp,
      updated_at: Timestamp,
    },
    { description: 'A buyer’s review of one order line' },
  ),
  {
    id: exampleId('rev'),
    order_id: exampleId('ord'),
    order_item_id: exampleId('oit'),
    product_id: exampleId('prd'),
    sku_id: exampleId('sku'),
    supplier_id: exampleId('sup'),
    anchor_id: exampleId('anc'),
    buyer_id: exampleId('buy'),
    rating: 5,
    text: '茶香很足，包装也换好了',
    version: 1,
    created_at: '2026-12-18T09:00:00.000Z',
    updated_at: '2026-12-18T09:00:00.000Z',
  },
)
export type ReviewView = Static<typeof Review>

export const CreateReview = named(
  'CreateReview',
  Body({
    order_item_id: Id('oit'),
    rating: Type.Integer({ minimum: 1, maximum: 5, description: 'Stars, 1 (worst) to 5 (best)' }),
    text: Type.Optional(Text(2000, 'The buyer’s words')),
  }),
  { order_item_id: exampleId('oit'), rating: 5, text: '茶香很足，包装也换好了' },
)
export type CreateReviewInput = Static<typeof CreateReview>

export const ReviewList = Page(Review)
export const ReviewQuery = Type.Object(
  {
    ...PageQuery.properties,
    product_id: Type.Optional(Id('prd')),
    supplier_id: Type.Optional(Id('sup')),
    anchor_id: Type.Optional(Id('anc')),
    order_id: Type.Optional(Id('ord')),
  },
  { additionalProperties: false },
)
export type ReviewQueryInput = Static<typeof ReviewQuery>

const Count = (description: string) => Type.Integer({ minimum: 0, description })

/** What a product's, supplier's or anchor's reviews add up to, over all time. */
export const ReviewSummary = named(
  'ReviewSummary',
  Type.Object(
    {
      subject: Type.Object({
        type: StringEnum(['product', 'supplier', 'anchor'] as const),
        id: Type.String(),
      }),
      count: Count('How many reviews'),
      average_rating: Nullable(
        Type.Number({ minimum: 1, maximum: 5, description: 'Mean stars, rounded to 2 decimals; null without reviews' }),
      ),
      distribution: Type.Object(
        {
          '1': Count('Reviews of 1 star'),
          '2': Count('Reviews of 2 stars'),
          '3': Count('Reviews of 3 stars'),
          '4': Count('Reviews of 4 stars'),
          '5': Count('Reviews of 5 stars'),
        },
        { description: 'How many reviews gave each rating' },
      ),
    },
    { description: 'Count, average and distribution of reviews of a product, supplier or anchor' },
  ),
  {
    subject: { type: 'product', id: exampleId('prd') },
    count: 4,
    average_rating: 4.25,
    distribution: { '1': 0, '2': 0, '3': 1, '4': 1, '5': 2 },
  },
)
export type ReviewSummaryView = Static<typeof ReviewSummary>
