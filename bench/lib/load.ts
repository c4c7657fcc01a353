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

function loopbackOnly(target: Target) {
  const u = new URL(target.url)
  if (u.hostname !== '127.0.0.1' && u.hostname !== 'localhost' && u.hostname !== '::1')
    throw new Error(`benches only send traffic to loopback, not ${u.hostname}`)
}

async function measureOnce(target: Target, load: LoadOptions, opts: MeasureOptions): Promise<Figures> {
  loopbackOnly(target)
  if (load.warmup > 0) await runOnce(target, load, load.warmup)
  // Pool connections exist after the warm-up, so the backends can be listed now.
  const backends = opts.database ? await backendPids(opts.database) : []
  return measuredRun(target, load, load.duration, opts.serverPid, backends)
}

async function measuredRun(
  target: Target,
  load: LoadOptions,
  seconds: number,
  serverPid: number | undefined,
  backends: number[],
): Promise<Figures> {
  const before = await cpuSnapshot(serverPid, backends)
  const r = await runOnce(target, load, seconds)
  const after = await cpuSnapshot(serverPid, backends)
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

export interface InterleavedTarget extends Target {
  /** The server under test, for CPU accounting. */
  serverPid?: number
}

/**
 * Several targets measured in turns: each warmed up once, then `rounds` rounds in which every
 * target runs for `load.duration / rounds` seconds, one after the other. A machine whose speed
 * drifts (these do, by up to 1.6 × within minutes) then slows every target alike, so ratios
 * between targets hold where back-to-back runs of 10 s each do not. Each target's figures are
 * its rounds together: requests, req/s and CPU per request over all of them, the mean latency
 * weighted by requests, p50 the rounds' median, and p97.5, p99 and max the worst round's; the
 * rounds' own figures come back too, for ratios taken round by round (`medianOfRounds`).
 * Every server must be running; `database` names the one whose backends count as theirs.
 */
export async function measureInterleaved(
  targets: InterleavedTarget[],
  load: LoadOptions,
  rounds: number,
  database?: string,
): Promise<{ merged: Figures[]; rounds: Figures[][] }> {
  targets.forEach(loopbackOnly)
  if (load.warmup > 0) for (const target of targets) await runOnce(target, load, load.warmup)
  const backends = database ? await backendPids(database) : []
  const seconds = load.duration / rounds
  const measured: Figures[][] = targets.map(() => [])
  for (let round = 0; round < rounds; round++)
    for (const [i, target] of targets.entries())
      measured[i]!.push(await measuredRun(target, load, seconds, target.serverPid, backends))
  // Each round's req/s and CPU per request, so the spread behind the merged figures is seen.
  for (const runs of measured)
    process.stderr.write(
      `   ${runs[0]!.name}: ${runs.map((r) => `${Math.round(r.rps)}${r.cpu ? ` (${r.cpu.perRequestUs.server + r.cpu.perRequestUs.database} µs)` : ''}`).join(', ')}\n`,
    )
  return { merged: measured.map(mergeRounds), rounds: measured }
}

/** The median over rounds of `f` of the targets' figures in each round (see `measureInterleaved`). */
export function medianOfRounds(rounds: Figures[][], f: (inRound: Figures[]) => number): number {
  return median(rounds[0]!.map((_, round) => f(rounds.map((runs) => runs[round]!))))
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

function mergeRounds(runs: Figures[]): Figures {
  const first = runs[0]!
  const sum = (f: (r: Figures) => number) => runs.reduce((a, r) => a + f(r), 0)
  const requests = sum((r) => r.requests)
  const durationS = sum((r) => r.durationS)
  const worst = (f: (r: Figures) => number) => Math.max(...runs.map(f))
  const round = (n: number) => Math.round(n * 100) / 100
  const cpus = runs.map((r) => r.cpu)
  let cpu: CpuShares | undefined
  if (cpus.every((c): c is CpuShares => c !== undefined)) {
    // Shares of a CPU weigh each round by its length; CPU per request by its requests.
    const share = (f: (c: CpuShares) => number) =>
      Math.round(runs.reduce((a, r, i) => a + f(cpus[i]!) * r.durationS, 0) / durationS)
    const perRequest = (f: (c: CpuShares) => number) =>
      requests > 0 ? Math.round(runs.reduce((a, r, i) => a + f(cpus[i]!) * r.requests, 0) / requests) : 0
    const busiest = cpus.reduce((a, c) => (c.other > a.other ? c : a))
    cpu = {
      server: share((c) => c.server),
      database: share((c) => c.database),
      autocannon: share((c) => c.autocannon),
      kernel: share((c) => c.kernel),
      other: share((c) => c.other),
      otherTop: busiest.otherTop,
      total: share((c) => c.total),
      perRequestUs: {
        server: perRequest((c) => c.perRequestUs.server),
        database: perRequest((c) => c.perRequestUs.database),
      },
    }
  }
  return {
    name: first.name,
    url: first.url,
    rps: round(requests / durationS),
    requests,
    latencyMs: {
      mean: round(requests > 0 ? sum((r) => r.latencyMs.mean * r.requests) / requests : 0),
      p50: median(runs.map((r) => r.latencyMs.p50)),
      p90: worst((r) => r.latencyMs.p90),
      p97_5: worst((r) => r.latencyMs.p97_5),
      p99: worst((r) => r.latencyMs.p99),
      max: worst((r) => r.latencyMs.max),
    },
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    non2xx: sum((r) => r.non2xx),
    durationS,
    connections: first.connections,
    pipelining: first.pipelining,
    ...(cpu ? { cpu } : {}),
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
