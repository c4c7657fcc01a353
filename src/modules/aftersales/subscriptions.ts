import { subscribe } from '../../lib/hooks.js'
import { orderCancelled, orderPaid } from '../orders/index.js'
import { closeRefundsOnCancel, openLedgers } from './refunds.js'

/**
 * The refund ledgers open in the paying transaction, so a refund request can never see a paid
 * order without knowing what was paid; a cancellation closes the order's open refund requests
 * in its own transaction.
 */
export function subscribeAftersales(): void {
  subscribe(orderPaid, 'aftersales', openLedgers)
  subscribe(orderCancelled, 'aftersales', closeRefundsOnCancel)
}
