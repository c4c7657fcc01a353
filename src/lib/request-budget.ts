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
 * it accepts at once and counts in the background (the counts of one turn of the event loop go
 * out as one pipeline, an INCRBY per key); beyond that a request waits for its own count, so a
 * slow Redis turns into backpressure, not overshoot.
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
/** The requests of one key and window counted by this process in the current turn of the event loop. */
interface Batch {
  redisKey: string
  state: WindowState
  taken: number
  /** The requests of this batch that wait for their count, by their position in it (0-based). */
  waiting?: { position: number; resolve: (count: number) => void }[]
}

export class RequestBudget {
  private readonly states = new Map<string, WindowState>()
  /** Counts not sent yet, by Redis key; sent together once per turn of the event loop. */
  private batches = new Map<string, Batch>()
  private flushing = false

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
    const batch = this.batchFor(key, window, state)
    const position = batch.taken
    batch.taken += 1
    if (state.inflight <= RATE_LIMIT_SLACK)
      return { allowed: true, remaining: Math.max(0, this.max - known - 1), resetSeconds }
    return new Promise<number>((resolve) => {
      batch.waiting ??= []
      batch.waiting.push({ position, resolve })
    }).then((count) => ({
      allowed: count <= this.max,
      remaining: Math.max(0, this.max - Math.max(count, state.confirmed + state.inflight)),
      resetSeconds,
    }))
  }

  private batchFor(key: string, window: number, state: WindowState): Batch {
    const redisKey = `${this.prefix}${key}:${window}`
    let batch = this.batches.get(redisKey)
    if (!batch) {
      batch = { redisKey, state, taken: 0 }
      this.batches.set(redisKey, batch)
    }
    if (!this.flushing) {
      this.flushing = true
      // After the current I/O phase, so the requests read together share one write to Redis.
      setImmediate(() => this.flush())
    }
    return batch
  }

  /**
   * One pipeline (one socket write) for every key counted this turn: `INCRBY` by the batch's
   * size, so Redis answers the count after the batch's last request; the batch's requests took
   * the counts just before it, in order, since no other process's increment can fall inside
   * one `INCRBY`. That keeps one process exact and the margin at SLACK per process.
   */
  private flush(): void {
    const batches = [...this.batches.values()]
    this.batches = new Map()
    this.flushing = false
    const pipeline = this.redis!.pipeline()
    for (const b of batches) pipeline.incrby(b.redisKey, b.taken).pexpire(b.redisKey, this.windowMs * 2)
    pipeline.exec().then(
      (replies) =>
        batches.forEach((b, i) => {
          const [err, count] = replies![2 * i]!
          if (err) this.settleLocally(b)
          else this.settle(b, Number(count))
        }),
      () => {
        for (const b of batches) this.settleLocally(b)
      },
    )
  }

  private settle(batch: Batch, count: number): void {
    const { state } = batch
    state.inflight -= batch.taken
    state.confirmed = Math.max(state.confirmed, count)
    for (const w of batch.waiting ?? []) w.resolve(count - batch.taken + w.position + 1)
  }

  /** Redis could not count: the requests are counted by this process alone. */
  private settleLocally(batch: Batch): void {
    const { state } = batch
    state.inflight -= batch.taken
    state.confirmed += batch.taken
    const after = state.confirmed + state.inflight
    for (const w of batch.waiting ?? []) w.resolve(after - batch.taken + w.position + 1)
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
