/**
 * Shared pieces of the HTTP benchmarks: a fresh migrated database on the local PostgreSQL,
 * the real app (in-process, or as a child process so the load generator does not share
 * its CPU), a seeded tenant with a token, autocannon runs and their figures.
 *
 * Every bench script is a plain `tsx bench/<name>.ts`; servers under test are children
 * started with `startChild()` and report readiness over IPC (`childReady()`), so the
 * parent can measure, stop them one at a time and exit by itself.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import pino from 'pino'
import postgres from 'postgres'
import { buildApp } from '../src/app.js'
import { loadConfig, type Config } from '../src/config.js'
import { connectDatabase, type Database, type DatabaseHandle } from '../src/db/client.js'
import { runMigrations } from '../src/db/migrate.js'
import { events } from '../src/db/schema.js'
import { newId } from '../src/lib/ids.js'
import type { Scope } from '../src/lib/scopes.js'
import { createClient, createOrganization } from '../src/modules/identity/service.js'
import { startRuntime, type Runtime } from '../src/runtime.js'

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url))
export const RESULTS_DIR = path.join(BENCH_DIR, 'results')
export const BASELINES_DIR = path.join(BENCH_DIR, 'baselines')

/** Admin connection (a superuser or a role with CREATEDB on the local server). */
export const BENCH_ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'

// ── options ──────────────────────────────────────────────────────────────────────────

export interface LoadOptions {
  /** Measured seconds per target. */
  duration: number
  /** Seconds of discarded load before each measurement (JIT, pools, caches). */
  warmup: number
  /** Concurrent keep-alive connections. */
  connections: number
  /** Requests in flight per connection. */
  pipelining: number
}

/**
 * `--duration 10 --warmup 2 --connections 20 --pipelining 1`, or BENCH_DURATION,
 * BENCH_WARMUP, BENCH_CONNECTIONS, BENCH_PIPELINING; argv wins. `extra` declares a
 * script's own flags, string or boolean (also read from BENCH_<NAME> in upper snake case).
 */
export function benchOptions<E extends string = never>(
  defaults: Partial<LoadOptions> = {},
  extra: Record<E, { default?: string; boolean?: boolean }> = {} as Record<E, { default?: string }>,
): LoadOptions & { flags: Record<E, string | boolean | undefined> } {
  const extraOptions = Object.fromEntries(
    Object.entries(extra).map(([k, v]) => [k, { type: (v as { boolean?: boolean }).boolean ? 'boolean' : 'string' }]),
  ) as Record<string, { type: 'string' | 'boolean' }>
  const { values: parsed } = parseArgs({
    args: process.argv.slice(2),
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      pipelining: { type: 'string' },
      ...extraOptions,
    },
    strict: true,
  })
  const values = parsed as Record<string, string | boolean | undefined>
  const envName = (k: string) => `BENCH_${k.replace(/-/g, '_').toUpperCase()}`
  const num = (k: keyof LoadOptions, fallback: number) => {
    const raw = (values[k] as string | undefined) ?? process.env[envName(k)]
    if (raw === undefined || raw === '') return fallback
    const n = Number(raw)
    if (!Number.isFinite(n) || n < 0)
      throw new Error(`--${k} / ${envName(k)} must be a non-negative number, got ${JSON.stringify(raw)}`)
    return n
  }
  const flags = {} as Record<E, string | boolean | undefined>
  for (const [k, v] of Object.entries(extra) as [E, { default?: string; boolean?: boolean }][]) {
    const fromEnv = process.env[envName(k)]
    flags[k] =
      values[k] ?? (v.boolean ? (fromEnv ? fromEnv !== '0' && fromEnv !== 'false' : undefined) : fromEnv) ?? v.default
  }
  return {
    duration: num('duration', defaults.duration ?? 10),
    warmup: num('warmup', defaults.warmup ?? 2),
    connections: Math.max(1, Math.round(num('connections', defaults.connections ?? 20))),
    pipelining: Math.max(1, Math.round(num('pipelining', defaults.pipelining ?? 1))),
    flags,
  }
}

// ── database ─────────────────────────────────────────────────────────────────────────

function databaseUrl(name: string): string {
  const u = new URL(BENCH_ADMIN_URL)
  u.pathname = `/${name}`
  return u.toString()
}

export interface BenchDatabase {
  name: string
  url: string
  /** Drops the database (terminating leftover connections). */
  drop(): Promise<void>
}

