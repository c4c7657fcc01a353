import { defineModule } from '../types.js'
import { salesImportJob } from './import.js'
import { configureSalesRefresh, salesRefreshJob } from './refresh.js'
import salesRoutes from './routes.js'

/**
 * Anchors' sales: the imported history (before Showrunner) and the read model of real orders,
 * refunds and disputes; what selection, anchor tiers and supplier reputation learn from.
 */
export const salesModule = defineModule({
  name: 'sales',
  idPrefixes: { sale: 'sal' },
  queues: ['ingest'],
  routes: salesRoutes,
  jobs: [salesImportJob, salesRefreshJob],
  configure: configureSalesRefresh,
})

// The public face of the module: what other modules may use.
export { salesRecorded } from './changes.js'
/** For the sales-feed module, which subscribes them to orders' and after-sales' changes. */
export {
  type CompletedRefundInput,
  type OpenedDisputeInput,
  type PaidOrderInput,
  recordCompletedRefund,
  recordOpenedDispute,
  recordPaidOrder,
  removeCancelledOrder,
} from './feed.js'
export { HEAD_ANCHOR_SHARE, HISTORY_DAYS, headAnchorIds, salesSql } from './reads.js'
