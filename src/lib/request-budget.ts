import type { Redis } from 'ioredis'

/**
 * Requests a process may accept for one key before Redis has confirmed them: the margin by
 * which several processes together can exceed a limit (at most SLACK per process, see below).
 */
export const RATE_LIMIT_SLACK = 8

export interface Decision {
  allowed: boolean
  /** Requests left in the window after this one, as this process knows it. */
  remaining: number
  /** Seconds until the window ends. */
  resetSeconds: number
}

interface WindowState {
  window: number
  /** The highest count Redis has answered for this window (the local count without Redis). */
  confirmed: number
  /** Counted by this process, not yet answered by Redis. */
  inflight: number
}

/**
 * A fixed-window request budget per key, shared across processes through Redis without a
 * request waiting on Redis. Each process decides from what it knows: the latest count Redis
 * answered plus its own requests still in flight to Redis. While fewer than SLACK are in flight
 * it accepts at once and counts in the background (ioredis pipelines the INCRs); beyond that a
 * request waits for its own count, so a slow Redis turns into backpressure, not overshoot.
 *
 * The margin: a process over the limit accepts only requests it sent before its first reply
 * above the limit came back, all of them in flight at once, so at most SLACK. With P processes
 * at most L + P × SLACK requests are accepted per window, and at least L are before any is
 * refused (a refusal means Redis counted L). One process alone is exact.
 *
 * Redis unreachable: the count goes on locally, so each process still enforces L by itself.
 * Windows follow each process's wall clock; processes on different machines need their clocks
 * in sync (NTP) for their windows to line up.
 */
export class RequestBudget {
  private readonly states = new Map<string, WindowState>()

  constructor(
    private readonly redis: Redis | undefined,
    private readonly prefix: string,
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  take(key: string): Decision | Promise<Decision> {
    const now = Date.now()
    const window = Math.floor(now / this.windowMs)
    const resetSeconds = Math.max(1, Math.ceil(((window + 1) * this.windowMs - now) / 1000))
    const state = this.state(key, window)
    const known = state.confirmed + state.inflight
    if (known >= this.max) return { allowed: false, remaining: 0, resetSeconds }
    if (this.redis?.status !== 'ready') {
      state.confirmed += 1
      return { allowed: true, remaining: this.max - state.confirmed - state.inflight, resetSeconds }
    }
    state.inflight += 1
    const counted = this.count(key, window, state)
    if (state.inflight <= RATE_LIMIT_SLACK)
      return { allowed: true, remaining: Math.max(0, this.max - known - 1), resetSeconds }
    return counted.then((count) => ({
      allowed: count <= this.max,
      remaining: Math.max(0, this.max - Math.max(count, state.confirmed + state.inflight)),
      resetSeconds,
    }))
  }

  /** Counts one request in Redis; the count Redis answered (the local one if it could not). */
  private async count(key: string, window: number, state: WindowState): Promise<number> {
    const redisKey = `${this.prefix}${key}:${window}`
    try {
      const replies = await this.redis!.pipeline()
        .incr(redisKey)
        .pexpire(redisKey, this.windowMs * 2)
        .exec()
      const [err, count] = replies![0]!
      if (err) throw err
      state.inflight -= 1
      state.confirmed = Math.max(state.confirmed, Number(count))
      return Number(count)
    } catch {
      state.inflight -= 1
      state.confirmed += 1
      return state.confirmed + state.inflight
    }
  }

  private state(key: string, window: number): WindowState {
    let state = this.states.get(key)
    if (!state || state.window !== window) {
      // A reply still in flight for the old window updates the old object, not this one.
      state = { window, confirmed: 0, inflight: 0 }
      if (this.states.size >= 10_000) this.prune(window)
      this.states.set(key, state)
    }
    return state
  }

  private prune(window: number) {
    for (const [key, state] of this.states) if (state.window !== window) this.states.delete(key)
  }
}