/** Drops and recreates `name` on the local PostgreSQL and applies the migrations as its owner. */
export async function createBenchDatabase(name = 'showrunner_bench'): Promise<BenchDatabase> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`)
  const admin = postgres(BENCH_ADMIN_URL, { max: 1, onnotice: () => {} })
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`)
    await admin.unsafe(`create database ${name}`)
  } finally {
    await admin.end({ timeout: 5 })
  }
  const url = databaseUrl(name)
  await runMigrations(url)
  return {
    name,
    url,
    async drop() {
      const sql = postgres(BENCH_ADMIN_URL, { max: 1, onnotice: () => {} })
      try {
        await sql.unsafe(`drop database if exists ${name} with (force)`)
      } finally {
        await sql.end({ timeout: 5 })
      }
    },
  }
}

/** A pool on the bench database as its owner (RLS does not apply): for seeding only. */
export function connectOwner(url: string, max = 4): DatabaseHandle {
  return connectDatabase(url, { max })
}

export async function serverVersion(url: string): Promise<string> {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    const [row] = await sql<{ server_version: string }[]>`show server_version`
    return row!.server_version
  } finally {
    await sql.end({ timeout: 5 })
  }
}

// ── seeding ──────────────────────────────────────────────────────────────────────────

export interface BenchTenant {
  organizationId: string
  clientId: string
  clientSecret: string
}

/** An organization and one API client, made the way `showrunner admin` makes them. */
export async function seedTenant(
  db: Database,
  opts: { kind?: 'mcn' | 'provider' | 'platform'; name?: string; scopes?: Scope[] } = {},
): Promise<BenchTenant> {
  const org = await createOrganization(db, {
    kind: opts.kind ?? 'mcn',
    name: opts.name ?? `Bench MCN ${randomBytes(3).toString('hex')}`,
  })
  const { client, client_secret } = await createClient(db, {
    organizationId: org.id,
    name: 'bench client',
    scopes: opts.scopes,
  })
  return { organizationId: org.id, clientId: client.id, clientSecret: client_secret }
}

/** `count` rows in `events` for the tenant, inserted directly as the owner; returns their ids. */
export async function seedEvents(db: Database, tenantId: string, count: number): Promise<string[]> {
  const ids: string[] = []
  const types = [
    'order.created',
    'order.paid',
    'refund.requested',
    'refund.completed',
    'session.started',
    'session.ended',
  ]
  for (let offset = 0; offset < count; offset += 1000) {
    const batch = Array.from({ length: Math.min(1000, count - offset) }, (_, i) => {
      const n = offset + i
      const id = newId('event')
      ids.push(id)
      const type = types[n % types.length]!
      const resourceType = type.split('.')[0]!
      return {
        tenantId,
        id,
        type,
        resourceType,
        resourceId: `${resourceType.slice(0, 3)}_bench${String(n).padStart(6, '0')}`,
        resourceVersion: 1 + (n % 3),
        data: {
          amount: { amount: 1000 + n, currency: 'CNY' },
          anchor_id: `anc_bench${n % 50}`,
          session_id: `ses_bench${n % 200}`,
          items: [{ sku: `sku_${n % 97}`, quantity: 1 + (n % 4) }],
        },
        requestId: `req_bench_${n}`,
      }
    })
    await db.insert(events).values(batch)
  }
  return ids
}

/** POST /oauth/token with client_secret_post over real HTTP. */
export async function fetchToken(
  baseUrl: string,
  tenant: Pick<BenchTenant, 'clientId' | 'clientSecret'>,
  scope?: string,
): Promise<string> {
  const res = await fetch(`${baseUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: tenant.clientId,
      client_secret: tenant.clientSecret,
      ...(scope ? { scope } : {}),
    }),
  })
  const body = await res.text()
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${body}`)
  return (JSON.parse(body) as { access_token: string }).access_token
}

// ── the app ──────────────────────────────────────────────────────────────────────────

/** The app's configuration for a bench: silent, loopback, limiter on but never tripping. */
export function benchAppConfig(databaseUrl: string, env: Record<string, string | undefined> = {}): Config {
  return loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    REDIS_URL: BENCH_REDIS_URL,
    QUEUE_PREFIX: `bench_${randomBytes(4).toString('hex')}`,
    PUBLIC_URL: 'http://showrunner.bench',
    RATE_LIMIT_MAX: String(1_000_000_000),
    ...env,
  })
}

