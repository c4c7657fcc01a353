import { sql } from 'drizzle-orm'
import { Type } from 'typebox'
import { systemCtx, type Ctx } from '../../lib/context.js'
import { defineJob } from '../../lib/jobs.js'
import { finishJob, JobResourcePayload, loadJob, markRunning, startJob } from '../jobs/index.js'
import { reviewAnchorTiers } from './tiers.js'

export const TIER_REVIEW_JOB = 'anchors.tier-review'
const TIER_REVIEW_ALL_JOB = 'anchors.tier-review-all'
/** Every Monday at 04:00 UTC each tenant with anchors gets a tier review job of its own. */
export const TIER_REVIEW_SCHEDULE = '0 4 * * 1'

export const tierReviewJob = defineJob({
  queue: 'governance',
  name: TIER_REVIEW_JOB,
  payload: JobResourcePayload,
  handler: async (ctx, { jobId }) => {
    const row = await loadJob(ctx, jobId)
    if (row.state === 'succeeded' || row.state === 'failed') return
    await markRunning(ctx, jobId)
    try {
      const result = await reviewAnchorTiers(ctx, jobId)
      await finishJob(ctx, jobId, { state: 'succeeded', result })
    } catch (err) {
      // The review is one transaction: a failure changed no tier, and the next schedule retries.
      ctx.log.error({ err }, 'anchor tier review failed')
      await finishJob(ctx, jobId, {
        state: 'failed',
        failureReason: 'The review stopped on an unexpected error; no anchor’s tier was changed.',
      })
    }
  },
})

/** Starts a tier review of the caller's anchors as a job (202 + Location). */
export function startTierReview(ctx: Ctx) {
  return startJob(ctx, tierReviewJob)
}

/** The schedule fans out: one review job per tenant that has anchors, visible in its jobs. */
export const tierReviewAllJob = defineJob({
  queue: 'governance',
  name: TIER_REVIEW_ALL_JOB,
  payload: Type.Object({}),
  schedule: { cron: TIER_REVIEW_SCHEDULE, payload: {} },
  handler: async (ctx) => {
    const tenants = await ctx.db.execute<{ tenant_id: string; kind: 'mcn' | 'provider' | 'platform' }>(
      sql`select distinct a.tenant_id, o.kind from anchors a join organizations o on o.id = a.tenant_id`,
    )
    for (const t of tenants) {
      await startTierReview({
        ...ctx,
        ...systemCtx(`schedule:${TIER_REVIEW_JOB}`, { id: t.tenant_id, kind: t.kind }),
        log: ctx.log.child({ tenantId: t.tenant_id }),
      })
    }
    return { tenants: tenants.length }
  },
})
