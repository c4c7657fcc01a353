/**
 * HTTP benchmark: what the full stack costs over a bare server, and what auth costs.
 *
 *   a. baseline        bare Fastify + postgres.js, one indexed SELECT by primary key
 *   b. showrunner      GET /v1/events/{id} with a bearer token (auth, rate limit, tenant
 *                      transaction with set_config, RLS, schema serialization)
 *   c. showrunner-noauth  the same service call behind a bench-only route with a fixed ctx
 *   d. token           POST /oauth/token (client_credentials, the right secret), at
 *                      TOKEN_CONNECTIONS connections, beside
 *   e. healthz         GET /healthz on the same process and connections: the framework's floor
 *
 * Each server runs as a child process; autocannon runs here. a, b and c run in turns, --rounds
 * rounds of duration/rounds seconds each (see `measureInterleaved`), so that their ratios hold
 * on a machine whose speed drifts; d and e run after, one at a time. Run with `npm run bench`
 * (flags: --duration --warmup --connections --pipelining --events --rounds --retries
 * --save-baseline; or BENCH_* environment variables).
 */
import path from 'node:path'
import type { BaselineInput } from './baseline-server.js'
import type { EventsDirectOptions } from './plugins/events-direct.js'
import { connectOwner, createBenchDatabase, serverVersion, type BenchDatabase } from './lib/database.js'
import { contended, measure, measureInterleaved, medianOfRounds, type Figures } from './lib/load.js'
import { benchOptions, type LoadOptions } from './lib/options.js'
import { BASELINES_DIR, RESULTS_DIR } from './lib/paths.js'
import { figuresTable, formatTable, machineInfo, readJson, writeJson } from './lib/report.js'
import { onInterrupt, startAppChild, startChildWith, stopAllChildren, type ChildServer } from './lib/server.js'
import { fetchToken, seedEvents, seedTenant } from './lib/tenants.js'

interface HttpResults {
  bench: 'http'
  date: string
  machine: ReturnType<typeof machineInfo> & { postgres: string }
  options: LoadOptions & { events: number; dbPoolMax: number; rounds: number; retries: number }
  results: { baseline: Figures; showrunner: Figures; showrunnerNoAuth: Figures; token?: Figures; healthz?: Figures }
  ratios: {
    showrunnerOverBaseline: number
    showrunnerOverNoAuth: number
    noAuthOverBaseline: number
    tokenOverHealthz?: number
  }
  /**
   * b / a taken in each round (a and b a few seconds apart) and its median over the rounds: less
   * moved by a round the machine ran slow than the ratio of the totals. CPU: b's over a's per request.
   */
  roundRatios: {
    showrunnerOverBaseline: number[]
    medianShowrunnerOverBaseline: number
    medianCpuShowrunnerOverBaseline?: number
  }
  /** Server time per request (1/rps) attributable to each layer, in microseconds. */
  costPerRequestUs: {
    baseline: number
    showrunner: number
    showrunnerNoAuth: number
    auth: number
    stackWithoutAuth: number
  }
  /** The same from CPU time (server process + its database backends and Redis), when measured. */
  cpuPerRequestUs?: {
    baseline: number
    showrunner: number
    showrunnerNoAuth: number
    auth: number
    stackWithoutAuth: number
  }
}

const opts = benchOptions(
  { duration: 10, warmup: 2, connections: 20 },
  {
    events: { default: '5000' },
    rounds: { default: '5' },
    retries: { default: '1' },
    'save-baseline': { boolean: true },
  },
)
const eventCount = Number(opts.flags.events)
if (!Number.isInteger(eventCount) || eventCount < 1) throw new Error('--events must be a positive integer')
const rounds = Number(opts.flags.rounds)
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a positive integer')
const retries = Number(opts.flags.retries)
if (!Number.isInteger(retries) || retries < 0) throw new Error('--retries must be a non-negative integer')
const load: LoadOptions = {
  duration: opts.duration,
  warmup: opts.warmup,
  connections: opts.connections,
  pipelining: opts.pipelining,
}

/** The issue's figure for the token endpoint is at 10 connections, whatever --connections says. */
const TOKEN_CONNECTIONS = 10

