/**
 * Recommendation latency: GET /v1/anchors/{id}/recommendations among 100,000 products,
 * 20 concurrent connections, through the whole stack (token check, rate limit, tenant
 * transaction, RLS). The API runs in a child process; autocannon runs here and records
 * every response time, so percentiles are exact rather than read off a histogram.
 *
 * One run measures, one after another:
 *   warm   cache on, every request for the same anchor (a session planner polling): after
 *          the warm-up, each request checks the anchor and the selection version and is
 *          answered from the cache;
 *   mixed  cache on (same server, right after warm), requests spread round-robin over the
 *          tenant's 50 anchors; 49 of them are computed once at the start of the window;
 *   writes as mixed, with one product stock change per second (`--writes-per-s`): each
 *          raises the tenant's selection version, so every anchor's next request computes;
 *   cold   results not cached (RECOMMENDATION_CACHE=candidates, a second server), requests
 *          round-robin over the 50 anchors: every request reads its inputs and ranks; the
 *          candidate lists (per tenant, pools in reach and category, validated like results)
 *          are read once per list and version;
 *   cold, nothing cached   RECOMMENDATION_CACHE=off (a third server), one anchor: every
 *          request also reads its candidates, as before the candidate lists.
 *
 *   tsx bench/recommendations.ts [--duration 20] [--warmup 10] [--connections 20]
 *     [--products 100000] [--limit 20] [--writes-per-s 1] [--reuse] [--baseline]
 *
 * --baseline also loads GET /v1/anchors/{id} the same way, for the cost of the shared stack.
 * The process exits 1 unless the warm p95 is under 50 ms with every answer 200.
 *
 * Uses BENCH_DATABASE_URL (default: the local PostgreSQL, database showrunner_bench_selection,
 * recreated and seeded unless --reuse finds an earlier seed) and BENCH_REDIS_URL.
 */
import { fork } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import postgres from 'postgres'
import { runMigrations } from '../src/db/migrate.js'
import { recommendationCache } from '../src/modules/selection/cache.js'
import { BENCH_ADMIN_URL, benchDatabaseUrl, createBenchDatabase } from './lib/database.js'
import { onStop, startShowrunner } from './lib/server.js'
import { fetchToken } from './lib/tenants.js'
import { seedCatalog, type SeedResult } from './seed-catalog.js'

const here = fileURLToPath(import.meta.url)
const DB_NAME = 'showrunner_bench_selection'
const SEED_FILE = path.resolve(path.dirname(here), '../.showrunner/bench-selection-seed.json')

/** The API process: the real app, listening on a free port; answers cache statistics over IPC. */
async function serve(databaseUrl: string, cache: string) {
  const running = await startShowrunner({
    databaseUrl,
    env: {
      LOG_LEVEL: 'warn',
      QUEUE_PREFIX: 'bench_selection',
      RATE_LIMIT_MAX: '100000000',
      DB_POOL_MAX: '20',
      PUBLIC_URL: 'http://127.0.0.1',
      RECOMMENDATION_CACHE: cache,
    },
  })
  process.send?.({ port: Number(new URL(running.url).port) })
  process.on('message', (m: { type?: string }) => {
    if (m.type !== 'stats') return
    const c = recommendationCache(running.app.db)
    process.send?.({ type: 'stats', hits: c.hits, misses: c.misses, size: c.size })
  })
  // The parent disconnects when it is done.
  onStop(() => running.close())
}

type CacheStats = { hits: number; misses: number; size: number }

/** Starts an API child process with RECOMMENDATION_CACHE set to `cache`. */
async function startServer(databaseUrl: string, cache: 'on' | 'candidates' | 'off') {
  const child = fork(here, ['--serve', databaseUrl, '--cache', cache], { stdio: 'inherit' })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port))
    child.once('exit', (code) => reject(new Error(`the API process exited with ${code}`)))
  })
  const stats = () =>
    new Promise<CacheStats>((resolve) => {
      const on = (m: { type?: string } & CacheStats) => {
        if (m.type !== 'stats') return
        child.off('message', on)
        resolve({ hits: m.hits, misses: m.misses, size: m.size })
      }
      child.on('message', on)
      child.send({ type: 'stats' })
    })
  return { child, base: `http://127.0.0.1:${port}`, stats }
}

