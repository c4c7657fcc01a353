import { defineResourceChange } from '../../lib/hooks.js'
import { REFUND_APPROVED, REFUND_COMPLETED, REFUND_REFUSED, REFUND_REQUESTED } from './events.js'
import type { RefundView } from './schemas.js'

/** Public events of a refund, with the refund as presented; published in the writer's transaction. */
export const refundRequested = defineResourceChange<RefundView>(REFUND_REQUESTED, 'refund')
export const refundApproved = defineResourceChange<RefundView>(REFUND_APPROVED, 'refund')
export const refundRefused = defineResourceChange<RefundView>(REFUND_REFUSED, 'refund')
export const refundCompleted = defineResourceChange<RefundView>(REFUND_COMPLETED, 'refund')
