import { defineTenantReview } from '../jobs/index.js'
import { reviewSuppliers } from './reputation.js'

export const REVIEW_JOB = 'suppliers.review'
/** Every day at 03:00 UTC each tenant with suppliers gets a review job of its own. */
export const REVIEW_SCHEDULE = '0 3 * * *'

export const supplierReview = defineTenantReview({
  queue: 'governance',
  name: REVIEW_JOB,
  cron: REVIEW_SCHEDULE,
  tenantsOf: 'suppliers',
  run: reviewSuppliers,
  failureReason: 'The review stopped on an unexpected error; no supplier was changed.',
})
