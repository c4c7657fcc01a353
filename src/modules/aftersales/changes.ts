import { defineResourceChange } from '../../lib/hooks.js'
import {
  DISPUTE_ANSWERED,
  DISPUTE_ESCALATED,
  DISPUTE_OPENED,
  DISPUTE_RESOLVED,
  REFUND_APPROVED,
  REFUND_COMPLETED,
  REFUND_REFUSED,
  REFUND_REQUESTED,
  REFUND_RETURN_SHIPPED,
  REVIEW_CREATED,
} from './events.js'
import type { DisputeView, RefundView, ReviewView } from './schemas.js'

/** Public events of a refund, with the refund as presented; published in the writer's transaction. */
export const refundRequested = defineResourceChange<RefundView>(REFUND_REQUESTED, 'refund')
export const refundApproved = defineResourceChange<RefundView>(REFUND_APPROVED, 'refund')
export const refundRefused = defineResourceChange<RefundView>(REFUND_REFUSED, 'refund')
export const refundReturnShipped = defineResourceChange<RefundView>(REFUND_RETURN_SHIPPED, 'refund')
export const refundCompleted = defineResourceChange<RefundView>(REFUND_COMPLETED, 'refund')

export const disputeOpened = defineResourceChange<DisputeView>(DISPUTE_OPENED, 'dispute')
export const disputeAnswered = defineResourceChange<DisputeView>(DISPUTE_ANSWERED, 'dispute')
export const disputeEscalated = defineResourceChange<DisputeView>(DISPUTE_ESCALATED, 'dispute')
export const disputeResolved = defineResourceChange<DisputeView>(DISPUTE_RESOLVED, 'dispute')

export const reviewCreated = defineResourceChange<ReviewView>(REVIEW_CREATED, 'review')
