import { and, eq, lt, sql } from 'drizzle-orm'
import { Type } from 'typebox'
import type { Database } from '../../db/client.js'
import { jobs } from '../../db/schema.js'
import { inTenant } from '../../db/tenancy.js'
import type { Ctx } from '../../lib/context.js'
import { newId } from '../../lib/ids.js'
import { defineJob, type JobDefinition } from '../../lib/jobs.js'
import { scoped, tenantRepository, type PageRequest } from '../../lib/repository.js'
import { Id } from '../../lib/schemas.js'
import type { JobEnvelope, QueueName, Queues } from '../../queues/index.js'

const repo = tenantRepository(jobs, 'job')
export const MAX_LISTED_ROW_ERRORS = 1000

export type JobRow = typeof jobs.$inferSelect
/**
 * One failing row. Each error speaks the vocabulary of problem details: `pointer` is a
 * JSON Pointer into the row (`/list_price`), `detail` says what is wrong; `field` and
 * `code` are the same place and the keyword, for callers that switch on them.
 */
export type RowErrorReport = { line: number; errors: RowProblem[] }
export type RowProblem = { pointer: string; detail: string; field: string; code: string }

/** A row error for `field` (a top-level column, or '' for the whole row). */
export const rowProblem = (field: string, code: string, detail: string): RowProblem => ({
  pointer: field ? `/${field.replaceAll('~', '~0').replaceAll('/', '~1')}` : '',
  detail,
  field,
  code,
})

/** The states in which a job is over. */
export const FINISHED_JOB_STATES = ['succeeded', 'completed_with_errors', 'failed'] as const
export type FinishedJobState = (typeof FINISHED_JOB_STATES)[number]
export const isFinished = (state: string) => (FINISHED_JOB_STATES as readonly string[]).includes(state)

export const presentJob = (j: JobRow) => ({
  id: j.id,
  kind: j.kind,
  state: j.state,
  progress: { total: j.total, processed: j.processed, succeeded: j.succeeded, failed: j.failed },
  result: j.result ?? null,
  errors: j.rowErrors,
  failure_reason: j.failureReason,
  created_at: j.createdAt.toISOString(),
  updated_at: j.updatedAt.toISOString(),
  finished_at: j.finishedAt?.toISOString() ?? null,
})

/** The payload of a job that has a job resource: the id of its row (also its queue job id). */
export const JobResourcePayload = Type.Object({ jobId: Id('job') })

/**
 * Records the job, then queues it under the same id. The row is the source of truth: a
 * `queued` row whose queue entry was lost is queued again by `requeueStranded`. The
 * envelope is checked against the job's schema before the row is written.
 */
export async function startJob<P extends { jobId: string }>(
  ctx: Ctx,
  job: JobDefinition<P>,
  spec: {
    input?: string
    inputFormat?: 'csv' | 'jsonl'
    total?: number
    payload?: Omit<P, 'jobId'>
  } = {},
) {
  const id = newId('job')
  // The spread cannot be proven to be a P by the compiler; envelope() checks it against the schema.
  const envelope = job.envelope(ctx, { ...spec.payload, jobId: id } as P)
  const row = await inTenant(ctx, (tx) =>
    repo.insert(tx, {
      id,
      kind: job.name,
      input: spec.input ?? null,
      inputFormat: spec.inputFormat ?? null,
      total: spec.total ?? null,
      state: 'queued',
      queue: job.queue,
      jobName: job.name,
      envelope,
    }),
  )
  try {
    await ctx.queues.add(job.queue, job.name, envelope, { jobId: id })
  } catch (err) {
    // The job is accepted: its row is committed, and requeueStranded() queues it later.
    ctx.log.warn({ err, jobId: id }, 'queue unavailable; the job will be queued by the sweeper')
  }
  return presentJob(row)
}

/** A queued job not picked up for this long is assumed to have lost its queue entry. */
export const STRANDED_AFTER_SECONDS = 60

/**
 * Queues again every job whose row says `queued` but that no worker has started for a
 * minute: the queue add after the commit may have failed, or the queue lost the entry.
 * The job id is the queue job id, so a job that is in fact still waiting is not doubled.
 * System work across tenants: runs as the owning role, not inside a tenant.
 */
