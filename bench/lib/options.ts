/** Command-line flags and BENCH_* environment variables. */
import { parseArgs } from 'node:util'

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
