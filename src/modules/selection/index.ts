import { defineModule } from '../types.js'
import { selectionGraphql } from './resolvers.js'
import selectionRoutes from './routes.js'
import { subscribeSelection } from './subscriptions.js'

subscribeSelection()

export const selectionModule = defineModule({
  name: 'selection',
  scopes: {
    'selection:read': 'Read recommendations and brand-tier checks',
    'selection:write': 'Change recommendation weights',
  },
  tags: [{ name: 'Selection', description: 'Ranked recommendations and brand-tier strategy checks' }],
  routes: selectionRoutes,
  graphql: selectionGraphql,
})

// The public face of the module: what other modules may use.
export { checkOffer, type Finding, type PlannedOffer } from './brand-tier.js'
export { Recommendation } from './schemas.js'
export { recommendForAnchor } from './service.js'
