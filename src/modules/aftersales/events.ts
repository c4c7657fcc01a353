import { declareEvent, resourceEventExample, schemaRef } from '../../lib/event-catalog.js'
import { Refund } from './schemas.js'

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
export const REFUND_COMPLETED = refundEvent(
  'refund.completed',
  'The money went back to the buyer (after the returned goods arrived, when there was a return)',
)