export async function requeueStranded(db: Database, queues: Queues): Promise<number> {
  const stranded = await db
    .select({ id: jobs.id, queue: jobs.queue, jobName: jobs.jobName, envelope: jobs.envelope })
    .from(jobs)
    .where(
      and(eq(jobs.state, 'queued'), lt(jobs.createdAt, sql`now() - make_interval(secs => ${STRANDED_AFTER_SECONDS})`)),
    )
    .limit(1000)
  for (const job of stranded) {
    if (job.queue && job.jobName && job.envelope)
      await queues.add(job.queue as QueueName, job.jobName, job.envelope as JobEnvelope, { jobId: job.id })
  }
  return stranded.length
}

/** The sweeper, every minute. */
export const requeueStrandedJob = defineJob({
  queue: 'governance',
  name: 'jobs.requeue-stranded',
  payload: Type.Object({}),
  schedule: { cron: '* * * * *', payload: {} },
  handler: async (ctx) => {
    const requeued = await requeueStranded(ctx.db, ctx.queues)
    if (requeued) ctx.log.warn({ requeued }, 'queued stranded jobs again')
    return { requeued }
  },
})

export function getJob(ctx: Ctx, id: string) {
  return repo.read(ctx, id).then(presentJob)
}

export function listJobs(ctx: Ctx, page: PageRequest) {
  return inTenant(ctx, async (tx) => {
    const result = await repo.list(tx, page)
    return { data: result.data.map(presentJob), next_cursor: result.next_cursor }
  })
}

/** For processors: the job's row, including its input. */
export function loadJob(ctx: Ctx, id: string) {
  return repo.read(ctx, id)
}

export function markRunning(ctx: Ctx, id: string) {
  return inTenant(ctx, (tx) =>
    tx.tx
      .update(jobs)
      .set({ state: 'running', updatedAt: sql`now()` })
      .where(scoped(tx, jobs, eq(jobs.id, id))),
  )
}

/** Adds a batch's counts and row errors; the report keeps the first 1000 failing rows. */
export function recordProgress(
  ctx: Ctx,
  id: string,
  delta: { processed: number; succeeded: number; failed: number; rowErrors: RowErrorReport[] },
) {
  return inTenant(ctx, (tx) =>
    tx.tx
      .update(jobs)
      .set({
        processed: sql`${jobs.processed} + ${delta.processed}`,
        succeeded: sql`${jobs.succeeded} + ${delta.succeeded}`,
        failed: sql`${jobs.failed} + ${delta.failed}`,
        rowErrors: sql`(select coalesce(jsonb_agg(e), '[]'::jsonb) from (select e from jsonb_array_elements(${jobs.rowErrors} || ${JSON.stringify(delta.rowErrors)}::jsonb) e limit ${MAX_LISTED_ROW_ERRORS}) s)`,
        updatedAt: sql`now()`,
      })
      .where(scoped(tx, jobs, eq(jobs.id, id))),
  )
}

export function finishJob(
  ctx: Ctx,
  id: string,
  outcome: { state: FinishedJobState; result?: unknown; failureReason?: string; total?: number },
) {
  return inTenant(ctx, (tx) =>
    tx.tx
      .update(jobs)
      .set({
        state: outcome.state,
        result: outcome.result ?? null,
        failureReason: outcome.failureReason ?? null,
        input: null,
        ...(outcome.total !== undefined ? { total: outcome.total } : {}),
        finishedAt: sql`now()`,
        updatedAt: sql`now()`,
      })
      .where(scoped(tx, jobs, eq(jobs.id, id))),
  )
}

/** Resets counters so a retried job (after a crash mid-run) reports from the start. */
export function resetProgress(ctx: Ctx, id: string) {
  return inTenant(ctx, (tx) =>
    tx.tx
      .update(jobs)
      .set({ processed: 0, succeeded: 0, failed: 0, rowErrors: [], updatedAt: sql`now()` })
      .where(scoped(tx, jobs, eq(jobs.id, id))),
  )
}
