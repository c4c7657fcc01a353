import { defineModule } from '../types.js'
import { acquisitionGraphql } from './resolvers.js'
import acquisitionRoutes from './routes.js'
import { subscribeAcquisition } from './subscriptions.js'

/**
 * 拉新 acquisition: campaigns and their budgets, paid placements, tracked links and codes, the
 * touches (visits, follows, fan-group joins) they bring, and attribution of conversions to them.
 */
export const acquisitionModule = defineModule({
  name: 'acquisition',
  scopes: {
    'acquisition:read': 'Read campaigns, placements, tracked links, attribution, audience growth and conversion',
    'acquisition:write': 'Create and change campaigns, placements and tracked links; record touches',
  },
  idPrefixes: { campaign: 'cmp', placement: 'plc', trackedLink: 'lnk', touch: 'tch' },
  tags: [
    {
      name: 'Acquisition',
      description:
        '拉新: campaigns, paid placements (流量投放, 挂榜), tracked links and codes, attribution, public → private traffic (公域 → 私域)',
    },
  ],
  routes: acquisitionRoutes,
  graphql: acquisitionGraphql,
})

subscribeAcquisition()

// The public face of the module: what other modules may use.
/** For the interaction module's subscriber: joins become visits, follows stay follows. */
export { recordTouches, type TouchRecord, type TouchesRecorded } from './touches.js'
export { recordOrderConversion, type OrderFacts } from './reports.js'
