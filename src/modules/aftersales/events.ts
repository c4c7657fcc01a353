import { declareEvent, resourceEventExample, schemaRef } from '../../lib/event-catalog.js'
import { Dispute, Refund, Review } from './schemas.js'

const refundEvent = (type: string, description: string) =>
  declareEvent(type, description, schemaRef(Refund), resourceEventExample('refund', Refund), {
    scope: 'aftersales:read',
  })

export const REFUND_REQUESTED = refundEvent(
  'refund.requested',
  'A buyer asked for a refund (with or without return); its amount is reserved against what was paid',
)
export const REFUND_APPROVED = refundEvent('refund.approved', 'The MCN approved a refund request')
export const REFUND_REFUSED = refundEvent(
  'refund.refused',
  'The MCN refused a refund request; its reserved amount is released',
)
export const REFUND_RETURN_SHIPPED = refundEvent(
  'refund.return_shipped',
  'The buyer sent the goods back; the tracking number is on the refund',
)
export const REFUND_COMPLETED = refundEvent(
  'refund.completed',
  'The money went back to the buyer (after the returned goods arrived, when there was a return)',
)

const disputeEvent = (type: string, description: string) =>
  declareEvent(type, description, schemaRef(Dispute), resourceEventExample('dispute', Dispute), {
    scope: 'aftersales:read',
  })

export const DISPUTE_OPENED = disputeEvent(
  'dispute.opened',
  'A buyer opened a dispute on an order or a refund; the merchant has 48 hours to answer',
)
export const DISPUTE_ANSWERED = disputeEvent(
  'dispute.answered',
  'The merchant answered or the buyer replied with evidence; the dispute moved to its next stage',
)
export const DISPUTE_ESCALATED = disputeEvent(
  'dispute.escalated',
  'The dispute went to platform intervention (第三方介入): a deadline passed unanswered, or the buyer kept it up',
)
export const DISPUTE_RESOLVED = disputeEvent(
  'dispute.resolved',
  'The platform decided the dispute (refund to the buyer, for the merchant, or split), or the buyer withdrew it',
)

export const REVIEW_CREATED = declareEvent(
  'review.created',
  'A buyer reviewed an order line (rating 1–5 and optional words); it counts in the supplier’s survey signal',
  schemaRef(Review),
  resourceEventExample('review', Review, { created: true }),
  { scope: 'aftersales:read' },
)
