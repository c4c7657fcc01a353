/**
 * Recommendation latency: GET /v1/anchors/{id}/recommendations for one anchor among
 * 100,000 products, 20 concurrent connections, through the whole stack (token check, rate
 * limit, tenant transaction, RLS). The API runs in a child process; autocannon runs here
 * and records every response time, so p95 is exact rather than read off a histogram.
 *
 *   npm run bench:recommendations   (or: tsx bench/recommendations.ts [--duration 20]
 *     [--warmup 5] [--connections 20] [--products 100000] [--limit 20] [--reuse] [--baseline])
 *
 * --baseline also loads GET /v1/anchors/{id} the same way, for the cost of the shared stack.
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
import pino from 'pino'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { runMigrations } from '../src/db/migrate.js'
import { startRuntime } from '../src/runtime.js'
import { seedCatalog, type SeedResult } from './seed-catalog.js'

const here = fileURLToPath(import.meta.url)
const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'
const DB_NAME = 'showrunner_bench_selection'
const SEED_FILE = path.resolve(path.dirname(here), '../.showrunner/bench-selection-seed.json')

const dbUrl = (name: string) => {
  const u = new URL(ADMIN_URL)
  u.pathname = `/${name}`
  return u.toString()
}

/** The API process: the real app, listening on a free port. */
async function serve(databaseUrl: string) {
  const config = loadConfig({ NODE_ENV: 'production', LOG_LEVEL: 'warn', DATABASE_URL: databaseUrl, REDIS_URL, QUEUE_PREFIX: 'bench_selection', RATE_LIMIT_MAX: '100000000', DB_POOL_MAX: '20', PUBLIC_URL: 'http://127.0.0.1' })
  const log = pino({ level: 'warn' })
  const runtime = await startRuntime(config, log, { migrate: false })
  const app = await buildApp({ config, database: runtime.database, queues: runtime.queues, logger: log })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 })
  process.on('disconnect', async () => {
    await app.close()
    await runtime.close()
    process.exit(0)
  })
}

async function prepare(products: number, reuse: boolean): Promise<SeedResult> {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} })
  try {
    const [exists] = await admin`select 1 from pg_database where datname = ${DB_NAME}`
    if (reuse && exists && fs.existsSync(SEED_FILE)) {
      const seed = JSON.parse(fs.readFileSync(SEED_FILE, 'utf8')) as SeedResult
      if (seed.products === products) return seed
    }
    await admin.unsafe(`drop database if exists ${DB_NAME} with (force)`)
    await admin.unsafe(`create database ${DB_NAME}`)
  } finally {
    await admin.end()
  }
  await runMigrations(dbUrl(DB_NAME))
  console.log(`seeding ${products} products…`)
  const seed = await seedCatalog(dbUrl(DB_NAME), { products })
  console.log(`seeded in ${seed.seconds.toFixed(1)} s`)
  fs.mkdirSync(path.dirname(SEED_FILE), { recursive: true })
  fs.writeFileSync(SEED_FILE, JSON.stringify(seed, null, 2))
  return seed
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!

async function run(opts: { url: string; token: string; duration: number; connections: number; record: boolean }) {
  const latencies: number[] = []
  const statuses = new Map<number, number>()
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url: opts.url, connections: opts.connections, duration: opts.duration, headers: { authorization: `Bearer ${opts.token}` } }, (err, res) => (err ? reject(err) : resolve(res)))
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1)
      if (opts.record) latencies.push(responseTime)
    })
  })
  latencies.sort((a, b) => a - b)
  return { result, latencies, statuses }
}

async function main() {
  const { values } = parseArgs({
    options: {
      serve: { type: 'string' },
      duration: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '5' },
      connections: { type: 'string', default: '20' },
      products: { type: 'string', default: '100000' },
      limit: { type: 'string', default: '20' },
      reuse: { type: 'boolean', default: false },
      baseline: { type: 'boolean', default: false },
    },
  })
  if (values.serve) return serve(values.serve)

  const seed = await prepare(Number(values.products), values.reuse!)
  const child = fork(here, ['--serve', dbUrl(DB_NAME)], { stdio: 'inherit' })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port))
    child.once('exit', (code) => reject(new Error(`the API process exited with ${code}`)))
  })
  try {
    const base = `http://127.0.0.1:${port}`
    const tokenRes = await fetch(`${base}/oauth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'client_credentials', client_id: seed.clientId, client_secret: seed.clientSecret }) })
    const { access_token: token } = (await tokenRes.json()) as { access_token: string }
    const url = `${base}/v1/anchors/${seed.anchorId}/recommendations?limit=${values.limit}`
    const sample = await fetch(url, { headers: { authorization: `Bearer ${token}` } })
    const body = (await sample.json()) as { candidates_considered: number; data: { category: string }[] }
    if (sample.status !== 200) throw new Error(`recommendations answered ${sample.status}: ${JSON.stringify(body)}`)
    console.log(`anchor ${seed.anchorId}: ${body.data.length} recommendations from ${body.candidates_considered} candidates, ${new Set(body.data.map((d) => d.category)).size} categories`)

    await run({ url, token, duration: Number(values.warmup), connections: Number(values.connections), record: false })
    const { result, latencies, statuses } = await run({ url, token, duration: Number(values.duration), connections: Number(values.connections), record: true })
    // The same load on the cheapest authenticated read (GET /v1/anchors/{id}) shows what the
    // shared stack (token check, rate limit, tenant transaction) costs on this machine.
    let stack: { requests_per_s: number; p50: number; p95: number } | undefined
    if (values.baseline) {
      const b = await run({ url: `${base}/v1/anchors/${seed.anchorId}`, token, duration: Number(values.duration), connections: Number(values.connections), record: true })
      stack = { requests_per_s: Math.round(b.result.requests.average), p50: percentile(b.latencies, 50), p95: percentile(b.latencies, 95) }
    }
    const figures = {
      bench: 'recommendations',
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
      products: seed.products,
      connections: Number(values.connections),
      duration_s: Number(values.duration),
      requests: latencies.length,
      requests_per_s: Math.round(result.requests.average),
      statuses: Object.fromEntries(statuses),
      latency_ms: { p50: percentile(latencies, 50), p90: percentile(latencies, 90), p95: percentile(latencies, 95), p99: percentile(latencies, 99), max: latencies[latencies.length - 1] },
      load_average: os.loadavg(),
      ...(stack ? { stack_baseline_get_anchor: stack } : {}),
    }
    console.log(JSON.stringify(figures, null, 2))
    const ok = figures.latency_ms.p95 < 50 && (statuses.get(200) ?? 0) === latencies.length
    console.log(ok ? 'PASS: p95 < 50 ms with every answer 200' : 'FAIL: p95 ≥ 50 ms or some answers were not 200')
    process.exitCode = ok ? 0 : 1
  } finally {
    child.disconnect()
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
