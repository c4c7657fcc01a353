import { subscribe } from '../../lib/hooks.js'
import { disputeOpened, refundCompleted } from '../aftersales/index.js'
import { orderCancelled, orderPaid } from '../orders/index.js'
import { recordCompletedRefund, recordOpenedDispute, recordPaidOrder, removeCancelledOrder } from '../sales/index.js'
import { defineModule } from '../types.js'

/**
 * Feeds the sales read model from real orders and after-sales, in the writer's transaction.
 * It is its own module because of where sales sits: selection reads sales and orders reach
 * selection (orders → scheduling → selection), so sales cannot import orders without a cycle.
 * This module sits above orders and after-sales and only wires their changes to sales' writers;
 * the read model, its rules and its table stay in sales.
 */
export const salesFeedModule = defineModule({ name: 'sales-feed' })

function subscribeSalesFeed(): void {
  const by = 'sales-feed'
  subscribe(orderPaid, by, recordPaidOrder)
  subscribe(orderCancelled, by, removeCancelledOrder)
  subscribe(refundCompleted, by, recordCompletedRefund)
  subscribe(disputeOpened, by, recordOpenedDispute)
}

subscribeSalesFeed()
