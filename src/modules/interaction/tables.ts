import { sql } from 'drizzle-orm'
import { bigint, check, foreignKey, index, integer, jsonb, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import { createdAt, tenantTable, versioned } from '../../db/tenant-table.js'
import { liveSessions } from '../scheduling/tables.js'

export const INTERACTION_TYPES = ['comment', 'like', 'join', 'leave', 'gift', 'share', 'question', 'follow'] as const
export type InteractionType = (typeof INTERACTION_TYPES)[number]

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/**
 * The durable inbox: an accepted batch is one multi-row insert here before the API answers 202,
 * so an accepted event survives any worker. `(session, event_id)` is the client's id, which makes
 * a re-sent batch a no-op; rows are kept after the move so that stays true for the dedupe window
 * (INTERACTION_INBOX_RETENTION_SECONDS), after which the purge job deletes them with their batch.
 * Whether a row was moved is its batch's state (`interaction_batches`), not a column of its own:
 * marking a thousand rows per move rewrote each row and its index entries, half the move's time.
 * The viewer is already a buyer id: the platform's reference is never stored.
 * `interaction_events` (partitioned by day, custom migration) is where the worker moves them.
 */
export const interactionInbox = tenantTable(
  'interaction_inbox',
  {
    sessionId: text('session_id').notNull(),
    batchId: text('batch_id').notNull(),
    eventId: text('event_id').notNull(),
    type: text('type', { enum: INTERACTION_TYPES }).notNull(),
    occurredAt: at('occurred_at').notNull(),
    buyerId: text('buyer_id').notNull(),
    data: jsonb('data').notNull(),
    receivedAt: at('received_at').notNull().defaultNow(),
  },
  // No foreign key to live_sessions: its check is a query and a key-share lock on the session row
  // for every one of a batch's thousand rows (a quarter of the insert's time). The batch's
  // transaction reads the session first (404 otherwise), and sessions are never deleted.
  (t) => [
    uniqueIndex('interaction_inbox_event_key').on(t.tenantId, t.sessionId, t.eventId),
    index('interaction_inbox_batch_idx').on(t.tenantId, t.batchId),
  ],
)

/**
 * One row per accepted batch that wrote at least one new event, in the same statement as its
 * inbox rows; `id` is the batch id. The move claims the batch by setting `moved_at` (one row lock:
 * a second worker on the same batch waits, then finds it moved); the sweeper finds batches never
 * moved; the purge deletes a batch's inbox rows and the batch past the retention.
 */
export const interactionBatches = tenantTable(
  'interaction_batches',
  {
    sessionId: text('session_id').notNull(),
    events: integer('events').notNull(),
    receivedAt: at('received_at').notNull().defaultNow(),
    movedAt: at('moved_at'),
  },
  (t) => [
    check('interaction_batches_events_check', sql`${t.events} > 0`),
    index('interaction_batches_pending_idx').on(t.receivedAt).where(sql`${t.movedAt} is null`),
    // The purge's way to the oldest moved batches; unmoved ones are not in it, so it cannot reach them.
    index('interaction_batches_moved_idx').on(t.movedAt).where(sql`${t.movedAt} is not null`),
  ],
)

/** A session's live counters; `id` is the session id. Written only by the inbox → events move. */
export const sessionLiveStats = tenantTable(
  'session_live_stats',
  {
    viewersNow: integer('viewers_now').notNull().default(0),
    viewersPeak: integer('viewers_peak').notNull().default(0),
    interactions: bigint('interactions', { mode: 'number' }).notNull().default(0),
    comments: bigint('comments', { mode: 'number' }).notNull().default(0),
    commentsHidden: bigint('comments_hidden', { mode: 'number' }).notNull().default(0),
    likes: bigint('likes', { mode: 'number' }).notNull().default(0),
    shares: bigint('shares', { mode: 'number' }).notNull().default(0),
    follows: bigint('follows', { mode: 'number' }).notNull().default(0),
    questions: bigint('questions', { mode: 'number' }).notNull().default(0),
    joins: bigint('joins', { mode: 'number' }).notNull().default(0),
    gifts: bigint('gifts', { mode: 'number' }).notNull().default(0),
    lastEventAt: at('last_event_at'),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.id], foreignColumns: [liveSessions.tenantId, liveSessions.id] }),
    check('session_live_stats_viewers_check', sql`${t.viewersNow} >= 0 and ${t.viewersPeak} >= ${t.viewersNow}`),
  ],
)

/** Gift value per session and currency (minor units); `id` is `session_id:currency`. */
export const sessionGiftTotals = tenantTable(
  'session_gift_totals',
  {
    sessionId: text('session_id').notNull(),
    currency: text('currency').notNull(),
    amount: bigint('amount', { mode: 'number' }).notNull().default(0),
    gifts: bigint('gifts', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    check('session_gift_totals_amount_check', sql`${t.amount} >= 0`),
    index('session_gift_totals_session_idx').on(t.tenantId, t.sessionId),
  ],
)

/** Interactions per minute of occurrence; `id` is `session_id:minute` (RFC 3339 minute). */
export const sessionInteractionMinutes = tenantTable(
  'session_interaction_minutes',
  {
    sessionId: text('session_id').notNull(),
    minute: at('minute').notNull(),
    interactions: bigint('interactions', { mode: 'number' }).notNull().default(0),
  },
  (t) => [index('session_interaction_minutes_idx').on(t.tenantId, t.sessionId, t.minute)],
)

/** A tenant's blocked words, kept as written and normalised (NFKC, case folded) for matching. */
export const blockedWords = tenantTable(
  'blocked_words',
  {
    word: text('word').notNull(),
    normalized: text('normalized').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('blocked_words_normalized_key').on(t.tenantId, t.normalized)],
)

export const HOOK_ON_TIMEOUT = ['allow', 'hide'] as const

/**
 * A tenant's moderation hook (at most one): an installed provider app that reviews each batch's
 * comments before they are moved. The secret signs the requests (Standard Webhooks); it must be
 * readable to sign, so it is kept, not hashed, as webhook endpoints keep theirs.
 */
export const moderationHooks = tenantTable(
  'moderation_hooks',
  {
    installationId: text('installation_id').notNull(),
    url: text('url').notNull(),
    timeoutMs: integer('timeout_ms').notNull(),
    onTimeout: text('on_timeout', { enum: HOOK_ON_TIMEOUT }).notNull(),
    secret: text('secret').notNull(),
    ...versioned(),
  },
  (t) => [
    uniqueIndex('moderation_hooks_tenant_key').on(t.tenantId),
    check('moderation_hooks_timeout_check', sql`${t.timeoutMs} between 50 and 5000`),
  ],
)