export interface RunningApp {
  app: FastifyInstance
  runtime: Runtime
  config: Config
  /** http://127.0.0.1:<port> */
  url: string
  close(): Promise<void>
}

/**
 * The real app (buildApp on startRuntime) listening on 127.0.0.1 and a free port, with
 * bench-only `plugins` registered before listen. In this process: use it for seeding
 * through services, or from a child entry (bench/app-server.ts) for measuring.
 */
export async function startShowrunner(opts: {
  databaseUrl: string
  env?: Record<string, string | undefined>
  plugins?: { plugin: FastifyPluginAsync<any>; options?: unknown }[]
}): Promise<RunningApp> {
  const config = benchAppConfig(opts.databaseUrl, opts.env)
  const log = pino({ level: config.LOG_LEVEL })
  const runtime = await startRuntime(config, log, { migrate: false })
  let app: FastifyInstance | undefined
  try {
    app = await buildApp({ config, database: runtime.database, queues: runtime.queues, logger: log })
    for (const p of opts.plugins ?? []) await app.register(p.plugin, (p.options ?? {}) as object)
    await app.listen({ host: '127.0.0.1', port: 0 })
  } catch (err) {
    await app?.close().catch(() => {})
    await runtime.close().catch(() => {})
    throw err
  }
  const address = app.server.address()
  if (!address || typeof address === 'string') throw new Error('app is not listening on TCP')
  const running = app
  return {
    app: running,
    runtime,
    config,
    url: `http://127.0.0.1:${address.port}`,
    async close() {
      await running.close()
      await runtime.close()
    },
  }
}

// ── child processes ──────────────────────────────────────────────────────────────────

export interface ChildServer {
  url: string
  pid: number
  /** Whatever else the child put in its ready message. */
  info: Record<string, unknown>
  stop(): Promise<void>
}

const children = new Set<ChildProcess>()

/**
 * Forks `script` (a .ts file, run through the same tsx loader as this process) and waits
 * for its `childReady()` message. The child exits when told to, on SIGTERM, or when this
 * process goes away (IPC disconnect), so no server outlives a bench.
 */
export async function startChild(
  script: string,
  env: Record<string, string> = {},
  opts: { readyTimeoutMs?: number } = {},
): Promise<ChildServer> {
  const child = fork(path.resolve(BENCH_DIR, script), [], {
    env: { ...process.env, ...env },
    // Inherit tsx's loader from this process (`tsx bench/x.ts` puts it in execArgv);
    // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of each server (open in Chrome DevTools).
    execArgv: [
      ...process.execArgv,
      ...(process.env.BENCH_CPU_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`]
        : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  children.add(child)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  void exited.then(() => children.delete(child))

  const ready = await new Promise<{ url: string } & Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script} was not ready after ${opts.readyTimeoutMs ?? 30000} ms`)),
      opts.readyTimeoutMs ?? 30000,
    )
    child.on('message', (m: { type?: string; url?: string; error?: string }) => {
      if (m?.type === 'ready' && m.url) {
        clearTimeout(timer)
        resolve(m as { url: string })
      } else if (m?.type === 'failed') {
        clearTimeout(timer)
        reject(new Error(`${script} failed to start: ${m.error}`))
      }
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`${script} exited before it was ready (code ${code}, signal ${signal})`))
    })
  }).catch(async (err) => {
    await stopChild(child, exited)
    throw err
  })
  const { type: _type, url, ...info } = ready
  return { url, pid: child.pid!, info, stop: () => stopChild(child, exited) }
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  if (child.connected) child.send({ type: 'stop' })
  else child.kill('SIGTERM')
  const timedOut = await Promise.race([exited.then(() => false), delay(10_000).then(() => true)])
  if (timedOut) {
    child.kill('SIGKILL')
    await exited
  }
}

/**
 * In a bench's main process: on Ctrl-C or SIGTERM stop the load, run `cleanup` (children,
 * pools, the database) and exit 130.
 */
