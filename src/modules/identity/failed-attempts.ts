import type { Redis } from 'ioredis'

/** Failures a client id may have in one window before its wrong secrets answer 429. */
export const FAILED_ATTEMPTS_MAX = 10
export const FAILED_ATTEMPTS_WINDOW_MS = 60_000

// One round trip: count the failure, start the window on the first, and say when it ends.
const COUNT_FAILURE = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return { n, redis.call('PTTL', KEYS[1]) }`

/**
 * Failed client authentications per client id, in a fixed window, counted in Redis so the
 * limit holds across processes (in this process only when there is no Redis, or while it
 * is away: the limit then holds per process rather than not at all).
 */
export class FailedAttempts {
  private readonly local = new Map<string, { count: number; resetAt: number }>()

  constructor(
    private readonly redis: Redis | undefined,
    private readonly prefix: string,
    private readonly max = FAILED_ATTEMPTS_MAX,
    private readonly windowMs = FAILED_ATTEMPTS_WINDOW_MS,
  ) {}

  /** Seconds until the client may try again, once it has used up its failures in this window. */
  async retryAfter(clientId: string): Promise<number | undefined> {
    if (this.redis?.status === 'ready') {
      try {
        const [count, ttl] = await this.redis
          .multi()
          .get(this.key(clientId))
          .pttl(this.key(clientId))
          .exec()
          .then((replies) =>
            replies!.map(([err, value]) => {
              if (err) throw err
              return value
            }),
          )
        return Number(count ?? 0) >= this.max ? seconds(Number(ttl)) : undefined
      } catch {
        // Redis went away between the status check and the reply: count here meanwhile.
      }
    }
    const entry = this.localEntry(clientId)
    return entry && entry.count >= this.max ? seconds(entry.resetAt - Date.now()) : undefined
  }

  /** Counts one failure; the seconds to wait when this one took the client over the limit. */
  async record(clientId: string): Promise<number | undefined> {
    if (this.redis?.status === 'ready') {
      try {
        const [count, ttl] = (await this.redis.eval(COUNT_FAILURE, 1, this.key(clientId), this.windowMs)) as [
          number,
          number,
        ]
        return count > this.max ? seconds(ttl) : undefined
      } catch {
        // As above: fall through to the local count.
      }
    }
    const now = Date.now()
    let entry = this.localEntry(clientId)
    if (!entry) {
      entry = { count: 0, resetAt: now + this.windowMs }
      this.local.set(clientId, entry)
      this.prune(now)
    }
    entry.count += 1
    return entry.count > this.max ? seconds(entry.resetAt - now) : undefined
  }

  private key(clientId: string) {
    return `${this.prefix}${clientId}`
  }

  private localEntry(clientId: string) {
    const entry = this.local.get(clientId)
    if (entry && entry.resetAt <= Date.now()) {
      this.local.delete(clientId)
      return undefined
    }
    return entry
  }

  /** Bounded memory under a flood of client ids: expired windows go when new ones start. */
  private prune(now: number) {
    if (this.local.size < 10_000) return
    for (const [id, entry] of this.local) if (entry.resetAt <= now) this.local.delete(id)
  }
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000))
