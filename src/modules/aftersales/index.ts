import { defineModule } from '../types.js'
import { disputeEscalation } from './jobs.js'
import { aftersalesGraphql } from './resolvers.js'
import aftersalesRoutes from './routes.js'
import { subscribeAftersales } from './subscriptions.js'

/**
 * After-sales (售后): refunds and returns against what was paid, disputes with deadlines and
 * platform intervention (第三方介入), and reviews per order line.
 */
export const aftersalesModule = defineModule({
  name: 'aftersales',
  scopes: {
    'aftersales:read': 'Read refunds, returns, disputes and reviews',
    'aftersales:write': 'Request, approve, refuse and complete refunds; open and answer disputes; post reviews',
  },
  idPrefixes: { refund: 'rfd', dispute: 'dsp', disputeStep: 'dst', review: 'rev' },
  tags: [{ name: 'After-sales', description: 'Refunds and returns, disputes and reviews (售后)' }],
  queues: ['governance'],
  routes: aftersalesRoutes,
  graphql: aftersalesGraphql,
  jobs: [disputeEscalation],
})

subscribeAftersales()

// The public face of the module: what other modules may use.
export { refundApproved, refundCompleted, refundRefused, refundRequested, refundReturnShipped } from './changes.js'
export {
  disputeEscalated,
  disputeOpened,
  disputeResolved,
  reviewCreated,
} from './changes.js'
export {
  Dispute,
  Refund,
  Review,
  type DisputeView,
  type RefundStatus,
  type RefundView,
  type ReviewView,
} from './schemas.js'
