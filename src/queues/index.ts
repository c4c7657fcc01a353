import {
  Queue as RedisQueue,
  Worker as RedisWorker,
  withBackend,
  createPostgresBackend,
  UnrecoverableError,
  type Job,
  type JobsOptions,
} from 'bullmq'
import type { Redis } from 'ioredis'
import { closeRedis, SettlingRedis } from '../lib/redis.js'
import type { SerializedCtx } from '../lib/context.js'

/**
 * Queues are declared by the modules whose jobs run on them (`defineModule({ queues })`);
 * several modules may share one (catalog and sales both import on `ingest`).
 */
export type QueueName = string
const declaredQueues = new Map<QueueName, Set<string>>()

export function declareQueues(by: string, names: QueueName[]): void {
  for (const name of names) {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`${by} declares a malformed queue name ${name}`)
    declaredQueues.set(name, (declaredQueues.get(name) ?? new Set()).add(by))
  }
}

// The platform's queues by purpose (DESIGN.md "Workers"); modules declare those they use and may add their own.
declareQueues('platform', ['ingest', 'transcode', 'analytics', 'webhooks', 'governance'])

/** Queue → the modules that declared it. */
export function queueDeclarations(): Map<QueueName, string[]> {
  return new Map([...declaredQueues].map(([q, by]) => [q, [...by].sort()]))
}

/** Every job carries the serialized caller context next to its typed payload. */
export interface JobEnvelope<P = unknown> {
  ctx: SerializedCtx
  payload: P
}

/** A queue entry as a worker receives it: its data is whatever was queued, checked by src/lib/jobs.ts. */
export interface QueuedJob {
  id: string
  name: string
  queue: QueueName
  /** 1 on the first run, 2 on the first retry, and so on. */
  attempt: number
  data: unknown
  updateProgress(p: number | object): Promise<void>
}

export type JobHandler = (job: QueuedJob) => Promise<unknown>

/**
 * How fast a job whose worker died (kill -9, a lost machine) runs again. Both BullMQ backends
 * find such jobs the same way: a running job holds a lock its worker renews every
 * lockDuration / 2; a stalled check, run when a worker starts and then every stalledInterval,
 * marks the active jobs and, on its next pass, moves back to waiting those still marked whose
 * lock has expired. With BullMQ's defaults (30 s and 30 s) an import stalled for about a minute
 * after a restart. Here a dead worker's job waits at most lockDuration + stalledInterval = 15 s
 * after the kill (or one stalledInterval, 5 s, after the restart if the lock had long
 * expired) and then starts again (an import from its checkpoint). The price is one lock
 * renewal per running job every 5 s and one stalled check per queue every 5 s. A process whose
 * event loop is blocked for more than 10 s can lose a lock it still needs, so a job may be
 * recovered twice (maxStalledCount 2) before BullMQ fails it as stalled too often.
 * test/cli/stalled-import.test.ts checks the bound on both backends.
 */
export const stalledJobRecovery = { lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 2 } as const

/** Fails a job at once, without the usual retries: running it again cannot help (e.g. a payload that breaks its schema). */
export class PermanentJobError extends UnrecoverableError {}

interface AnyQueue {
  add(name: string, data: unknown, opts?: JobsOptions): Promise<Job>
  addBulk(jobs: { name: string; data: unknown; opts?: JobsOptions }[]): Promise<Job[]>
  close(): Promise<void>
  on(event: 'error', fn: (err: Error) => void): unknown
  waitUntilReady?(): Promise<unknown>
  getJobCounts(...types: string[]): Promise<Record<string, number>>
  upsertJobScheduler(
    id: string,
    repeat: { pattern: string; tz?: string },
    template: { name: string; data: unknown; opts?: JobsOptions },
  ): Promise<unknown>
}
interface AnyWorker {
  close(force?: boolean): Promise<void>
  on(event: string, fn: (...args: any[]) => void): unknown
}

export interface QueueSettings {
  /** With a Redis URL BullMQ runs on Redis; without one, on its PostgreSQL backend. */
  redisUrl?: string
  databaseUrl: string
  /** Redis key prefix, or PostgreSQL schema name, so several deployments can share a server. */
  prefix: string
  /** Connection errors of queues and workers; BullMQ reconnects by itself. */
  onError?: (queue: QueueName, err: Error) => void
}

const JOB_DEFAULTS: JobsOptions = {
  removeOnComplete: 1000,
  removeOnFail: 5000,
  attempts: 3,
  backoff: { type: 'exponential', delay: 1000 },
}

/**
 * The one place that knows which BullMQ backend is in use. The rest of the code adds jobs
 * by queue name and registers handlers by job name.
 */
export class Queues {
  readonly backend: 'redis' | 'postgres'
  private readonly queues = new Map<QueueName, AnyQueue>()
  private readonly workers: AnyWorker[] = []
  private readonly handlers = new Map<string, JobHandler>()
  private redis?: Redis
  private readonly pg?: ReturnType<typeof withBackend<any, any>>

  constructor(private readonly settings: QueueSettings) {
    this.backend = settings.redisUrl ? 'redis' : 'postgres'
    if (this.backend === 'postgres') this.pg = withBackend(createPostgresBackend)
  }

