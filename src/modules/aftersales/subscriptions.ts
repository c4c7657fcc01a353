import { subscribe } from '../../lib/hooks.js'
import { orderPaid } from '../orders/index.js'
import { openLedgers } from './refunds.js'

/**
 * The refund ledgers open in the paying transaction, so a refund request can never see a paid
 * order without knowing what was paid.
 */
export function subscribeAftersales(): void {
  subscribe(orderPaid, 'aftersales', openLedgers)
}