let database: BenchDatabase | undefined
let owner: ReturnType<typeof connectOwner> | undefined
let server: ChildServer | undefined
let baselineServer: ChildServer | undefined

async function cleanup() {
  await server?.stop().catch(() => {})
  await baselineServer?.stop().catch(() => {})
  await stopAllChildren().catch(() => {})
  await owner?.close().catch(() => {})
  if (process.env.BENCH_KEEP_DB !== '1')
    await database?.drop().catch((err) => console.error('could not drop the bench database:', err))
}
onInterrupt(cleanup)

const log = (m: string) => process.stderr.write(`${m}\n`)
const onRetry = (attempt: number, f: Figures) =>
  log(`   other processes used ${f.cpu?.other}% of a CPU; measuring again (${attempt}/${retries})`)

/** Fetches one id from every target first, so a broken route fails loudly instead of as a fast 4xx flood. */
async function check(url: string, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const res = await fetch(url, { headers })
  const body = await res.text()
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${body}`)
  return JSON.parse(body) as Record<string, unknown>
}

async function main() {
  const started = Date.now()
  const total = (opts.warmup + opts.duration) * 5
  log(
    `http bench: ${opts.connections} connections, ${opts.warmup} s warm-up + ${opts.duration} s per target, a–c in ${rounds} rounds (~${Math.round(total + 15)} s${retries ? `, up to ${retries} more for d and e on a busy machine` : ''})`,
  )

  database = await createBenchDatabase('showrunner_bench')
  owner = connectOwner(database.url)
  const tenant = await seedTenant(owner.db, { kind: 'mcn', name: 'Bench MCN' })
  const ids = await seedEvents(owner.db, tenant.organizationId, eventCount)
  await owner.sql`analyze events`
  await owner.close()
  owner = undefined
  log(`seeded ${ids.length} events for ${tenant.organizationId}`)

  const paths = (prefix: string) => ids.map((id) => `${prefix}/${id}`)
  const dbPoolMax = 10

  // a, b and c run in turns (`rounds` of duration/rounds seconds each), so a machine whose speed
  // drifts slows all three alike and their ratios hold; the baseline server stays up meanwhile.
  baselineServer = await startChildWith('baseline-server.ts', {
    databaseUrl: database.url,
    tenantId: tenant.organizationId,
    poolMax: dbPoolMax,
  } satisfies BaselineInput)
  const sample = await check(`${baselineServer.url}/events/${ids[0]}`)

  const direct: EventsDirectOptions = {
    tenantId: tenant.organizationId,
    actor: {
      clientId: tenant.clientId,
      organizationId: tenant.organizationId,
      organizationKind: 'mcn',
      scopes: ['events:read'],
    },
  }
  server = await startAppChild({
    databaseUrl: database.url,
    env: { DB_POOL_MAX: String(dbPoolMax) },
    plugins: [{ module: 'plugins/events-direct.ts', options: direct }],
  })
  const accessToken = await fetchToken(server.url, tenant)
  const auth = { authorization: `Bearer ${accessToken}` }
  const viaApi = await check(`${server.url}/v1/events/${ids[0]}`, auth)
  const viaDirect = await check(`${server.url}/bench/events/${ids[0]}`)
  for (const [name, body] of [
    ['/v1/events', viaApi],
    ['/bench/events', viaDirect],
  ] as const) {
    if (JSON.stringify(body) !== JSON.stringify(sample))
      throw new Error(`${name} and the baseline disagree:\n${JSON.stringify(body)}\n${JSON.stringify(sample)}`)
  }
  log(
    `a. baseline (pid ${baselineServer.pid}), b. showrunner GET /v1/events/{id} and c. without auth (pid ${server.pid}), in ${rounds} rounds …`,
  )
  const interleaved = await measureInterleaved(
    [
      {
        name: 'a. baseline (fastify+postgres.js)',
        url: baselineServer.url,
        paths: paths('/events'),
        serverPid: baselineServer.pid,
      },
      {
        name: 'b. showrunner /v1/events/{id}',
        url: server.url,
        paths: paths('/v1/events'),
        headers: auth,
        serverPid: server.pid,
      },
      { name: 'c. showrunner, no auth', url: server.url, paths: paths('/bench/events'), serverPid: server.pid },
    ],
    load,
    rounds,
    database.name,
  )
  const [baseline, showrunner, showrunnerNoAuth] = interleaved.merged as [Figures, Figures, Figures]
  await baselineServer.stop()
  baselineServer = undefined

  const tokenLoad = { ...load, connections: TOKEN_CONNECTIONS }
  const tokenBody = JSON.stringify({
    grant_type: 'client_credentials',
    client_id: tenant.clientId,
    client_secret: tenant.clientSecret,
  })
  log(`d. POST /oauth/token at ${TOKEN_CONNECTIONS} connections …`)
  const token = await measure(
    {
      name: `d. POST /oauth/token (${TOKEN_CONNECTIONS} conn)`,
      url: server.url,
      paths: '/oauth/token',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: tokenBody,
    },
    tokenLoad,
    { serverPid: server.pid, database: database.name, retries, onRetry },
  )
  log(`e. GET /healthz at ${TOKEN_CONNECTIONS} connections …`)
  const healthz = await measure(
    { name: `e. GET /healthz (${TOKEN_CONNECTIONS} conn)`, url: server.url, paths: '/healthz' },
    tokenLoad,
    { serverPid: server.pid, database: database.name, retries, onRetry },
  )
  await server.stop()
  server = undefined

  const figures = [baseline, showrunner, showrunnerNoAuth, token, healthz]
  const ratio = (x: number, y: number) => Math.round((x / y) * 1000) / 1000
  const us = (rps: number) => Math.round(1e6 / rps)
  const cpuUs = (f: Figures) => (f.cpu ? f.cpu.perRequestUs.server + f.cpu.perRequestUs.database : Number.NaN)
  const results: HttpResults = {
    bench: 'http',
    date: new Date().toISOString(),
    machine: { ...machineInfo(), postgres: await serverVersion(database.url) },
    options: { ...load, events: ids.length, dbPoolMax, rounds, retries },
    results: { baseline, showrunner, showrunnerNoAuth, token, healthz },
    ratios: {
      tokenOverHealthz: ratio(token.rps, healthz.rps),
      showrunnerOverBaseline: ratio(showrunner.rps, baseline.rps),
      showrunnerOverNoAuth: ratio(showrunner.rps, showrunnerNoAuth.rps),
      noAuthOverBaseline: ratio(showrunnerNoAuth.rps, baseline.rps),
    },
    roundRatios: {
      showrunnerOverBaseline: interleaved.rounds[0]!.map((a, i) => ratio(interleaved.rounds[1]![i]!.rps, a.rps)),
      medianShowrunnerOverBaseline: ratio(
        medianOfRounds(interleaved.rounds, ([a, b]) => b!.rps / a!.rps),
        1,
      ),
      ...(baseline.cpu
        ? {
            medianCpuShowrunnerOverBaseline: ratio(
              medianOfRounds(interleaved.rounds, ([a, b]) => cpuUs(b!) / cpuUs(a!)),
              1,
            ),
          }
        : {}),
    },
    costPerRequestUs: {
      baseline: us(baseline.rps),
      showrunner: us(showrunner.rps),
      showrunnerNoAuth: us(showrunnerNoAuth.rps),
      auth: us(showrunner.rps) - us(showrunnerNoAuth.rps),
      stackWithoutAuth: us(showrunnerNoAuth.rps) - us(baseline.rps),
    },
  }
  if (baseline.cpu && showrunner.cpu && showrunnerNoAuth.cpu) {
    const t = (f: Figures) => f.cpu!.perRequestUs.server + f.cpu!.perRequestUs.database
    results.cpuPerRequestUs = {
      baseline: t(baseline),
      showrunner: t(showrunner),
      showrunnerNoAuth: t(showrunnerNoAuth),
      auth: t(showrunner) - t(showrunnerNoAuth),
      stackWithoutAuth: t(showrunnerNoAuth) - t(baseline),
    }
  }

  const m = results.machine
  console.log(`\nHTTP bench — ${results.date}, node ${m.node}, ${m.cpus} × ${m.cpuModel}, PostgreSQL ${m.postgres}`)
  console.log(
    `${load.connections} connections, pipelining ${load.pipelining}, ${load.warmup} s warm-up + ${load.duration} s each (a–c in ${rounds} rounds), ${ids.length} events, DB pool ${dbPoolMax}\n`,
  )
  console.log(figuresTable(figures))
  console.log()
  console.log(
    formatTable(
      ['ratio (req/s)', 'value'],
      [
        ['b / a  showrunner vs bare server', results.ratios.showrunnerOverBaseline.toFixed(3)],
        ['b / c  with vs without auth', results.ratios.showrunnerOverNoAuth.toFixed(3)],
        ['c / a  stack without auth vs bare', results.ratios.noAuthOverBaseline.toFixed(3)],
        ['d / e  token endpoint vs /healthz', results.ratios.tokenOverHealthz!.toFixed(3)],
        [
          `b / a  median of the ${rounds} rounds' (${results.roundRatios.showrunnerOverBaseline.map((r) => r.toFixed(2)).join(', ')})`,
          results.roundRatios.medianShowrunnerOverBaseline.toFixed(3),
        ],
        ...(results.roundRatios.medianCpuShowrunnerOverBaseline === undefined
          ? []
          : [
              [
                'CPU per request b / a, median of the rounds',
                results.roundRatios.medianCpuShowrunnerOverBaseline.toFixed(2),
              ] as [string, string],
            ]),
      ],
    ),
  )
  const c = results.costPerRequestUs
  console.log(
    `\nper request, from req/s (1/rps): a ${c.baseline} µs, c ${c.showrunnerNoAuth} µs, b ${c.showrunner} µs → auth ≈ ${c.auth} µs, rest of the stack ≈ ${c.stackWithoutAuth} µs`,
  )
  const k = results.cpuPerRequestUs
  if (k)
    console.log(
      `per request, CPU time (server + PostgreSQL/Redis): a ${k.baseline} µs, c ${k.showrunnerNoAuth} µs, b ${k.showrunner} µs (b / a ${(k.showrunner / k.baseline).toFixed(2)} ×) → auth ≈ ${k.auth} µs, rest of the stack ≈ ${k.stackWithoutAuth} µs`,
    )

  const committed = await readJson<HttpResults>(path.join(BASELINES_DIR, 'http.json'))
  if (committed) {
    const rel = (now: number, then: number) => `${now >= then ? '+' : ''}${Math.round(((now - then) / then) * 100)}%`
    const r = committed.results
    console.log(
      `vs bench/baselines/http.json (${committed.date.slice(0, 10)}, ${committed.machine.cpus} CPUs): a ${rel(baseline.rps, r.baseline.rps)}, b ${rel(showrunner.rps, r.showrunner.rps)}, c ${rel(showrunnerNoAuth.rps, r.showrunnerNoAuth.rps)} req/s`,
    )
  }

  await writeJson(path.join(RESULTS_DIR, 'latest.json'), results)
  const busy = contended(figures)
  const bad = figures.filter((f) => f.non2xx > 0 || f.errors > 0 || f.timeouts > 0)
  const save = opts.flags['save-baseline'] && busy.length === 0 && bad.length === 0
  if (save) await writeJson(path.join(BASELINES_DIR, 'http.json'), results)
  log(
    `\nwrote bench/results/latest.json${save ? ' and bench/baselines/http.json' : ''} (${Math.round((Date.now() - started) / 1000)} s)`,
  )

  if (busy.length) {
    console.error(
      `\nwarning: other processes used CPU during ${busy.map((f) => `${f.name} (${f.cpu!.other}% of a CPU${f.cpu!.otherTop.length ? `: ${f.cpu!.otherTop.map((p) => `${p.command} ${p.pid} ${p.pct}%`).join(', ')}` : ''})`).join(', ')}; these figures are not reliable, rerun on a quiet machine`,
    )
    if (opts.flags['save-baseline']) console.error('bench/baselines/http.json was not updated')
  }
  if (bad.length) {
    if (opts.flags['save-baseline']) console.error('bench/baselines/http.json was not updated')
    console.error(`\nnon-2xx responses or errors in: ${bad.map((f) => f.name).join(', ')}`)
    process.exitCode = 1
  }
}

main()
  .catch((err) => {
    console.error(err)
    process.exitCode = 1
  })
  .finally(cleanup)
