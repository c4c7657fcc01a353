import { subscribe } from '../../lib/hooks.js'
import { orderCancelled, orderPaid } from '../orders/index.js'
import { recordReviewRating } from '../supplier-governance/index.js'
import { reviewCreated } from './changes.js'
import { closeRefundsOnCancel, openLedgers } from './refunds.js'

/**
 * The refund ledgers open in the paying transaction, so a refund request can never see a paid
 * order without knowing what was paid; a cancellation closes the order's open refund requests
 * in its own transaction.
 *
 * A review counts in its supplier's survey signal from the reviewing transaction on. The
 * subscription is written here, not in supplier-governance: that module sits below orders in
 * the module graph (orders → scheduling → selection → supplier-governance), so it cannot import
 * this module's change; it offers the recorder through its index instead.
 */
export function subscribeAftersales(): void {
  subscribe(orderPaid, 'aftersales', openLedgers)
  subscribe(orderCancelled, 'aftersales', closeRefundsOnCancel)
  subscribe(reviewCreated, 'supplier-governance', (tx, r) =>
    recordReviewRating(tx, {
      id: r.id,
      supplierId: r.supplier_id,
      productId: r.product_id,
      rating: r.rating,
      ratedAt: new Date(r.created_at),
    }),
  )
}