  private connection(): any {
    if (this.backend === 'redis') {
      if (!this.redis) {
        this.redis = new SettlingRedis(this.settings.redisUrl!, { maxRetriesPerRequest: null, lazyConnect: false })
        // Unheard, ioredis prints every failed reconnect as an unhandled error; it reconnects by itself.
        this.redis.on('error', (err) => this.settings.onError?.('redis', err))
      }
      return this.redis
    }
    return {
      connectionString: this.settings.databaseUrl,
      schema: `${this.settings.prefix}_bullmq`,
      migrate: true,
      max: 4,
    }
  }

  queue(name: QueueName): AnyQueue {
    if (!declaredQueues.has(name))
      throw new Error(`no module declares the queue ${name}; add it to the module's definition`)
    return this.open(name)
  }

  private open(name: QueueName): AnyQueue {
    let q = this.queues.get(name)
    if (!q) {
      q =
        this.backend === 'redis'
          ? new RedisQueue(name, { connection: this.connection(), prefix: this.settings.prefix })
          : new this.pg!.Queue(name, { connection: this.connection() })
      // A lost connection surfaces as an 'error' event; unheard, it would end the process.
      q.on('error', (err) => this.settings.onError?.(name, err))
      this.queues.set(name, q)
    }
    return q
  }

  /** Enqueue a job; `jobId` makes the add idempotent (the same id is never queued twice). */
  async add<P>(queue: QueueName, name: string, data: JobEnvelope<P>, opts: JobsOptions = {}): Promise<string> {
    const job = await this.queue(queue).add(name, data, { ...JOB_DEFAULTS, ...opts })
    return String(job.id)
  }

  /**
   * Many jobs in one round trip (one transaction on the PostgreSQL backend), for a sweep
   * that re-queues hundreds at once: added one by one they outlast a graceful shutdown.
   */
  async addBulk<P>(
    queue: QueueName,
    jobs: { name: string; data: JobEnvelope<P>; opts?: JobsOptions }[],
  ): Promise<string[]> {
    if (jobs.length === 0) return []
    const added = await this.queue(queue).addBulk(
      jobs.map((j) => ({ name: j.name, data: j.data, opts: { ...JOB_DEFAULTS, ...j.opts } })),
    )
    return added.map((job) => String(job.id))
  }

  /** A repeatable job on a cron pattern (UTC); upserting the same id replaces the schedule. */
  async schedule<P>(
    queue: QueueName,
    schedulerId: string,
    pattern: string,
    name: string,
    data: JobEnvelope<P>,
  ): Promise<void> {
    await this.queue(queue).upsertJobScheduler(
      schedulerId,
      { pattern, tz: 'UTC' },
      { name, data, opts: { removeOnComplete: 100, removeOnFail: 500 } },
    )
  }

  /** The processor of one job name; modules declare jobs with defineJob (src/lib/jobs.ts), which registers here. */
  handle(queue: QueueName, name: string, handler: JobHandler): void {
    const key = `${queue}:${name}`
    if (this.handlers.has(key)) throw new Error(`job handler ${key} registered twice`)
    this.handlers.set(key, handler)
  }

  /** Starts one worker per queue that has handlers. */
  startWorkers(
    opts: {
      concurrency?: number
      /** Per-queue concurrency over `concurrency`. */
      concurrencyOf?: Partial<Record<QueueName, number>>
      onFailed?: (queue: string, job: unknown, err: Error) => void
    } = {},
  ): void {
    const byQueue = new Set([...this.handlers.keys()].map((k) => k.split(':')[0] as QueueName))
    for (const name of byQueue) {
      const processor = async (job: Job) => {
        const handler = this.handlers.get(`${name}:${job.name}`)
        if (!handler) throw new Error(`no handler for job ${job.name} on queue ${name}`)
        return handler({
          id: String(job.id),
          name: job.name,
          queue: name,
          attempt: job.attemptsMade + 1,
          data: job.data,
          // BullMQ types progress as its own JobProgress union, which number | object is.
          updateProgress: (p) => job.updateProgress(p as never),
        })
      }
      const settings = { concurrency: opts.concurrencyOf?.[name] ?? opts.concurrency ?? 4, ...stalledJobRecovery }
      const worker: AnyWorker =
        this.backend === 'redis'
          ? new RedisWorker(name, processor, {
              connection: this.connection(),
              prefix: this.settings.prefix,
              ...settings,
            })
          : new this.pg!.Worker(name, processor, { connection: this.connection(), ...settings })
      worker.on('failed', (job: unknown, err: Error) => opts.onFailed?.(name, job, err))
      worker.on('error', (err: Error) => this.settings.onError?.(name, err))
      this.workers.push(worker)
    }
  }

  get hasWorkers(): boolean {
    return this.workers.length > 0
  }

  /** Answers when the backend can take jobs; used by /readyz. */
  async ping(): Promise<void> {
    if (this.backend === 'redis') {
      this.connection()
      await this.redis!.ping()
    } else {
      await this.queue('webhooks').getJobCounts('waiting')
    }
  }

  /** Workers finish their running jobs before the connections close. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()))
    await Promise.all([...this.queues.values()].map((q) => q.close()))
    if (this.redis) await closeRedis(this.redis)
  }
}
