import type { FastifyBaseLogger } from 'fastify'
import { Type, type Static, type TSchema } from 'typebox'
import { Value } from 'typebox/value'
import type { Database } from '../db/client.js'
import { PermanentJobError, type JobEnvelope, type QueuedJob, type QueueName, type Queues } from '../queues/index.js'
import { systemCtx, type Ctx, type SerializedCtx } from './context.js'

/** What every processor stands on; the runtime passes it once for all jobs. */
export interface JobDeps {
  db: Database
  queues: Queues
  log: FastifyBaseLogger
}

/** What a handler may know of the queue entry it runs for. */
export interface JobRun {
  /** The queue job id; for a job resource (src/modules/jobs) it is the resource's id. */
  id: string
  name: string
  queue: QueueName
  /** 1 on the first run, 2 on the first retry, and so on. */
  attempt: number
  updateProgress(progress: number | object): Promise<void>
}

export interface EnqueueOptions {
  /** Makes the add idempotent: an id that is already queued is not queued twice. */
  jobId?: string
  /** Milliseconds to wait before the job may run. */
  delay?: number
}

/** A repeatable run of the job on a cron pattern (UTC), with a fixed payload, as the platform itself. */
export interface JobSchedule<P> {
  cron: string
  payload: P
}

/**
 * A job declared once with its payload schema (see defineJob). Members that take the
 * payload are methods so that a list of jobs with different payloads is a
 * `JobDefinition[]`.
 */
export interface JobDefinition<P = unknown> {
  readonly queue: QueueName
  readonly name: string
  readonly payload: TSchema
  readonly schedule?: JobSchedule<P>
  /** The envelope queued for `payload` on behalf of `ctx`; a payload that breaks the schema throws JobPayloadError. */
  envelope(ctx: SerializedCtx, payload: P): JobEnvelope<P>
  /** Checks the payload, then queues it with the caller's serialized context; answers the queue job id. */
  enqueue(ctx: Ctx, payload: P, opts?: EnqueueOptions): Promise<string>
  /** Checks what a worker received; a bad envelope throws JobPayloadError, which fails the job without retries. */
  receive(data: unknown): JobEnvelope<P>
  handler(ctx: Ctx, payload: P, job: JobRun): Promise<unknown>
}

export interface JobPayloadProblem {
  /** Dotted path inside the envelope, e.g. `payload.jobId` or `ctx.tenantId`. */
  field: string
  message: string
}

/**
 * A job's envelope does not match its schema. Thrown to the caller at enqueue; inside a
 * worker it fails that one job at once (running it again cannot help) and names the fields.
 */
export class JobPayloadError extends PermanentJobError {
  constructor(
    readonly job: string,
    readonly problems: JobPayloadProblem[],
    stage: 'enqueue' | 'receive',
  ) {
    const list = problems.map((p) => `${p.field} ${p.message}`).join('; ')
    super(
      stage === 'enqueue'
        ? `job ${job} refused at enqueue: ${list}`
        : `job ${job} refused by the worker: its envelope does not match the schema: ${list}`,
    )
  }
}

const SerializedCtxSchema = Type.Object({
  tenantId: Type.String(),
  requestId: Type.String(),
  actor: Type.Object({
    clientId: Type.String(),
    organizationId: Type.String(),
    organizationKind: Type.Union([Type.Literal('mcn'), Type.Literal('provider'), Type.Literal('platform')]),
    installationId: Type.Optional(Type.String()),
    scopes: Type.Array(Type.String()),
  }),
})

function problemsOf(schema: TSchema, value: unknown): JobPayloadProblem[] {
  const found = new Map<string, string>()
  for (const e of Value.Errors(schema, value)) {
    const path = e.instancePath.replace(/^\//, '').replaceAll('/', '.')
    const params = e.params as { requiredProperties?: string[]; additionalProperties?: string[] }
    const under = (key: string) => (path ? `${path}.${key}` : key)
    if (e.keyword === 'required' && params.requiredProperties)
      for (const key of params.requiredProperties) found.set(under(key), 'is required')
    else if (e.keyword === 'additionalProperties' && params.additionalProperties)
      for (const key of params.additionalProperties) found.set(under(key), 'is not allowed')
    // An unknown property is also reported as "schema is false" at its own path; the line above says it better.
    else if (!(e.keyword === 'boolean' && found.has(path))) found.set(path || 'envelope', e.message)
  }
  return [...found].map(([field, message]) => ({ field, message }))
}

/**
 * Declares a job: its queue, name, payload schema, handler and optional schedule. The
 * payload is checked when queued and again when a worker receives it; the handler gets
 * the caller's context rebuilt by registerJobs, with a logger bound to the job.
 */
export function defineJob<S extends TSchema>(spec: {
  queue: QueueName
  name: string
  payload: S
  schedule?: JobSchedule<Static<S>>
  handler: (ctx: Ctx, payload: Static<S>, job: JobRun) => Promise<unknown>
}): JobDefinition<Static<S>> {
  const envelopeSchema = Type.Object({ ctx: SerializedCtxSchema, payload: spec.payload })
  const { handler } = spec
  const definition: JobDefinition<Static<S>> = {
    queue: spec.queue,
    name: spec.name,
    payload: spec.payload,
    schedule: spec.schedule,
    envelope(ctx, payload) {
      // Only these three travel: a full Ctx also holds the database, the queues and a logger.
      const envelope = { ctx: { tenantId: ctx.tenantId, actor: ctx.actor, requestId: ctx.requestId }, payload }
      const problems = problemsOf(envelopeSchema, envelope)
      if (problems.length) throw new JobPayloadError(spec.name, problems, 'enqueue')
      return envelope
    },
    async enqueue(ctx, payload, opts) {
      return ctx.queues.add(spec.queue, spec.name, definition.envelope(ctx, payload), opts)
    },
    receive(data) {
      const problems = problemsOf(envelopeSchema, data)
      if (problems.length) throw new JobPayloadError(spec.name, problems, 'receive')
      // Value.Errors found nothing, so the data has the envelope schema's static type.
      return data as JobEnvelope<Static<S>>
    },
    handler,
  }
  return definition
}

/**
 * Registers each job's processor and upserts its schedule. The processor is the one place
 * a job's context is rebuilt: the serialized ctx from the envelope plus the database, the
 * queues and a child logger carrying the job id, job name, queue, request id and tenant.
 */
export async function registerJobs(deps: JobDeps, jobs: readonly JobDefinition[]): Promise<void> {
  for (const job of jobs) {
    deps.queues.handle(job.queue, job.name, (entry) => runJob(deps, job, entry))
    if (job.schedule)
      await deps.queues.schedule(
        job.queue,
        job.name,
        job.schedule.cron,
        job.name,
        job.envelope(systemCtx(`schedule:${job.name}`), job.schedule.payload),
      )
  }
}

async function runJob(deps: JobDeps, job: JobDefinition, entry: QueuedJob): Promise<unknown> {
  const envelope = job.receive(entry.data)
  const log = deps.log.child({
    jobId: entry.id,
    jobName: job.name,
    queue: job.queue,
    // The key Fastify uses for a request's logs, so one search follows a request into its jobs.
    reqId: envelope.ctx.requestId,
    tenantId: envelope.ctx.tenantId,
  })
  const ctx: Ctx = { ...envelope.ctx, db: deps.db, queues: deps.queues, log }
  return job.handler(ctx, envelope.payload, {
    id: entry.id,
    name: job.name,
    queue: job.queue,
    attempt: entry.attempt,
    updateProgress: (progress) => entry.updateProgress(progress),
  })
}
