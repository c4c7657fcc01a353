import { Type } from 'typebox'
import { inTenant } from '../../db/tenancy.js'
import type { Config } from '../../config.js'
import type { TxCtx } from '../../lib/context.js'
import { publish } from '../../lib/hooks.js'
import { defineJob } from '../../lib/jobs.js'
import { salesRecorded } from './changes.js'

export const SALES_REFRESH_JOB = 'sales.refresh'

let windowMs = 60_000

/** Reads SALES_REFRESH_SECONDS once per process. */
export function configureSalesRefresh(config: Pick<Config, 'SALES_REFRESH_SECONDS'>): void {
  windowMs = config.SALES_REFRESH_SECONDS * 1000
}

/**
 * What derives from sales (selection's product stats, anchor profiles and its index) is
 * rebuilt from the whole window, which is far too much work for every paid order: one per
 * tenant per window does it, as the import does once per file.
 */
export const salesRefreshJob = defineJob({
  queue: 'ingest',
  name: SALES_REFRESH_JOB,
  payload: Type.Object({ window: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }),
  handler: (ctx, _payload, job) => inTenant(ctx, (tx) => publish(tx, salesRecorded, { jobId: job.id })),
})

/** Transactions that already queued their refresh: a batch of orders queues it once. */
const queued = new WeakSet<object>()

/**
 * Queues the tenant's refresh for the end of the current window. The job id names the window,
 * so every change in one window shares one job; it runs a grace period after the window ends,
 * so a transaction that queued it has committed by then unless it ran longer than the grace.
 * Queuing happens inside the writer's transaction: if it rolls back the refresh finds nothing
 * new, which is harmless. A queue that cannot be reached must not fail a payment: the change is
 * logged, and the next change, import or supplier review (daily) brings selection up to date.
 */
export async function scheduleSalesRefresh(tx: TxCtx): Promise<void> {
  if (queued.has(tx.tx)) return
  queued.add(tx.tx)
  const now = Date.now()
  const window = Math.floor(now / windowMs)
  const runAt = (window + 1) * windowMs + Math.min(5_000, windowMs)
  try {
    await tx.queues.add(salesRefreshJob.queue, salesRefreshJob.name, salesRefreshJob.envelope(tx, { window }), {
      jobId: `sales-refresh.${tx.tenantId}.${window}`,
      delay: runAt - now,
    })
  } catch (err) {
    tx.log.warn({ err, tenantId: tx.tenantId }, 'sales refresh could not be queued')
  }
}
