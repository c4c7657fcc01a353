import { sql } from 'drizzle-orm'
import {
  bigint,
  check,
  customType,
  foreignKey,
  index,
  integer,
  jsonb,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import { createdAt, tenantTable, versioned } from '../../db/tenant-table.js'
import { buyers } from '../buyers/tables.js'
import { products } from '../catalog/tables.js'
import { crewMembers, liveSessions } from '../scheduling/tables.js'

export const POLL_STATUSES = ['draft', 'open', 'closed'] as const
export const COUPON_STATUSES = ['active', 'closed'] as const
export const DRAW_STATUSES = ['open', 'closed', 'drawn'] as const

/** Who answered a question: the API caller, and the crew member speaking when one is named. */
export interface Answerer {
  actor: { type: 'client' | 'installation'; id: string }
  crew_member_id: string | null
}

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })
const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' })
const session = (t: any) =>
  foreignKey({ columns: [t.tenantId, t.sessionId], foreignColumns: [liveSessions.tenantId, liveSessions.id] })
const buyer = (t: any) => foreignKey({ columns: [t.tenantId, t.buyerId], foreignColumns: [buyers.tenantId, buyers.id] })

/** A buyer's question in a live session's Q&A; answered once, by the caller and optionally a crew member. */
export const liveQuestions = tenantTable(
  'live_questions',
  {
    sessionId: text('session_id').notNull(),
    buyerId: text('buyer_id').notNull(),
    text: text('text').notNull(),
    answerText: text('answer_text'),
    answeredBy: jsonb('answered_by').$type<Answerer>(),
    answeredCrewMemberId: text('answered_crew_member_id'),
    answeredAt: at('answered_at'),
    ...versioned(),
  },
  (t) => [
    session(t),
    buyer(t),
    foreignKey({
      columns: [t.tenantId, t.answeredCrewMemberId],
      foreignColumns: [crewMembers.tenantId, crewMembers.id],
    }),
    check('live_questions_answer_check', sql`(${t.answeredAt} is null) = (${t.answerText} is null)`),
    index('live_questions_session_idx').on(t.tenantId, t.sessionId, t.id),
  ],
)

export const livePolls = tenantTable(
  'live_polls',
  {
    sessionId: text('session_id').notNull(),
    question: text('question').notNull(),
    options: jsonb('options').$type<string[]>().notNull(),
    status: text('status', { enum: POLL_STATUSES }).notNull().default('draft'),
    openedAt: at('opened_at'),
    closedAt: at('closed_at'),
    ...versioned(),
  },
  (t) => [session(t), index('live_polls_session_idx').on(t.tenantId, t.sessionId, t.id)],
)

/** One row per buyer and poll (id `<poll id>/<buyer id>`): a re-vote while the poll is open replaces the choice. */
export const livePollVotes = tenantTable(
  'live_poll_votes',
  {
    pollId: text('poll_id').notNull(),
    buyerId: text('buyer_id').notNull(),
    option: integer('option').notNull(),
    createdAt: createdAt(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.pollId], foreignColumns: [livePolls.tenantId, livePolls.id] }),
    buyer(t),
    check('live_poll_votes_option_check', sql`${t.option} >= 0`),
  ],
)

export const liveCoupons = tenantTable(
  'live_coupons',
  {
    sessionId: text('session_id'),
    productId: text('product_id'),
    name: text('name').notNull(),
    discountPercent: integer('discount_percent'),
    discountAmount: bigint('discount_amount', { mode: 'number' }),
    currency: text('currency'),
    totalLimit: integer('total_limit').notNull(),
    perBuyerLimit: integer('per_buyer_limit').notNull(),
    issuedCount: integer('issued_count').notNull().default(0),
    status: text('status', { enum: COUPON_STATUSES }).notNull().default('active'),
    startsAt: at('starts_at'),
    endsAt: at('ends_at'),
    ...versioned(),
  },
  (t) => [
    session(t),
    foreignKey({ columns: [t.tenantId, t.productId], foreignColumns: [products.tenantId, products.id] }),
    // The backstop behind the conditional UPDATE of a claim: a coupon is never over-issued.
    check('live_coupons_issued_check', sql`${t.issuedCount} >= 0 and ${t.issuedCount} <= ${t.totalLimit}`),
    check('live_coupons_limits_check', sql`${t.perBuyerLimit} >= 1 and ${t.totalLimit} >= 1`),
    check(
      'live_coupons_discount_check',
      sql`(${t.discountPercent} is null) <> (${t.discountAmount} is null) and (${t.discountAmount} is null) = (${t.currency} is null)`,
    ),
    index('live_coupons_session_idx').on(t.tenantId, t.sessionId),
  ],
)

/** How many of a coupon a buyer holds (id `<coupon id>/<buyer id>`); `per_buyer_limit` is copied so a CHECK can hold the line. */
export const liveCouponHoldings = tenantTable(
  'live_coupon_holdings',
  {
    couponId: text('coupon_id').notNull(),
    buyerId: text('buyer_id').notNull(),
    claimed: integer('claimed').notNull(),
    perBuyerLimit: integer('per_buyer_limit').notNull(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.couponId], foreignColumns: [liveCoupons.tenantId, liveCoupons.id] }),
    buyer(t),
    check('live_coupon_holdings_limit_check', sql`${t.claimed} >= 1 and ${t.claimed} <= ${t.perBuyerLimit}`),
  ],
)

export const liveCouponClaims = tenantTable(
  'live_coupon_claims',
  { couponId: text('coupon_id').notNull(), buyerId: text('buyer_id').notNull(), createdAt: createdAt() },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.couponId], foreignColumns: [liveCoupons.tenantId, liveCoupons.id] }),
    buyer(t),
    index('live_coupon_claims_coupon_idx').on(t.tenantId, t.couponId, t.id),
  ],
)

/**
 * A lucky draw. `seed` is secret until the draw: only `commitment` (its SHA-256) is shown before.
 * Closing freezes the entries (`entry_count`, `entries_sha256`); drawing stores the winners.
 */
export const liveDraws = tenantTable(
  'live_draws',
  {
    sessionId: text('session_id').notNull(),
    prize: text('prize').notNull(),
    winnersCount: integer('winners_count').notNull(),
    status: text('status', { enum: DRAW_STATUSES }).notNull().default('open'),
    seed: bytea('seed').notNull(),
    commitment: text('commitment').notNull(),
    entryCount: integer('entry_count'),
    entriesSha256: text('entries_sha256'),
    winners: jsonb('winners').$type<{ entry_id: string; buyer_id: string }[]>(),
    closedAt: at('closed_at'),
    drawnAt: at('drawn_at'),
    ...versioned(),
  },
  (t) => [
    session(t),
    check('live_draws_winners_check', sql`${t.winnersCount} >= 1`),
    check('live_draws_seed_check', sql`octet_length(${t.seed}) = 32`),
    index('live_draws_session_idx').on(t.tenantId, t.sessionId, t.id),
  ],
)

export const liveDrawEntries = tenantTable(
  'live_draw_entries',
  { drawId: text('draw_id').notNull(), buyerId: text('buyer_id').notNull(), createdAt: createdAt() },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.drawId], foreignColumns: [liveDraws.tenantId, liveDraws.id] }),
    buyer(t),
    uniqueIndex('live_draw_entries_buyer_idx').on(t.tenantId, t.drawId, t.buyerId),
  ],
)
