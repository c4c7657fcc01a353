import { sql } from 'drizzle-orm'
import { Type } from 'typebox'
import { systemCtx, type Ctx } from '../../lib/context.js'
import { defineJob } from '../../lib/jobs.js'
import { finishJob, JobResourcePayload, loadJob, markRunning, startJob } from '../jobs/index.js'
import { reviewSuppliers } from './reputation.js'

export const REVIEW_JOB = 'suppliers.review'
const REVIEW_ALL_JOB = 'suppliers.review-all'
/** Every day at 03:00 UTC each tenant with suppliers gets a review job of its own. */
export const REVIEW_SCHEDULE = '0 3 * * *'

export const reviewJob = defineJob({
  queue: 'governance',
  name: REVIEW_JOB,
  payload: JobResourcePayload,
  handler: async (ctx, { jobId }) => {
    const row = await loadJob(ctx, jobId)
    if (row.state === 'succeeded' || row.state === 'failed') return
    await markRunning(ctx, jobId)
    try {
      const result = await reviewSuppliers(ctx, jobId)
      await finishJob(ctx, jobId, { state: 'succeeded', result })
    } catch (err) {
      // The review is one transaction: a failure changed nothing, and the next schedule retries.
      ctx.log.error({ err }, 'supplier review failed')
      await finishJob(ctx, jobId, {
        state: 'failed',
        failureReason: 'The review stopped on an unexpected error; no supplier was changed.',
      })
    }
  },
})

/** Starts a review of the caller's suppliers as a job (202 + Location). */
export function startReview(ctx: Ctx) {
  return startJob(ctx, reviewJob)
}

/** The schedule fans out: one review job per tenant that has suppliers, visible in its jobs. */
export const reviewAllJob = defineJob({
  queue: 'governance',
  name: REVIEW_ALL_JOB,
  payload: Type.Object({}),
  schedule: { cron: REVIEW_SCHEDULE, payload: {} },
  handler: async (ctx) => {
    const tenants = await ctx.db.execute<{ tenant_id: string; kind: 'mcn' | 'provider' | 'platform' }>(
      sql`select distinct s.tenant_id, o.kind from suppliers s join organizations o on o.id = s.tenant_id`,
    )
    for (const t of tenants) {
      await startReview({
        ...ctx,
        ...systemCtx(`schedule:${REVIEW_JOB}`, { id: t.tenant_id, kind: t.kind }),
        log: ctx.log.child({ tenantId: t.tenant_id }),
      })
    }
    return { tenants: tenants.length }
  },
})
