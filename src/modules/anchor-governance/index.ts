import { defineModule } from '../types.js'
import { tierReview } from './jobs.js'
import { anchorGovernanceGraphql } from './resolvers.js'
import anchorGovernanceRoutes from './routes.js'

/**
 * Anchor governance: the platform's versioned standards (主播规范标准), violations and strikes
 * that suspend an anchor at a threshold, the recorded reinstatement, and tiers (head 头部 /
 * waist 腰部 / tail 中小) reviewed on a schedule, ranked inside a tier before one-step moves.
 * Uses supplier governance's scopes and its `governance` queue.
 */
export const anchorGovernanceModule = defineModule({
  name: 'anchor-governance',
  idPrefixes: { anchorStandard: 'astd', anchorViolation: 'viol', anchorSuspension: 'susp', anchorTierChange: 'tchg' },
  queues: ['governance'],
  routes: anchorGovernanceRoutes,
  graphql: anchorGovernanceGraphql,
  jobs: [tierReview.job, tierReview.scheduleJob],
})

// The public face of the module: what other modules may use.
export { anchorReinstated, anchorSuspended, tierChanged, violationRecorded } from './changes.js'
export { anchorSupportWeights } from './tiers.js'