export function onInterrupt(cleanup: () => Promise<void>): void {
  let interrupted = false
  const handler = () => {
    if (interrupted) process.exit(130)
    interrupted = true
    process.stderr.write('\ninterrupted: stopping servers and dropping the bench database\n')
    for (const i of activeLoads) i.stop()
    void cleanup()
      .catch((err) => console.error(err))
      .finally(() => process.exit(130))
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
}

/** Stops every child still running (for error paths and signals). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all(
    [...children].map((c) =>
      stopChild(
        c,
        new Promise((r) =>
          c.exitCode !== null || c.signalCode !== null ? r(undefined) : c.once('exit', () => r(undefined)),
        ),
      ),
    ),
  )
}

/**
 * In a child entry: run `close` and exit when the parent says stop, on SIGTERM/SIGINT,
 * or when the parent disappears.
 */
export function onStop(close: () => Promise<void>): void {
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    const force = setTimeout(() => process.exit(1), 8000)
    force.unref()
    try {
      await close()
    } finally {
      process.exit(0)
    }
  }
  process.on('message', (m: { type?: string }) => {
    if (m?.type === 'stop') void stop()
  })
  process.on('disconnect', () => void stop())
  process.on('SIGTERM', () => void stop())
  process.on('SIGINT', () => void stop())
}

/** In a child entry: tell the parent where to send traffic. */
export function childReady(url: string, info: Record<string, unknown> = {}): void {
  if (!process.send) throw new Error('not started by startChild()')
  process.send({ type: 'ready', url, ...info })
}

/** In a child entry: report a start failure and exit. */
export function childFailed(err: unknown): void {
  const error = err instanceof Error ? (err.stack ?? err.message) : String(err)
  if (process.send) process.send({ type: 'failed', error }, () => process.exit(1))
  else {
    console.error(error)
    process.exit(1)
  }
}

/** Encodes what a child entry needs (it reads it back with `childInput()`). */
const CHILD_INPUT = 'BENCH_CHILD_INPUT'
export function childInput<T>(): T {
  const raw = process.env[CHILD_INPUT]
  if (!raw) throw new Error(`${CHILD_INPUT} is not set; start this file with startChild()`)
  return JSON.parse(raw) as T
}

export interface AppChildInput {
  databaseUrl: string
  /** Extra app environment (DB_POOL_MAX, RATE_LIMIT_MAX, …) over benchAppConfig's. */
  env?: Record<string, string>
  /** Bench-only Fastify plugins, as module paths relative to bench/ with a default export, registered before listen. */
  plugins?: { module: string; options?: unknown }[]
}

/** The real app as a child process (bench/app-server.ts). */
export function startAppChild(input: AppChildInput): Promise<ChildServer> {
  return startChild('app-server.ts', { [CHILD_INPUT]: JSON.stringify(input) })
}

/** Any other child entry, with its input as JSON. */
export function startChildWith(script: string, input: unknown): Promise<ChildServer> {
  return startChild(script, { [CHILD_INPUT]: JSON.stringify(input) })
}

// ── load ─────────────────────────────────────────────────────────────────────────────

export interface Figures {
  name: string
  url: string
  /** Mean requests per second over the measured window. */
  rps: number
  requests: number
  latencyMs: { mean: number; p50: number; p90: number; p97_5: number; p99: number; max: number }
  /** Connection errors and timeouts. */
  errors: number
  timeouts: number
  non2xx: number
  durationS: number
  connections: number
  pipelining: number
  /** CPU use during the measured run (Linux only). */
  cpu?: CpuShares
}

export interface Target {
  name: string
  /** Base URL of the server, e.g. http://127.0.0.1:1234 */
  url: string
  /** One path, or several visited round-robin (one per request, across all connections). */
  paths: string | string[]
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  headers?: Record<string, string>
  body?: string
}

const activeLoads = new Set<autocannon.Instance>()

function runOnce(target: Target, load: LoadOptions, seconds: number): Promise<autocannon.Result> {
  const paths = Array.isArray(target.paths) ? target.paths : [target.paths]
  let next = 0
  const request: autocannon.Request =
    paths.length === 1
      ? { method: target.method ?? 'GET', path: paths[0]!, headers: target.headers, body: target.body }
      : {
          method: target.method ?? 'GET',
          headers: target.headers,
          body: target.body,
          setupRequest: (req) => {
            req.path = paths[next]!
            next = (next + 1) % paths.length
            return req
          },
        }
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: target.url,
        connections: load.connections,
        pipelining: load.pipelining,
        duration: seconds,
        requests: [request],
        timeout: 10,
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    )
    activeLoads.add(instance)
    instance.once('done', () => activeLoads.delete(instance))
  })
}

export interface MeasureOptions {
  /** The server under test, for CPU accounting. */
  serverPid?: number
  /** The bench database: its backends count as the server's database time, not as other load. */
  database?: string
  /**
   * Measure again, up to this many times, while other processes used more than
   * CONTENDED_PCT % of a CPU; the least disturbed measurement is kept. Default 0.
   */
  retries?: number
  /** Told about each retry. */
  onRetry?: (attempt: number, previous: Figures) => void
}

