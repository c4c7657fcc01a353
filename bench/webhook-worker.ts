/**
 * Child entry for bench/webhooks.ts: either the app's workers (what `showrunner worker`
 * runs: the runtime, every module's workers and the webhooks relay) or, for the baseline,
 * a bare BullMQ Worker with a no-op processor at the same concurrency on the same Redis.
 */
import { Worker } from 'bullmq'
import { Redis } from 'ioredis'
import pino from 'pino'
import { startRuntime, startWorkers } from '../src/runtime.js'
import { benchAppConfig, childFailed, childInput, childReady, onStop } from './lib/server.js'

export type WebhookWorkerInput =
  | { mode: 'app'; databaseUrl: string; env: Record<string, string> }
  | { mode: 'bullmq'; redisUrl: string; prefix: string; queue: string; concurrency: number }

async function main() {
  const input = childInput<WebhookWorkerInput>()
  if (input.mode === 'app') {
    const config = benchAppConfig(input.databaseUrl, input.env)
    const log = pino({ level: config.LOG_LEVEL })
    const runtime = await startRuntime(config, log, { migrate: false })
    await startWorkers(runtime, log)
    onStop(() => runtime.close())
    childReady('worker:', { pid: process.pid, concurrency: config.WEBHOOK_CONCURRENCY, pool: config.DB_POOL_MAX })
    return
  }
  const connection = new Redis(input.redisUrl, { maxRetriesPerRequest: null })
  const worker = new Worker(input.queue, async () => undefined, {
    connection,
    prefix: input.prefix,
    concurrency: input.concurrency,
  })
  await worker.waitUntilReady()
  onStop(async () => {
    await worker.close()
    connection.disconnect()
  })
  childReady('worker:', { pid: process.pid })
}

main().catch(childFailed)
