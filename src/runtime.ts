import type { FastifyBaseLogger } from 'fastify'
import type { Config } from './config.js'
import { connectDatabase, type DatabaseHandle } from './db/client.js'
import type { EmbeddedDatabase } from './db/embedded.js'
import { runMigrations } from './db/migrate.js'
import { registerJobs } from './lib/jobs.js'
import { Queues } from './queues/index.js'
import { modules } from './modules/index.js'

export interface Runtime {
  config: Config
  databaseUrl: string
  database: DatabaseHandle
  queues: Queues
  /** Stops what startWorkers started beside the workers (modules' background work). */
  stopBackground: (() => Promise<void>)[]
  close(): Promise<void>
}

/**
 * Starts what the API and workers stand on: the database (embedded when DATABASE_URL is
 * unset), its migrations when asked, and the queue backend (PostgreSQL when REDIS_URL is
 * unset). Closing stops them in reverse order.
 */
export async function startRuntime(
  config: Config,
  log: FastifyBaseLogger,
  opts: {
    migrate: boolean
    /**
     * How the embedded PostgreSQL is treated when DATABASE_URL is unset: a `server` (dev, api,
     * worker) creates the cluster on first start and adopts one its killed predecessor left
     * running; a `command` (admin, migrate) creates none unless `create` (`--init`).
     */
    embedded?: { mode: 'server' | 'command'; create: boolean }
  },
): Promise<Runtime> {
  let embedded: EmbeddedDatabase | undefined
  let databaseUrl = config.DATABASE_URL
  if (!databaseUrl) {
    log.info(
      { dataDir: config.DATA_DIR, port: config.EMBEDDED_PG_PORT },
      'no DATABASE_URL: starting embedded PostgreSQL',
    )
    // Loaded only here: production images set DATABASE_URL and omit the optional package.
    const { startEmbeddedPostgres } = await import('./db/embedded.js')
    embedded = await startEmbeddedPostgres({
      dataDir: config.DATA_DIR,
      port: config.EMBEDDED_PG_PORT,
      ...(opts.embedded ?? { mode: 'server', create: true }),
      log: (m) => log.debug({ postgres: m }),
    })
    databaseUrl = embedded.url
  }
  if (opts.migrate) await runMigrations(databaseUrl)
  for (const m of modules) m.configure?.(config)
  const database = connectDatabase(databaseUrl, { max: config.DB_POOL_MAX })
  const queues = new Queues({
    redisUrl: config.REDIS_URL,
    databaseUrl,
    prefix: config.QUEUE_PREFIX,
    onError: (queue, err) => log.warn({ queue, err: err.message }, 'queue connection error'),
  })
  log.info({ queueBackend: queues.backend }, 'queues ready')
  const stopBackground: (() => Promise<void>)[] = []
  return {
    config,
    databaseUrl,
    database,
    queues,
    stopBackground,
    // Pools and queue connections close before PostgreSQL stops: a server asked to stop while
    // sessions stay open waits for them (smart mode) or cuts them mid-query (fast mode).
    async close() {
      for (const stop of stopBackground.splice(0)) await stop()
      await queues.close()
      await database.close()
      await embedded?.stop()
    },
  }
}

/** Registers every module's jobs and their schedules, and starts one worker per queue. */
export async function startWorkers(runtime: Runtime, log: FastifyBaseLogger): Promise<void> {
  await registerJobs(
    { db: runtime.database.db, queues: runtime.queues, log },
    modules.flatMap((m) => m.jobs ?? []),
  )
  runtime.queues.startWorkers({
    concurrencyOf: { webhooks: runtime.config.WEBHOOK_CONCURRENCY },
    onFailed: (queue, job, err) => {
      const { id, name } = (job ?? {}) as { id?: string; name?: string }
      log.error({ queue, jobId: id, jobName: name, err }, 'job failed')
    },
  })
  for (const m of modules) {
    if (!m.background) continue
    const deps = { config: runtime.config, database: runtime.database, queues: runtime.queues, log }
    runtime.stopBackground.push(await m.background(deps))
  }
}
