import type { RefundStatus } from './schemas.js'

export const REFUND_ACTIONS = ['approve', 'refuse', 'ship_return', 'complete'] as const
export type RefundAction = (typeof REFUND_ACTIONS)[number]

/**
 * The refund state machine. A refund with a return waits for the goods to be sent back before
 * it completes; one without goes straight from approved to completed. Refusal is only possible
 * before approval (after it, the MCN has promised the money).
 */
export function refundTransitions(
  withReturn: boolean,
): Record<RefundStatus, Partial<Record<RefundAction, RefundStatus>>> {
  return {
    requested: { approve: 'approved', refuse: 'refused' },
    approved: withReturn ? { ship_return: 'return_shipped' } : { complete: 'completed' },
    return_shipped: { complete: 'completed' },
    completed: {},
    refused: {},
  }
}

export const nextRefundStatus = (from: RefundStatus, action: RefundAction, withReturn: boolean) =>
  refundTransitions(withReturn)[from][action]

export const allowedRefundActions = (from: RefundStatus, withReturn: boolean): RefundAction[] =>
  REFUND_ACTIONS.filter((a) => nextRefundStatus(from, a, withReturn) !== undefined)

/** Orders that took money and were not cancelled: the only ones a refund can be asked on. */
export const REFUNDABLE_ORDER_STATUSES = ['paid', 'shipped', 'delivered', 'completed'] as const
export const isRefundable = (orderStatus: string) =>
  (REFUNDABLE_ORDER_STATUSES as readonly string[]).includes(orderStatus)

/** How long the merchant has to answer a dispute, then the buyer to reply, before the platform steps in. */
export const MERCHANT_RESPONSE_HOURS = 48
export const BUYER_REPLY_HOURS = 48
/** The stages that run against a deadline. */
export const OPEN_STAGES = ['merchant_response', 'buyer_reply'] as const

export const deadlineAfter = (from: Date, hours: number) => new Date(from.getTime() + hours * 3_600_000)

/**
 * A line can be reviewed once the buyer has it: as on the platforms (and Shopify's product
 * reviews), a review before delivery would rate a promise, not goods.
 */
export const REVIEWABLE_ORDER_STATUSES = ['delivered', 'completed'] as const
export const isReviewable = (orderStatus: string) =>
  (REVIEWABLE_ORDER_STATUSES as readonly string[]).includes(orderStatus)
