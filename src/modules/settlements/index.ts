import { defineModule } from '../types.js'
import { subscribeSettlements } from './ledger.js'
import { settlementsGraphql } from './resolvers.js'
import settlementsRoutes from './routes.js'
import { closePeriodJob } from './service.js'

/**
 * Commission and settlement (结算): anchor contracts (签约) with the MCN's share, the
 * insert-only commission ledger fed by orders' and after-sales' changes, anchors' earnings per
 * month and the MCN's settlement statements, which never change once closed.
 */
export const settlementsModule = defineModule({
  name: 'settlements',
  scopes: {
    'settlements:read': 'Read anchor contracts, earnings and settlement statements',
    'settlements:write': 'Sign and change anchor contracts; close settlement periods',
  },
  idPrefixes: { contract: 'ctr', commissionEntry: 'cme', settlement: 'stl' },
  queues: ['governance'],
  tags: [
    {
      name: 'Settlements',
      description: 'Anchor contracts (签约), commission earnings and the MCN’s monthly settlement statements (结算)',
    },
  ],
  routes: settlementsRoutes,
  graphql: settlementsGraphql,
  jobs: [closePeriodJob],
})

subscribeSettlements()

// The public face of the module: what other modules may use.
export { Contract, Earnings, Settlement } from './schemas.js'
