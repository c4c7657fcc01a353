import { defineTenantReview } from '../jobs/index.js'
import { reviewAnchorTiers } from './tiers.js'

export const TIER_REVIEW_JOB = 'anchors.tier-review'
/** Every Monday at 04:00 UTC each tenant with anchors gets a tier review job of its own. */
export const TIER_REVIEW_SCHEDULE = '0 4 * * 1'

export const tierReview = defineTenantReview({
  queue: 'governance',
  name: TIER_REVIEW_JOB,
  cron: TIER_REVIEW_SCHEDULE,
  tenantsOf: 'anchors',
  run: reviewAnchorTiers,
  failureReason: 'The review stopped on an unexpected error; no anchor’s tier was changed.',
})