/** Other processes above this share of one CPU make a measurement suspect. */
export const CONTENDED_PCT = 15

/**
 * A warm-up run (discarded) then the measured run; traffic goes to `target.url` only.
 * On Linux, CPU use during the measured run is split between the server, its database
 * backends and Redis, this process (autocannon), and everything else; `other` well above
 * zero means something else on the machine competed and the figures are suspect.
 */
export async function measure(target: Target, load: LoadOptions, opts: MeasureOptions = {}): Promise<Figures> {
  let best = await measureOnce(target, load, opts)
  for (let attempt = 1; attempt <= (opts.retries ?? 0) && (best.cpu?.other ?? 0) > CONTENDED_PCT; attempt++) {
    opts.onRetry?.(attempt, best)
    const next = await measureOnce(target, load, opts)
    if ((next.cpu?.other ?? 0) < (best.cpu?.other ?? 0)) best = next
  }
  return best
}

async function measureOnce(target: Target, load: LoadOptions, opts: MeasureOptions): Promise<Figures> {
  const u = new URL(target.url)
  if (u.hostname !== '127.0.0.1' && u.hostname !== 'localhost' && u.hostname !== '::1')
    throw new Error(`benches only send traffic to loopback, not ${u.hostname}`)
  if (load.warmup > 0) await runOnce(target, load, load.warmup)
  // Pool connections exist after the warm-up, so the backends can be listed now.
  const backends = opts.database ? await backendPids(opts.database) : []
  const before = await cpuSnapshot(opts.serverPid, backends)
  const r = await runOnce(target, load, load.duration)
  const after = await cpuSnapshot(opts.serverPid, backends)
  const round = (n: number) => Math.round(n * 100) / 100
  return {
    name: target.name,
    url: target.url,
    rps: round(r.requests.mean),
    requests: r.requests.total,
    latencyMs: {
      mean: round(r.latency.mean),
      p50: r.latency.p50,
      p90: r.latency.p90,
      p97_5: r.latency.p97_5,
      p99: r.latency.p99,
      max: r.latency.max,
    },
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    durationS: r.duration,
    connections: r.connections,
    pipelining: r.pipelining,
    ...(before && after ? { cpu: cpuShares(before, after, r.requests.total) } : {}),
  }
}

// ── CPU accounting (Linux /proc; elsewhere figures simply have no `cpu`) ─────────────

interface CpuSnapshot {
  at: number
  /** Busy jiffies over all CPUs (everything but idle and iowait). */
  busy: number
  /** irq + softirq jiffies and kernel threads' time: mostly loopback networking for our own traffic. */
  kernel: number
  server: number
  database: number
  self: number
  /** Every other user-space process: pid → command and ticks. */
  others: Map<number, { command: string; ticks: number }>
}

/** Percent of one CPU, averaged over the measured run. */
export interface CpuShares {
  server: number
  /** The bench database's PostgreSQL backends and redis-server. */
  database: number
  autocannon: number
  /** Interrupts and kernel threads (network stack, writeback). */
  kernel: number
  /** Every other process: well above zero means the machine was not quiet. */
  other: number
  /** The busiest of those other processes. */
  otherTop: { pid: number; command: string; pct: number }[]
  /** All CPUs busy, as percent of one CPU (max = 100 × CPUs). */
  total: number
  /**
   * CPU time per request in microseconds: the server process, and its database backends
   * plus Redis. Less sensitive to a busy machine than req/s.
   */
  perRequestUs: { server: number; database: number }
}

const HZ = 100
const PF_KTHREAD = 0x00200000

async function cpuSnapshot(serverPid: number | undefined, backends: number[]): Promise<CpuSnapshot | undefined> {
  if (os.platform() !== 'linux') return undefined
  try {
    const line = (await fs.readFile('/proc/stat', 'utf8')).split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
    // user nice system idle iowait irq softirq steal …
    const busy = line.reduce((a, b, i) => (i === 3 || i === 4 ? a : a + b), 0)
    const snap: CpuSnapshot = {
      at: performance.now(),
      busy,
      kernel: (line[5] ?? 0) + (line[6] ?? 0),
      server: 0,
      database: 0,
      self: 0,
      others: new Map(),
    }
    const db = new Set(backends)
    for (const d of await fs.readdir('/proc')) {
      if (!/^\d+$/.test(d)) continue
      const stat = await fs.readFile(`/proc/${d}/stat`, 'utf8').catch(() => '')
      if (!stat) continue
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const ticks = Number(f[11]) + Number(f[12])
      const pid = Number(d)
      if (pid === serverPid) snap.server += ticks
      else if (pid === process.pid) snap.self += ticks
      else if (db.has(pid) || comm === 'redis-server') snap.database += ticks
      else if (Number(f[6]) & PF_KTHREAD) snap.kernel += ticks
      else snap.others.set(pid, { command: comm, ticks })
    }
    return snap
  } catch {
    return undefined
  }
}

