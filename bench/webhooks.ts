/**
 * The webhook delivery bench (`npm run bench:webhooks`), Redis backend.
 *
 * Three processes besides this one's: the receiver (bench/webhook-receiver.ts, node:http on
 * 127.0.0.1), the app's workers (bench/webhook-worker.ts: the runtime, every module's
 * workers and the webhooks relay, as `showrunner worker` runs them), and, in this process,
 * the app itself for the API calls that create the endpoints and for committing events.
 *
 * `--endpoints` endpoints of one tenant subscribe to `supplier.admitted`; then `--events`
 * events are committed as fast as `--committers` parallel tenant transactions allow, each
 * written through the outbox (`emit` in `inTenant`, the way a service writes a state
 * change, so the commit's NOTIFY reaches the relay). Each event becomes one message per
 * endpoint, one delivery each. Measured at the receiver: deliveries/s (over the middle 80 %
 * of receipts, and from the first commit to the last receipt), and the latency from each
 * event's commit (a clock read right after its transaction committed) to each receipt.
 *
 * `--workers` worker processes run at `--concurrency` webhook jobs each (WEBHOOK_CONCURRENCY).
 *
 * Then, in the same run and on the same Redis, BullMQ alone: as many no-op jobs as there
 * were deliveries, added from this process (`--committers` adds in flight) and completed
 * by bare Workers in `--workers` children at the same concurrency; add → completed jobs/s,
 * and the ratio of the two rates.
 */
import { randomBytes } from 'node:crypto'
import { Queue } from 'bullmq'
import { Redis } from 'ioredis'
import { inTenant } from '../src/db/tenancy.js'
import type { Ctx } from '../src/lib/context.js'
import { emit } from '../src/lib/outbox.js'
import { connectOwner, createBenchDatabase } from './lib/database.js'
import { benchOptions } from './lib/options.js'
import { RESULTS_DIR } from './lib/paths.js'
import { formatTable, machineInfo, writeJson } from './lib/report.js'
import { BENCH_REDIS_URL, onInterrupt, startChildWith, startShowrunner, stopAllChildren } from './lib/server.js'
import { fetchToken, seedTenant } from './lib/tenants.js'
import type { ReceiverStats } from './webhook-receiver.js'
import type { WebhookWorkerInput } from './webhook-worker.js'

const options = benchOptions(
  {},
  {
    endpoints: { default: '10' },
    events: { default: '2000' },
    concurrency: { default: '32' },
    workers: { default: '1' },
    committers: { default: '16' },
    'verify-every': { default: '50' },
  },
)
const int = (k: keyof typeof options.flags) => Math.max(1, Math.round(Number(options.flags[k])))
const ENDPOINTS = int('endpoints')
const EVENTS = int('events')
const CONCURRENCY = int('concurrency')
const WORKERS = int('workers')
const COMMITTERS = int('committers')
const VERIFY_EVERY = int('verify-every')
const EXPECTED = ENDPOINTS * EVENTS
const prefix = `bench_wh_${randomBytes(4).toString('hex')}`
const now = () => performance.timeOrigin + performance.now()
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms))

const database = await createBenchDatabase('showrunner_bench_webhooks')
let app: Awaited<ReturnType<typeof startShowrunner>> | undefined
const cleanup = async () => {
  await stopAllChildren()
  await app?.close()
  await clearRedis()
  if (!process.env.BENCH_KEEP_DB) await database.drop()
}
onInterrupt(cleanup)

/** Every key this run made under its queue prefix. */
async function clearRedis() {
  const redis = new Redis(BENCH_REDIS_URL)
  let cursor = '0'
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000)
    cursor = next
    if (keys.length) await redis.unlink(...keys)
  } while (cursor !== '0')
  redis.disconnect()
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : Number.NaN

