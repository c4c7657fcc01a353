/** autocannon runs against a target, the figures of a measurement, and whether the machine was quiet. */
import autocannon from 'autocannon'
import { cpuShares, cpuSnapshot, type CpuShares } from './cpu.js'
import { backendPids } from './database.js'
import type { LoadOptions } from './options.js'

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

/** Targets during which other processes used more than `threshold` % of a CPU. */
export function contended(figures: Figures[], threshold = CONTENDED_PCT): Figures[] {
  return figures.filter((f) => (f.cpu?.other ?? 0) > threshold)
}

/** Stops every autocannon run still going (on a signal). */
export function stopActiveLoads(): void {
  for (const i of activeLoads) i.stop()
}