function cpuShares(a: CpuSnapshot, b: CpuSnapshot, requests: number): CpuShares {
  const seconds = (b.at - a.at) / 1000
  const pct = (ticks: number) => Math.round((ticks / HZ / seconds) * 100)
  const server = pct(b.server - a.server)
  const database = pct(b.database - a.database)
  const autocannon = pct(b.self - a.self)
  const kernel = pct(b.kernel - a.kernel)
  const total = pct(b.busy - a.busy)
  const perRequest = (ticks: number) => (requests > 0 ? Math.round(((ticks / HZ) * 1e6) / requests) : 0)
  const otherTop = [...b.others]
    .map(([pid, p]) => ({ pid, command: p.command, pct: pct(p.ticks - (a.others.get(pid)?.ticks ?? 0)) }))
    .filter((p) => p.pct >= 5)
    .sort((x, y) => y.pct - x.pct)
    .slice(0, 3)
  return {
    server,
    database,
    autocannon,
    kernel,
    other: Math.max(0, total - server - database - autocannon - kernel),
    otherTop,
    total,
    perRequestUs: { server: perRequest(b.server - a.server), database: perRequest(b.database - a.database) },
  }
}

/** PostgreSQL backend pids connected to `database` (needs the admin connection's rights). */
export async function backendPids(database: string): Promise<number[]> {
  const sql = postgres(BENCH_ADMIN_URL, { max: 1, onnotice: () => {} })
  try {
    const rows = await sql<
      { pid: number }[]
    >`select pid from pg_stat_activity where datname = ${database} and pid <> pg_backend_pid()`
    return rows.map((r) => r.pid)
  } catch {
    return []
  } finally {
    await sql.end({ timeout: 5 })
  }
}

// ── reporting ────────────────────────────────────────────────────────────────────────

export function machineInfo() {
  const cpus = os.cpus()
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    arch: os.arch(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
  }
}

/** A fixed-width table; numbers right-aligned. */
export function formatTable(header: string[], rows: (string | number)[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? formatNumber(c) : c)))]
  const widths = header.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)))
  const line = (r: (string | number)[]) =>
    r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]!) : String(c).padStart(widths[i]!))).join('  ')
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n')
}

export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return String(n)
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)
}

/** The usual columns for a set of measured targets. */
export function figuresTable(figures: Figures[]): string {
  const cpu = figures.some((f) => f.cpu)
  return formatTable(
    [
      'target',
      'req/s',
      'p50 ms',
      'p97.5 ms',
      'p99 ms',
      'mean ms',
      'errors',
      'non-2xx',
      ...(cpu ? ['cpu µs/req srv+db', 'cpu % srv/db/ac/kern/other'] : []),
    ],
    figures.map((f) => [
      f.name,
      Math.round(f.rps),
      f.latencyMs.p50,
      f.latencyMs.p97_5,
      f.latencyMs.p99,
      f.latencyMs.mean,
      f.errors + f.timeouts,
      f.non2xx,
      ...(cpu
        ? f.cpu
          ? [
              `${f.cpu.perRequestUs.server}+${f.cpu.perRequestUs.database}`,
              `${f.cpu.server}/${f.cpu.database}/${f.cpu.autocannon}/${f.cpu.kernel}/${f.cpu.other}`,
            ]
          : ['-', '-']
        : []),
    ]),
  )
}

/** Targets during which other processes used more than `threshold` % of a CPU. */
export function contended(figures: Figures[], threshold = CONTENDED_PCT): Figures[] {
  return figures.filter((f) => (f.cpu?.other ?? 0) > threshold)
}

export async function writeJson(file: string, data: unknown): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true })
  await fs.writeFile(file, `${JSON.stringify(data, null, 2)}\n`)
}

export async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T
  } catch {
    return undefined
  }
}

export const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
