import { sql } from 'drizzle-orm'
import { Type } from 'typebox'
import { systemCtx, type Ctx } from '../../lib/context.js'
import { defineJob } from '../../lib/jobs.js'
import type { QueueName } from '../../queues/index.js'
import { finishJob, JobResourcePayload, loadJob, markRunning, startJob } from './service.js'

/**
 * A review run as a job resource, one per tenant (202 + Location when asked for through the
 * API), and the schedule that starts one in every tenant that has `tenantsOf` rows: what
 * supplier re-scoring and anchor tier reviews share. The review is one transaction, so a
 * failure changed nothing and the next schedule retries; `failureReason` says so to the user.
 */
export function defineTenantReview<R>(spec: {
  queue: QueueName
  /** The per-tenant job's name; the schedule's is `${name}-all`. */
  name: string
  cron: string
  /** The tenant table whose tenants are reviewed on schedule (a table of the defining module). */
  tenantsOf: string
  run: (ctx: Ctx, jobId: string) => Promise<R>
  failureReason: string
}) {
  const job = defineJob({
    queue: spec.queue,
    name: spec.name,
    payload: JobResourcePayload,
    handler: async (ctx, { jobId }) => {
      const row = await loadJob(ctx, jobId)
      if (row.state === 'succeeded' || row.state === 'failed') return
      await markRunning(ctx, jobId)
      try {
        const result = await spec.run(ctx, jobId)
        await finishJob(ctx, jobId, { state: 'succeeded', result })
      } catch (err) {
        ctx.log.error({ err, job: spec.name }, 'review failed')
        await finishJob(ctx, jobId, { state: 'failed', failureReason: spec.failureReason })
      }
    },
  })
  const start = (ctx: Ctx) => startJob(ctx, job)
  const scheduleJob = defineJob({
    queue: spec.queue,
    name: `${spec.name}-all`,
    payload: Type.Object({}),
    schedule: { cron: spec.cron, payload: {} },
    handler: async (ctx) => {
      const tenants = await ctx.db.execute<{ tenant_id: string; kind: 'mcn' | 'provider' | 'platform' }>(
        sql`select distinct r.tenant_id, o.kind from ${sql.identifier(spec.tenantsOf)} r join organizations o on o.id = r.tenant_id`,
      )
      for (const t of tenants)
        await start({
          ...ctx,
          ...systemCtx(`schedule:${spec.name}`, { id: t.tenant_id, kind: t.kind }),
          log: ctx.log.child({ tenantId: t.tenant_id }),
        })
      return { tenants: tenants.length }
    },
  })
  return { job, scheduleJob, start }
}
