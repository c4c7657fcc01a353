import type { Database } from '../../db/client.js'

/**
 * Recommendation results, cached in the process and validated on every request.
 *
 * An entry is found by what was asked (tenant, anchor, limit, category, pool) and served only
 * when its stamp — the tenant's selection version (its number of committed changes) and, for
 * pools shared with the tenant, each owner's version and the pools granted — equals the stamp
 * the request has just read in its own transaction. Every write that can change a
 * recommendation logs a change in the same transaction (state.ts), so an entry is never served once the data it was computed
 * from has changed, whichever process made the change. Entries also expire after
 * `maxAgeMs`, and the cache is bounded by entries and by recommended items held.
 */
export interface CacheOptions {
  enabled: boolean
  maxEntries: number
  /** Bound on the recommendations held over all entries (a list of 20 counts 20). */
  maxItems: number
  maxAgeMs: number
}

export const defaultCacheOptions: CacheOptions = {
  enabled: true,
  maxEntries: 1000,
  maxItems: 20_000,
  maxAgeMs: 5 * 60_000,
}

interface Entry<V> {
  stamp: string
  value: V
  at: number
  weight: number
}

/** Least recently used first: a Map keeps insertion order, and a hit moves its key to the end. */
export class RecommendationCache<V> {
  private entries = new Map<string, Entry<V>>()
  private weight = 0
  /** Computations under way, by key and stamp: concurrent misses for the same answer share one. */
  private inflight = new Map<string, Promise<V>>()
  hits = 0
  misses = 0

  constructor(readonly options: CacheOptions) {}

  get size() {
    return this.entries.size
  }

  /** Whether an entry (at any stamp) or a computation is held for key: a lookup may hit. */
  holds(key: string): boolean {
    if (!this.options.enabled) return false
    if (this.entries.has(key)) return true
    for (const fk of this.inflight.keys()) if (fk.startsWith(`${key}\u0001`)) return true
    return false
  }

  get(key: string, stamp: string, now = Date.now()): V | undefined {
    const e = this.entries.get(key)
    if (!e || e.stamp !== stamp || now - e.at > this.options.maxAgeMs) return undefined
    this.entries.delete(key)
    this.entries.set(key, e)
    return e.value
  }

  set(key: string, stamp: string, value: V, weight: number, at = Date.now()): void {
    this.delete(key)
    if (weight > this.options.maxItems) return
    this.entries.set(key, { stamp, value, at, weight })
    this.weight += weight
    while (this.entries.size > this.options.maxEntries || this.weight > this.options.maxItems) {
      const oldest = this.entries.keys().next().value as string
      this.delete(oldest)
    }
  }

  delete(key: string): void {
    const e = this.entries.get(key)
    if (!e) return
    this.entries.delete(key)
    this.weight -= e.weight
  }

  clear(): void {
    this.entries.clear()
    this.weight = 0
  }

  /**
   * The value cached for key and stamp, or the computation of it already under way in this
   * process; undefined when neither (then compute it and `fill`).
   */
  lookup(key: string, stamp: string): V | Promise<V> | undefined {
    if (!this.options.enabled) return undefined
    const hit = this.get(key, stamp)
    if (hit !== undefined) {
      this.hits++
      return hit
    }
    const running = this.inflight.get(flightKey(key, stamp))
    if (running) return running
    this.misses++
    return undefined
  }

  /**
   * Runs `compute` and caches its result, frozen, under key and stamp; callers that ask for
   * the same key and stamp meanwhile share this computation instead of starting their own.
   * With the cache off the result is neither kept nor frozen.
   */
  fill(key: string, stamp: string, compute: () => Promise<V>, weigh: (v: V) => number): Promise<V> {
    if (!this.options.enabled) return compute()
    const fk = flightKey(key, stamp)
    const running = this.inflight.get(fk)
    if (running) return running
    // Stamped when computing starts: the data it reads is at least that new.
    const started = Date.now()
    const promise = compute().then(
      (value) => {
        this.inflight.delete(fk)
        // Frozen once it is shared, so no caller can change what later callers get.
        this.set(key, stamp, deepFreeze(value), weigh(value), started)
        return value
      },
      (err: unknown) => {
        this.inflight.delete(fk)
        throw err
      },
    )
    this.inflight.set(fk, promise)
    return promise
  }
}

const flightKey = (key: string, stamp: string) => `${key}\u0001${stamp}`

/**
 * One cache per database handle: apps (and test apps) on different databases never share
 * entries. `configure` sets an app's options (the selection routes do, from config); `get`
 * finds its cache, made with the defaults when none was configured.
 */
function perDatabase(defaults: CacheOptions) {
  const caches = new WeakMap<Database, RecommendationCache<unknown>>()
  const configure = (db: Database, options: Partial<CacheOptions>): RecommendationCache<unknown> => {
    const cache = new RecommendationCache<unknown>({ ...defaults, ...options })
    caches.set(db, cache)
    return cache
  }
  const get = <V>(db: Database) => (caches.get(db) ?? configure(db, {})) as RecommendationCache<V>
  return { configure, get }
}

const results = perDatabase(defaultCacheOptions)
export const configureRecommendationCache = results.configure
export const recommendationCache = results.get

/**
 * Candidate lists (candidates.ts): for a tenant and the pools in reach, the best products
 * overall and those of each category, as read from the selection index. Found and validated
 * exactly like results (the same stamp, read in the request's own transaction), so they never
 * outlive a committed change either; they are shared by every anchor with the same pools, so
 * a request that misses the result cache still skips reading them. Bounded by the candidates
 * held over all lists.
 */
export const defaultCandidateCacheOptions: CacheOptions = {
  enabled: true,
  maxEntries: 2000,
  maxItems: 40_000,
  maxAgeMs: 5 * 60_000,
}

const candidateLists = perDatabase(defaultCandidateCacheOptions)
export const configureCandidateCache = candidateLists.configure
export const candidateCache = candidateLists.get

/** Freezes a cached value so no caller can change what later callers get. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const v of Object.values(value)) deepFreeze(v)
  }
  return value
}
