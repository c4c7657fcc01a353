import { defineModule } from '../types.js'
import { supplierReview } from './jobs.js'
import supplierGovernanceRoutes from './routes.js'

/**
 * Supplier governance: admission criteria (入围标准), spot inspections (抽检), surveys (调查),
 * the reputation score and its scheduled review, probation and elimination (淘汰).
 */
export const supplierGovernanceModule = defineModule({
  name: 'supplier-governance',
  scopes: {
    'governance:read': 'Read admission criteria, supplier applications, anchor standards, violations and tiers',
    'governance:write':
      'Define admission criteria, review applications, trigger re-scoring; record anchor violations, lift suspensions, set tier rules and run tier reviews (publishing anchor standards is the platform’s)',
  },
  idPrefixes: { criteria: 'crt', application: 'apl', inspection: 'insp', survey: 'srv' },
  queues: ['governance'],
  routes: supplierGovernanceRoutes,
  jobs: [supplierReview.job, supplierReview.scheduleJob],
})

// The public face of the module: what other modules may use.
export { reputationsReviewed } from './changes.js'
export { recordReviewRating, type ReviewRatingInput } from './quality.js'
