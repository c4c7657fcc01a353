import { Type, type Static } from 'typebox'
import { Currency, exampleId, Id, named, Nullable, StringEnum, Timestamp } from '../../lib/schemas.js'

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
