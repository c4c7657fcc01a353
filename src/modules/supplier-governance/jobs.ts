import { sql } from 'drizzle-orm'
import type { Ctx, SerializedCtx } from '../../lib/context.js'
import { finishJob, loadJob, markRunning, startJob } from '../jobs/index.js'
import type { WorkerDeps } from '../types.js'
import type { JobEnvelope } from '../../queues/index.js'
import { reviewSuppliers } from './reputation.js'

export const REVIEW_JOB = 'suppliers.review'
const REVIEW_ALL_JOB = 'suppliers.review-all'
/** Every day at 03:00 UTC each tenant with suppliers gets a review job of its own. */
export const REVIEW_SCHEDULE = '0 3 * * *'

const systemCtx: SerializedCtx = {
  tenantId: '',
  actor: { clientId: 'system', organizationId: '', organizationKind: 'platform', scopes: [] },
  requestId: 'schedule:suppliers.review',
}

/** Starts a review of the caller's suppliers as a job (202 + Location). */
export function startReview(ctx: Ctx) {
  return startJob(ctx, { kind: REVIEW_JOB, queue: 'governance', jobName: REVIEW_JOB })
}

export function registerSupplierJobs(deps: WorkerDeps) {
  const rebuild = (data: JobEnvelope): Ctx => ({ ...data.ctx, db: deps.db, queues: deps.queues, log: deps.log })

  deps.queues.handle('governance', REVIEW_JOB, async (job) => {
    const ctx = rebuild(job.data)
    const { jobId } = job.data.payload as { jobId: string }
    const row = await loadJob(ctx, jobId)
    if (row.state === 'succeeded' || row.state === 'failed') return
    await markRunning(ctx, jobId)
    try {
      const result = await reviewSuppliers(ctx, jobId)
      await finishJob(ctx, jobId, { state: 'succeeded', result })
    } catch (err) {
      // The review is one transaction: a failure changed nothing, and the next schedule retries.
      deps.log.error({ err, jobId }, 'supplier review failed')
      await finishJob(ctx, jobId, {
        state: 'failed',
        failureReason: 'The review stopped on an unexpected error; no supplier was changed.',
      })
    }
  })

  // The schedule fans out: one review job per tenant that has suppliers, visible in its jobs.
  deps.queues.handle('governance', REVIEW_ALL_JOB, async () => {
    const tenants = await deps.db.execute<{ tenant_id: string; kind: 'mcn' | 'provider' | 'platform' }>(
      sql`select distinct s.tenant_id, o.kind from suppliers s join organizations o on o.id = s.tenant_id`,
    )
    for (const t of tenants) {
      const ctx = rebuild({
        ctx: {
          tenantId: t.tenant_id,
          actor: { clientId: 'system', organizationId: t.tenant_id, organizationKind: t.kind, scopes: [] },
          requestId: `schedule:${REVIEW_JOB}`,
        },
        payload: {},
      })
      await startReview(ctx)
    }
    return { tenants: tenants.length }
  })
  return deps.queues.schedule('governance', REVIEW_ALL_JOB, REVIEW_SCHEDULE, REVIEW_ALL_JOB, {
    ctx: systemCtx,
    payload: {},
  })
}