async function prepare(products: number, reuse: boolean): Promise<SeedResult> {
  const admin = postgres(BENCH_ADMIN_URL, { max: 1, onnotice: () => {} })
  try {
    const [exists] = await admin`select 1 from pg_database where datname = ${DB_NAME}`
    if (reuse && exists && fs.existsSync(SEED_FILE)) {
      const seed = JSON.parse(fs.readFileSync(SEED_FILE, 'utf8')) as SeedResult
      if (seed.products === products) {
        // An earlier seed may predate the newest migrations.
        await runMigrations(benchDatabaseUrl(DB_NAME))
        return seed
      }
    }
  } finally {
    await admin.end()
  }
  await createBenchDatabase(DB_NAME)
  console.log(`seeding ${products} products…`)
  const seed = await seedCatalog(benchDatabaseUrl(DB_NAME), { products })
  console.log(`seeded in ${seed.seconds.toFixed(1)} s`)
  fs.mkdirSync(path.dirname(SEED_FILE), { recursive: true })
  fs.writeFileSync(SEED_FILE, JSON.stringify(seed, null, 2))
  return seed
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
const ms = (n: number) => Math.round(n * 10) / 10

async function run(opts: {
  url: string
  token: string
  duration: number
  connections: number
  record: boolean
  paths?: string[]
}) {
  const latencies: number[] = []
  const statuses = new Map<number, number>()
  let next = 0
  const paths = opts.paths
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: opts.url,
        connections: opts.connections,
        duration: opts.duration,
        headers: { authorization: `Bearer ${opts.token}` },
        // Round-robin over the paths, across all connections.
        ...(paths
          ? {
              requests: [
                { setupRequest: (req: autocannon.Request) => ({ ...req, path: paths[next++ % paths.length]! }) },
              ],
            }
          : {}),
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    )
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1)
      if (opts.record) latencies.push(responseTime)
    })
  })
  latencies.sort((a, b) => a - b)
  return { result, latencies, statuses }
}

type Measured = Awaited<ReturnType<typeof run>>
const summary = (m: Measured, cache?: { before: CacheStats; after: CacheStats }) => ({
  requests: m.latencies.length,
  requests_per_s: Math.round(m.result.requests.average),
  statuses: Object.fromEntries(m.statuses),
  latency_ms: {
    p50: ms(percentile(m.latencies, 50)),
    p90: ms(percentile(m.latencies, 90)),
    p95: ms(percentile(m.latencies, 95)),
    p99: ms(percentile(m.latencies, 99)),
    max: ms(m.latencies[m.latencies.length - 1]!),
  },
  ...(cache
    ? {
        cache: {
          hits: cache.after.hits - cache.before.hits,
          misses: cache.after.misses - cache.before.misses,
          entries: cache.after.size,
        },
      }
    : {}),
  load_average_after: os.loadavg().map((l) => Math.round(l * 100) / 100),
})
const allOk = (m: Measured) => (m.statuses.get(200) ?? 0) === m.latencies.length