try {
  const owner = connectOwner(database.url)
  const tenant = await seedTenant(owner.db, { kind: 'mcn' })
  await owner.close()

  // Development mode is what lets endpoints and deliveries reach 127.0.0.1 (the SSRF guard).
  const appEnv = { NODE_ENV: 'development', QUEUE_PREFIX: prefix }
  app = await startShowrunner({ databaseUrl: database.url, env: appEnv })
  const receiver = await startChildWith('webhook-receiver.ts', { verifyEvery: VERIFY_EVERY })
  const receiverCall = async (path: string, body?: unknown) => {
    const res = await fetch(`${receiver.url}${path}`, {
      method: body === undefined && path === '/stats' ? 'GET' : 'POST',
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    })
    if (!res.ok) throw new Error(`receiver ${path}: ${res.status}`)
    return res.status === 200 ? ((await res.json()) as ReceiverStats) : undefined
  }

  const token = await fetchToken(app.url, tenant)
  const secrets: Record<string, string> = {}
  for (let n = 0; n < ENDPOINTS; n++) {
    const res = await fetch(`${app.url}/v1/webhook-endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${receiver.url}/e${n}`, event_types: ['supplier.admitted'] }),
    })
    const body = (await res.json()) as { secret?: string }
    if (res.status !== 201 || !body.secret)
      throw new Error(`creating endpoint ${n}: ${res.status} ${JSON.stringify(body)}`)
    secrets[`/e${n}`] = body.secret
  }
  await receiverCall('/secrets', secrets)

  const workerEnv = {
    ...appEnv,
    WEBHOOK_CONCURRENCY: String(CONCURRENCY),
    // Each delivery holds a connection while its request is in flight.
    DB_POOL_MAX: String(CONCURRENCY + 4),
  }
  const workers = await Promise.all(
    Array.from({ length: WORKERS }, () =>
      startChildWith('webhook-worker.ts', {
        mode: 'app',
        databaseUrl: database.url,
        env: workerEnv,
      } satisfies WebhookWorkerInput),
    ),
  )

  const ctx: Ctx = {
    tenantId: tenant.organizationId,
    actor: { clientId: tenant.clientId, organizationId: tenant.organizationId, organizationKind: 'mcn', scopes: [] },
    requestId: 'bench-webhooks',
    log: app.app.log,
    db: app.app.db,
    queues: app.app.queues,
  }
  let serial = 0
  const commitEvent = async () => {
    const n = ++serial
    const id = await inTenant(ctx, (tx) =>
      emit(
        tx,
        'supplier.admitted',
        { type: 'supplier', id: `sup_bench${n}`, version: 1 },
        {
          supplier_id: `sup_bench${n}`,
          name: `Farm ${n}`,
          status: 'admitted',
          reputation_score: null,
          reason: 'bench',
        },
      ),
    )
    return [id, now()] as const
  }
  const commitMany = async (count: number) => {
    const committed = new Map<string, number>()
    let left = count
    await Promise.all(
      Array.from({ length: Math.min(COMMITTERS, count) }, async () => {
        while (left > 0) {
          left--
          const [id, at] = await commitEvent()
          committed.set(id, at)
        }
      }),
    )
    return committed
  }
  /** Polls the receiver until `expected` deliveries arrived, or nothing new arrived for 20 s. */
  const awaitDeliveries = async (expected: number) => {
    let last = -1
    let lastChange = Date.now()
    for (;;) {
      const stats = (await receiverCall('/stats'))!
      if (stats.deliveries >= expected) return stats
      if (stats.deliveries !== last) {
        last = stats.deliveries
        lastChange = Date.now()
      } else if (Date.now() - lastChange > 20_000) return stats
      await delay(stats.deliveries > expected * 0.9 ? 20 : 250)
    }
  }

  // Warm-up: JIT, pools, keep-alive sockets.
  const warmEvents = Math.max(10, Math.round(EVENTS / 20))
  await commitMany(warmEvents)
  await awaitDeliveries(warmEvents * ENDPOINTS)
  await delay(500)
  await receiverCall('/reset')

  console.log(
    `committing ${EVENTS} events (${COMMITTERS} in parallel) for ${ENDPOINTS} endpoints: ${EXPECTED} deliveries, ${WORKERS} worker process(es) at concurrency ${CONCURRENCY}`,
  )
  const started = now()
  const committed = await commitMany(EVENTS)
  const committedAt = now()
  const stats = await awaitDeliveries(EXPECTED)
  await Promise.all(workers.map((w) => w.stop()))

  const receipts = stats.receipts.filter(([id]) => committed.has(id))
  const unique = new Set(receipts.map(([id, path]) => `${id} ${path}`))
  const latencies = receipts.map(([id, , at]) => at - committed.get(id)!).sort((a, b) => a - b)
  const times = receipts.map(([, , at]) => at).sort((a, b) => a - b)
  const lo = times[Math.floor(times.length * 0.1)]!
  const hi = times[Math.floor(times.length * 0.9)]!
  const sustained = (Math.floor(times.length * 0.9) - Math.floor(times.length * 0.1)) / ((hi - lo) / 1000)
  const overall = receipts.length / ((times.at(-1)! - started) / 1000)
  const commitRate = EVENTS / ((committedAt - started) / 1000)

  // BullMQ alone, same Redis, same concurrency, a no-op processor in a child process.
  const rawQueue = 'bench-raw'
  const rawWorkers = await Promise.all(
    Array.from({ length: WORKERS }, () =>
      startChildWith('webhook-worker.ts', {
        mode: 'bullmq',
        redisUrl: BENCH_REDIS_URL,
        prefix,
        queue: rawQueue,
        concurrency: CONCURRENCY,
      } satisfies WebhookWorkerInput),
    ),
  )
  const connection = new Redis(BENCH_REDIS_URL, { maxRetriesPerRequest: null })
  const queue = new Queue(rawQueue, { connection, prefix })
  const rawJobs = EXPECTED
  const rawStarted = now()
  let added = 0
  await Promise.all(
    Array.from({ length: COMMITTERS }, async () => {
      while (added < rawJobs) {
        const n = added++
        await queue.add('noop', { n }, { removeOnComplete: false })
      }
    }),
  )
  const rawAdded = now()
  while ((await queue.getCompletedCount()) < rawJobs) await delay(10)
  const rawDone = now()
  const rawRate = rawJobs / ((rawDone - rawStarted) / 1000)
  await queue.close()
  connection.disconnect()
  await Promise.all(rawWorkers.map((w) => w.stop()))

  const f = (n: number) => Math.round(n)
  console.log(
    formatTable(
      ['what', 'count', 'per s', 'p50 ms', 'p99 ms', 'max ms'],
      [
        ['events committed', EVENTS, f(commitRate), '', '', ''],
        ['deliveries received (middle 80 %)', receipts.length, f(sustained), '', '', ''],
        [
          'deliveries, first commit → last receipt',
          receipts.length,
          f(overall),
          f(percentile(latencies, 50)),
          f(percentile(latencies, 99)),
          f(latencies.at(-1) ?? Number.NaN),
        ],
        ['BullMQ raw add → completed (no-op)', rawJobs, f(rawRate), '', '', ''],
      ],
    ),
  )
  console.log(
    [
      `latency is from each event's commit to its receipt at the receiver`,
      `deliveries / BullMQ raw: ${(overall / rawRate).toFixed(2)} (middle 80 %: ${(sustained / rawRate).toFixed(2)})`,
      `BullMQ raw: adds took ${f(rawAdded - rawStarted)} ms, completions ${f(rawDone - rawStarted)} ms`,
      `distinct (event, endpoint) pairs received: ${unique.size} of ${EXPECTED}; duplicates ${receipts.length - unique.size}`,
      `signatures verified with standardwebhooks: ${stats.verified} (every ${VERIFY_EVERY}th), bad ${stats.badSignatures}`,
    ].join('\n'),
  )
  await writeJson(`${RESULTS_DIR}/webhooks.json`, {
    machine: machineInfo(),
    at: new Date().toISOString(),
    settings: {
      endpoints: ENDPOINTS,
      events: EVENTS,
      workers: WORKERS,
      concurrency: CONCURRENCY,
      committers: COMMITTERS,
    },
    deliveries: {
      received: receipts.length,
      distinct: unique.size,
      expected: EXPECTED,
      perSecondSustained: sustained,
      perSecondOverall: overall,
      latencyMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.at(-1) },
      verified: stats.verified,
      badSignatures: stats.badSignatures,
    },
    commitsPerSecond: commitRate,
    bullmqRaw: { jobs: rawJobs, perSecond: rawRate },
  })
  await cleanup()
  const failed = unique.size !== EXPECTED || stats.badSignatures > 0
  if (failed) console.error('not every delivery arrived, or a signature failed to verify')
  process.exit(failed ? 1 : 0)
} catch (err) {
  console.error(err)
  await cleanup().catch(() => {})
  process.exit(1)
}
