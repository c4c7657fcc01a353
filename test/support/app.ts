/**
 * The real app (buildApp on startRuntime) for tests and benches, without tap: tests use it
 * through `buildTestApp` in test/helper.ts, benches through `startShowrunner` in
 * bench/lib/server.ts.
 */
import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import { buildApp } from '../../src/app.js'
import { loadConfig, type Config } from '../../src/config.js'
import { startRuntime, startWorkers, type Runtime } from '../../src/runtime.js'
import { TEST_REDIS_URL } from './env.js'

export interface StartedApp {
  app: FastifyInstance
  runtime: Runtime
  config: Config
  /** http://127.0.0.1:<port> when started with `listen`. */
  url?: string
  /** Closes the app, then the runtime under it. */
  close(): Promise<void>
}

/** The configuration tests run with: silent, its own queue prefix, real Redis unless `redis: false`. */
export function testAppConfig(
  databaseUrl: string,
  opts: { redis?: boolean; overrides?: Partial<Config> } = {},
): Config {
  return loadConfig(
    {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      DATABASE_URL: databaseUrl,
      ...(opts.redis === false ? {} : { REDIS_URL: TEST_REDIS_URL }),
      QUEUE_PREFIX: `t${randomBytes(5).toString('hex')}`,
      PUBLIC_URL: 'http://showrunner.test',
    },
    opts.overrides,
  )
}

/**
 * Starts the runtime (database pool and queues; migrations are the database's business),
 * builds the app, runs `beforeReady` (extra routes or plugins), then either readies it or
 * has it listen on 127.0.0.1 and a free port, and starts the workers when asked. If any
 * step fails, what was started is closed again.
 */
export async function startApp(
  config: Config,
  opts: {
    workers?: boolean
    listen?: boolean
    beforeReady?: (app: FastifyInstance) => void | Promise<void>
  } = {},
): Promise<StartedApp> {
  const log = pino({ level: config.LOG_LEVEL })
  const runtime = await startRuntime(config, log, { migrate: false })
  let app: FastifyInstance | undefined
  let url: string | undefined
  try {
    app = await buildApp({ config, database: runtime.database, queues: runtime.queues, logger: log })
    await opts.beforeReady?.(app)
    if (opts.listen) {
      await app.listen({ host: '127.0.0.1', port: 0 })
      const address = app.server.address()
      if (!address || typeof address === 'string') throw new Error('app is not listening on TCP')
      url = `http://127.0.0.1:${address.port}`
    } else await app.ready()
    if (opts.workers) await startWorkers(runtime, log)
  } catch (err) {
    await app?.close().catch(() => {})
    await runtime.close().catch(() => {})
    throw err
  }
  const started = app
  return {
    app: started,
    runtime,
    config,
    url,
    async close() {
      await started.close()
      await runtime.close()
    },
  }
}
