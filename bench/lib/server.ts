/**
 * The servers under test: the real app (in-process, or as a child process so the load
 * generator does not share its CPU), other child entries, and stopping all of them on
 * a signal.
 *
 * Every bench script is a plain `tsx bench/<name>.ts`; servers under test are children
 * started with `startChild()` and report readiness over IPC (`childReady()`), so the
 * parent can measure, stop them one at a time and exit by itself.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import type { FastifyInstance, FastifyPluginAsync } from 'fastify'
import { loadConfig, type Config } from '../../src/config.js'
import type { Runtime } from '../../src/runtime.js'
import { startApp } from '../../test/support/app.js'
import { stopActiveLoads } from './load.js'
import { BENCH_DIR } from './paths.js'

export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379'

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
  const started = await startApp(benchAppConfig(opts.databaseUrl, opts.env), {
    listen: true,
    beforeReady: async (app) => {
      for (const p of opts.plugins ?? []) await app.register(p.plugin, (p.options ?? {}) as object)
    },
  })
  return { ...started, url: started.url! }
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
    stopActiveLoads()
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

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