async function main() {
  const { values } = parseArgs({
    options: {
      serve: { type: 'string' },
      cache: { type: 'string', default: 'on' },
      duration: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '10' },
      connections: { type: 'string', default: '20' },
      products: { type: 'string', default: '100000' },
      limit: { type: 'string', default: '20' },
      'writes-per-s': { type: 'string', default: '1' },
      reuse: { type: 'boolean', default: false },
      baseline: { type: 'boolean', default: false },
    },
  })
  if (values.serve) return serve(values.serve, values.cache!)

  const duration = Number(values.duration)
  const warmup = Number(values.warmup)
  const connections = Number(values.connections)
  const load = os.loadavg()
  if (load[0]! > 1)
    console.warn(
      `warning: load average ${load.map((l) => l.toFixed(2)).join(' ')} before the run; other processes will skew the figures`,
    )
  const seed = await prepare(Number(values.products), values.reuse!)
  const admin = postgres(benchDatabaseUrl(DB_NAME), { max: 1, onnotice: () => {} })
  const anchorIds = (
    await admin<{ id: string }[]>`select id from anchors where tenant_id = ${seed.tenantId} order by id`
  ).map((r) => r.id)
  const productIds = (
    await admin<
      { id: string }[]
    >`select id from products where tenant_id = ${seed.tenantId} and status = 'active' order by id limit 100`
  ).map((r) => r.id)
  await admin.end()

  const on = await startServer(benchDatabaseUrl(DB_NAME), 'on')
  let off: Awaited<ReturnType<typeof startServer>> | undefined
  let lists: Awaited<ReturnType<typeof startServer>> | undefined
  try {
    const base = on.base
    const token = await fetchToken(base, seed)
    const path = (anchorId: string) => `/v1/anchors/${anchorId}/recommendations?limit=${values.limit}`
    const url = `${base}${path(seed.anchorId)}`
    const sample = await fetch(url, { headers: { authorization: `Bearer ${token}` } })
    const body = (await sample.json()) as { candidates_considered: number; data: { category: string }[] }
    if (sample.status !== 200) throw new Error(`recommendations answered ${sample.status}: ${JSON.stringify(body)}`)
    console.log(
      `anchor ${seed.anchorId}: ${body.data.length} recommendations from ${body.candidates_considered} candidates, ${new Set(body.data.map((d) => d.category)).size} categories; ${anchorIds.length} anchors for the mixed runs`,
    )
    const measure = async (label: string, server: Awaited<ReturnType<typeof startServer>>, paths?: string[]) => {
      console.log(`measuring ${label}…`)
      const before = await server.stats()
      const m = await run({
        url: `${server.base}${path(seed.anchorId)}`,
        token,
        duration,
        connections,
        record: true,
        paths,
      })
      return { m, cache: { before, after: await server.stats() } }
    }

    // warm: one anchor, answered from the cache after the warm-up.
    await run({ url, token, duration: warmup, connections, record: false })
    const warm = await measure('warm (cache on, one anchor)', on)
    // mixed: every anchor of the tenant, round-robin; the first request for each computes.
    const mixedPaths = anchorIds.map(path)
    const mixed = await measure(`mixed (cache on, ${anchorIds.length} anchors)`, on, mixedPaths)
    // writes: the same, while a product's stock changes every 1/rate s (each change raises
    // the tenant's selection version, so every anchor's next request computes afresh).
    const rate = Number(values['writes-per-s'])
    let writes = 0
    const inflight = new Set<Promise<unknown>>()
    const writer =
      rate > 0
        ? setInterval(() => {
            writes++
            const p = fetch(`${base}/v1/products/${productIds[writes % productIds.length]}`, {
              method: 'PATCH',
              headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
              body: JSON.stringify({ stock: 100 + writes }),
            })
              .then(async (r) => {
                if (r.status !== 200) throw new Error(`product update answered ${r.status}: ${await r.text()}`)
              })
              .finally(() => inflight.delete(p))
            inflight.add(p)
          }, 1000 / rate)
        : undefined
    const withWrites = rate > 0 ? await measure(`mixed with ${rate} product update/s`, on, mixedPaths) : undefined
    if (writer) clearInterval(writer)
    await Promise.all(inflight)

    // cold: no result cache, every request ranks; over every anchor, the candidate lists held.
    lists = await startServer(benchDatabaseUrl(DB_NAME), 'candidates')
    const listsUrl = `${lists.base}${path(seed.anchorId)}`
    await run({ url: listsUrl, token, duration: warmup, connections, record: false, paths: mixedPaths })
    console.log(`measuring cold (results not cached, candidate lists held, ${anchorIds.length} anchors)…`)
    const cold = await run({ url: listsUrl, token, duration, connections, record: true, paths: mixedPaths })
    lists.child.disconnect()
    lists = undefined
    // cold, nothing cached: every request also reads its candidates.
    off = await startServer(benchDatabaseUrl(DB_NAME), 'off')
    const offUrl = `${off.base}${path(seed.anchorId)}`
    await run({ url: offUrl, token, duration: warmup, connections, record: false })
    console.log('measuring cold (nothing cached, one anchor)…')
    const bare = await run({ url: offUrl, token, duration, connections, record: true })

    // The same load on the cheapest authenticated read (GET /v1/anchors/{id}) shows what the
    // shared stack (token check, rate limit, tenant transaction) costs on this machine.
    let stack: { requests_per_s: number; p50: number; p95: number } | undefined
    if (values.baseline) {
      const b = await run({ url: `${base}/v1/anchors/${seed.anchorId}`, token, duration, connections, record: true })
      stack = {
        requests_per_s: Math.round(b.result.requests.average),
        p50: ms(percentile(b.latencies, 50)),
        p95: ms(percentile(b.latencies, 95)),
      }
    }
    const figures = {
      bench: 'recommendations',
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
      products: seed.products,
      anchors: anchorIds.length,
      limit: Number(values.limit),
      connections,
      duration_s: duration,
      warmup_s: warmup,
      load_average_before: load.map((l) => Math.round(l * 100) / 100),
      warm: summary(warm.m, warm.cache),
      mixed: summary(mixed.m, mixed.cache),
      ...(withWrites
        ? { mixed_with_writes: { writes_per_s: rate, writes, ...summary(withWrites.m, withWrites.cache) } }
        : {}),
      cold: summary(cold),
      cold_nothing_cached: summary(bare),
      ...(stack ? { stack_baseline_get_anchor: stack } : {}),
    }
    console.log(JSON.stringify(figures, null, 2))
    const row = (name: string, m: Measured) =>
      `${name.padEnd(18)} ${String(Math.round(m.result.requests.average)).padStart(6)} ${[50, 95, 99].map((p) => percentile(m.latencies, p).toFixed(1).padStart(6)).join(' ')}`
    console.log(
      `${'run'.padEnd(18)} ${'req/s'.padStart(6)} ${'p50'.padStart(6)} ${'p95'.padStart(6)} ${'p99'.padStart(6)}  (ms)`,
    )
    console.log(
      [
        row('warm', warm.m),
        row('mixed', mixed.m),
        ...(withWrites ? [row(`mixed+${rate}w/s`, withWrites.m)] : []),
        row('cold (lists held)', cold),
        row('cold, no cache', bare),
      ].join('\n'),
    )
    const ok =
      figures.warm.latency_ms.p95 < 50 &&
      [warm.m, mixed.m, cold, bare, ...(withWrites ? [withWrites.m] : [])].every(allOk)
    console.log(
      ok ? 'PASS: warm p95 < 50 ms with every answer 200' : 'FAIL: warm p95 ≥ 50 ms or some answers were not 200',
    )
    process.exitCode = ok ? 0 : 1
  } finally {
    // Requests autocannon left in flight finish before the servers close their pools.
    await new Promise((r) => setTimeout(r, 1000))
    on.child.disconnect()
    lists?.child.disconnect()
    off?.child.disconnect()
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
