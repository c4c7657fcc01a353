import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import type postgres from 'postgres'
import type { Database } from '../../db/client.js'
import type { OrgKind } from '../../lib/context.js'

/** The channel the migration's triggers notify on revoke, uninstall and scope or kind changes. */
export const REVOCATION_CHANNEL = 'showrunner_revocations'
/** How often each process proves to itself that its listener still hears the channel. */
export const HEARTBEAT_MS = 100
/**
 * The cache is used only while the listener heard one of this process's own heartbeats sent
 * at most this long ago; otherwise every request queries. This is the revocation bound: a
 * change committed at T is seen by every request that starts after T + TRUST_MS, on every
 * process (see `usable()`). The promise to clients is 1 s; this leaves room for clock jitter.
 */
export const TRUST_MS = 500
const MAX_ENTRIES = 10_000

/** What the revocation check needs to know about a token's client, organization and installation. */
export interface CurrentGrant {
  revoked: boolean
  kind: OrgKind
  /** What the installation holds now; null for a client acting in its own tenant. */
  granted: string[] | null
}

export interface GrantKey {
  clientId: string
  tenantId: string
  installationId?: string
}

// Per app (keyed by its drizzle handle): the services forget at once what their own process changed.
const byDatabase = new WeakMap<Database, RevocationCache>()

const entryId = (key: GrantKey) => `${key.clientId} ${key.tenantId} ${key.installationId ?? ''}`

/**
 * Called by the identity services after a commit that revokes or narrows access, so the
 * process that made the change refuses at once rather than when its notification returns.
 */
export function forgetGrants(db: Database): void {
  byDatabase.get(db)?.forget()
}

/**
 * A per-process cache of `CurrentGrant`s, invalidated by PostgreSQL LISTEN/NOTIFY.
 *
 * Why it is safe: PostgreSQL delivers notifications in commit order. Each process notifies a
 * heartbeat of its own every HEARTBEAT_MS, noting when it sent it; when the listener hears it,
 * every change committed before that moment has been heard, and has cleared the cache. So
 * `confirmedAt` (the send time of the newest heartbeat heard) is a moment up to which the
 * cache is known complete. A listener connection can die without a word (a half-open TCP
 * connection): its heartbeats stop arriving, `confirmedAt` ages past TRUST_MS, and requests
 * fall back to querying until the listener is heard again. A reconnect (postgres.js listens
 * again by itself) or a recovery from such a gap clears the cache: notifications may have
 * been lost meanwhile.
 *
 * A lookup that started before a clear is not stored (`generation`), so a row read just
 * before a revocation committed cannot be cached after the notification cleared the cache.
 */
/** How soon a listener that could not connect tries again. */
const LISTEN_RETRY_MS = 1000

export class RevocationCache {
  private readonly entries = new Map<string, CurrentGrant>()
  private generation = 0
  private confirmedAt = Number.NEGATIVE_INFINITY
  private readonly instance = randomBytes(6).toString('hex')
  private sequence = 0
  private readonly sent = new Map<number, number>()
  private heartbeat?: NodeJS.Timeout
  private unlisten?: () => Promise<void>
  private retry?: NodeJS.Timeout
  private stopped = false
  private readonly statement: (key: GrantKey) => Promise<CurrentGrant | undefined>

  constructor(
    private readonly sql: postgres.Sql,
    db: Database,
  ) {
    byDatabase.set(db, this)
    // A prepared statement (postgres.js caches it per connection): it runs whenever the cache cannot answer.
    this.statement = async ({ clientId, tenantId, installationId }) => {
      const [row] = await sql<{ revoked: boolean; kind: OrgKind; granted: string[] | null }[]>`
        select c.revoked_at is not null
            or (${installationId ?? null}::text is not null and i.id is null) as revoked,
               o.kind, i.granted_scopes as granted
        from api_clients c join organizations o on o.id = c.organization_id
        left join installations i on i.id = ${installationId ?? null} and i.tenant_id = ${tenantId} and i.revoked_at is null
        where c.id = ${clientId}`
      return row ? { revoked: row.revoked, kind: row.kind, granted: row.granted } : undefined
    }
  }

  /**
   * Not awaited by the app: until the listener hears its own heartbeat the cache is not trusted
   * and every lookup queries, so a database that is not reachable yet (or never, as when the
   * OpenAPI document is generated) costs queries, never a wrong answer or a failed boot.
   */
  start(): void {
    this.stopped = false
    this.listen()
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_MS)
    this.heartbeat.unref()
    this.beat()
  }

  private listen(): void {
    this.sql
      .listen(
        REVOCATION_CHANNEL,
        (payload) => this.heard(payload),
        // Also after every reconnect: whatever was notified while the connection was down is lost.
        () => this.reset(),
      )
      .then(
        (listening) => {
          if (this.stopped) listening.unlisten().catch(() => {})
          else this.unlisten = listening.unlisten
        },
        () => {
          if (this.stopped) return
          this.retry = setTimeout(() => this.listen(), LISTEN_RETRY_MS)
          this.retry.unref()
        },
      )
  }

  /** Not awaited: on a connection that went silent UNLISTEN never answers; closing the pool ends it. */
  stop(): void {
    this.stopped = true
    clearInterval(this.heartbeat)
    clearTimeout(this.retry)
    this.heartbeat = undefined
    this.unlisten?.().catch(() => {})
  }

  /** The grant as of at most TRUST_MS ago; undefined when the client does not exist. */
  async current(key: GrantKey): Promise<CurrentGrant | undefined> {
    const hit = this.cached(key)
    if (hit) return hit
    const id = entryId(key)
    const generation = this.generation
    const grant = await this.statement(key)
    if (grant && generation === this.generation && this.usable()) {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!)
      this.entries.set(id, grant)
    }
    return grant
  }

  /** `current` when the cache can answer it, without a promise; undefined when it would read. */
  cached(key: GrantKey): CurrentGrant | undefined {
    return this.usable() ? this.entries.get(entryId(key)) : undefined
  }

  /** Drops every entry; lookups in flight are not stored. */
  forget(): void {
    this.entries.clear()
    this.generation += 1
  }

  private usable(): boolean {
    return performance.now() - this.confirmedAt <= TRUST_MS
  }

  private reset(): void {
    this.forget()
    this.confirmedAt = Number.NEGATIVE_INFINITY
  }

  private beat(): void {
    const now = performance.now()
    // Heartbeats that never came back are of no use once older than the trust window.
    for (const [seq, at] of this.sent) if (now - at > TRUST_MS) this.sent.delete(seq)
    const seq = ++this.sequence
    this.sent.set(seq, now)
    this.sql.notify(REVOCATION_CHANNEL, `heartbeat:${this.instance}:${seq}`).catch(() => {
      // The pool is down or closing: no heartbeat comes back, so the cache stops being used.
    })
  }

  private heard(payload: string): void {
    if (!payload.startsWith('heartbeat:')) {
      // Changes are rare: dropping everything is simpler than tracking which tokens a row affects.
      this.forget()
      return
    }
    const [, instance, seq] = payload.split(':')
    if (instance !== this.instance) return
    const sentAt = this.sent.get(Number(seq))
    if (sentAt === undefined) return
    for (const s of this.sent.keys()) if (s <= Number(seq)) this.sent.delete(s)
    // Back from a silence: a silent reconnect cannot be told from a slow one, so start afresh.
    if (!this.usable()) this.forget()
    this.confirmedAt = Math.max(this.confirmedAt, sentAt)
  }
}
