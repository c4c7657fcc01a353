import { sql } from 'drizzle-orm'
import {
  bigint,
  boolean,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import { createdAt, tenantTable, versioned } from '../../db/tenant-table.js'
import { anchors } from '../anchors/tables.js'
import { products, skus } from '../catalog/tables.js'
import { supplyPools } from '../pools/tables.js'

export const CREW_ROLES = ['host', 'co_host', 'copywriter', 'room_controller', 'designer', 'customer_service'] as const
export type CrewRole = (typeof CREW_ROLES)[number]
export const SESSION_STATUSES = ['scheduled', 'live', 'ended', 'cancelled'] as const
export type SessionStatus = (typeof SESSION_STATUSES)[number]

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/** Crew (主播, 副播, 文案, 场控, 设计, 客服): the people who run sessions beside the anchors. */
export const crewMembers = tenantTable('crew_members', {
  name: text('name').notNull(),
  roles: text('roles', { enum: CREW_ROLES }).array().notNull(),
  contact: text('contact'),
  status: text('status', { enum: ['active', 'inactive'] })
    .notNull()
    .default('active'),
  ...versioned(),
})

/** 直播场次: a live session on a platform's room, planned on the calendar. */
export const liveSessions = tenantTable(
  'live_sessions',
  {
    title: text('title').notNull(),
    platform: text('platform').notNull(),
    room: text('room'),
    plannedStart: at('planned_start').notNull(),
    plannedEnd: at('planned_end').notNull(),
    status: text('status', { enum: SESSION_STATUSES }).notNull().default('scheduled'),
    startedAt: at('started_at'),
    endedAt: at('ended_at'),
    cancelledAt: at('cancelled_at'),
    /** Bumped by every change to the run-of-show: its ETag, apart from the session's own version. */
    runOfShowVersion: integer('run_of_show_version').notNull().default(1),
    ...versioned(),
  },
  (t) => [
    check('live_sessions_planned_check', sql`${t.plannedEnd} > ${t.plannedStart}`),
    index('live_sessions_planned_idx').on(t.tenantId, t.plannedStart),
  ],
)

/**
 * Who is booked on a session: one row per anchor (host or guest) or crew member, carrying the
 * session's planned interval and whether it is cancelled, so the exclusion constraints of the
 * `scheduling_constraints` migration can refuse overlapping bookings of one person.
 */
export const sessionAssignments = tenantTable(
  'session_assignments',
  {
    sessionId: text('session_id').notNull(),
    anchorId: text('anchor_id'),
    crewMemberId: text('crew_member_id'),
    role: text('role', { enum: ['guest', ...CREW_ROLES] }).notNull(),
    plannedStart: at('planned_start').notNull(),
    plannedEnd: at('planned_end').notNull(),
    cancelled: boolean('cancelled').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.sessionId], foreignColumns: [liveSessions.tenantId, liveSessions.id] }),
    foreignKey({ columns: [t.tenantId, t.anchorId], foreignColumns: [anchors.tenantId, anchors.id] }),
    foreignKey({ columns: [t.tenantId, t.crewMemberId], foreignColumns: [crewMembers.tenantId, crewMembers.id] }),
    check('session_assignments_one_person_check', sql`(${t.anchorId} is null) <> (${t.crewMemberId} is null)`),
    uniqueIndex('session_assignments_anchor_idx').on(t.tenantId, t.sessionId, t.anchorId),
    uniqueIndex('session_assignments_crew_idx').on(t.tenantId, t.sessionId, t.crewMemberId),
    index('session_assignments_session_idx').on(t.tenantId, t.sessionId),
  ],
)

export const OFFER_KINDS = ['discount', 'gift', 'coupon'] as const
export type Offer = { kind: (typeof OFFER_KINDS)[number]; description?: string; coupon_code?: string }

/** Run-of-show: the ordered product slots of a session, each drawn from a pool its host may sell from. */
export const runOfShowSlots = tenantTable(
  'run_of_show_slots',
  {
    sessionId: text('session_id').notNull(),
    position: integer('position').notNull(),
    productId: text('product_id').notNull(),
    skuId: text('sku_id'),
    poolId: text('pool_id').notNull(),
    plannedMinute: integer('planned_minute').notNull(),
    durationMinutes: integer('duration_minutes').notNull(),
    livePrice: bigint('live_price', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    offer: jsonb('offer').$type<Offer>(),
    supplyCap: integer('supply_cap'),
    /** Units paid orders drew from the cap (orders' consumeSlotSupply); never above it. */
    supplyUsed: integer('supply_used').notNull().default(0),
    hero: boolean('hero').notNull().default(false),
    ...versioned(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.sessionId], foreignColumns: [liveSessions.tenantId, liveSessions.id] }),
    foreignKey({ columns: [t.tenantId, t.productId], foreignColumns: [products.tenantId, products.id] }),
    foreignKey({ columns: [t.tenantId, t.skuId], foreignColumns: [skus.tenantId, skus.id] }),
    foreignKey({ columns: [t.tenantId, t.poolId], foreignColumns: [supplyPools.tenantId, supplyPools.id] }),
    index('run_of_show_slots_session_idx').on(t.tenantId, t.sessionId, t.position),
    check('run_of_show_slots_minutes_check', sql`${t.plannedMinute} >= 0 and ${t.durationMinutes} > 0`),
    check('run_of_show_slots_price_check', sql`${t.livePrice} >= 0`),
    check('run_of_show_slots_supply_check', sql`${t.supplyCap} is null or ${t.supplyCap} >= 0`),
    check(
      'run_of_show_slots_supply_used_check',
      sql`${t.supplyUsed} >= 0 and (${t.supplyCap} is null or ${t.supplyUsed} <= ${t.supplyCap})`,
    ),
  ],
)

/**
 * What was shown when during a live session: a pin (the product on screen, one at a time) or a
 * product on shelf (in the cart), each from when it started to when it ended.
 */
export const sessionShowings = tenantTable(
  'session_showings',
  {
    sessionId: text('session_id').notNull(),
    kind: text('kind', { enum: ['pin', 'shelf'] }).notNull(),
    productId: text('product_id').notNull(),
    skuId: text('sku_id'),
    /** The run-of-show slot shown, when it was named: what conversion by slot will join on. */
    slotId: text('slot_id'),
    startedAt: at('started_at').notNull().defaultNow(),
    endedAt: at('ended_at'),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.sessionId], foreignColumns: [liveSessions.tenantId, liveSessions.id] }),
    foreignKey({ columns: [t.tenantId, t.productId], foreignColumns: [products.tenantId, products.id] }),
    foreignKey({ columns: [t.tenantId, t.skuId], foreignColumns: [skus.tenantId, skus.id] }),
    foreignKey({ columns: [t.tenantId, t.slotId], foreignColumns: [runOfShowSlots.tenantId, runOfShowSlots.id] }),
    // One product pinned at a time; a product (or SKU) is on shelf at most once at a time.
    uniqueIndex('session_showings_current_pin_idx')
      .on(t.tenantId, t.sessionId)
      .where(sql`${t.kind} = 'pin' and ${t.endedAt} is null`),
    uniqueIndex('session_showings_on_shelf_idx')
      .on(t.tenantId, t.sessionId, t.productId, sql`coalesce(${t.skuId}, '')`)
      .where(sql`${t.kind} = 'shelf' and ${t.endedAt} is null`),
    index('session_showings_session_idx').on(t.tenantId, t.sessionId, t.startedAt),
  ],
)

/**
 * A subscribable iCalendar feed of an anchor's or crew member's sessions. Calendar apps cannot send
 * bearer tokens, so the feed URL carries an unguessable token; only its SHA-256 is stored.
 */
export const calendarFeeds = tenantTable(
  'calendar_feeds',
  {
    subjectType: text('subject_type', { enum: ['anchor', 'crew_member'] }).notNull(),
    subjectId: text('subject_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    ...versioned(),
  },
  (t) => [
    uniqueIndex('calendar_feeds_subject_idx').on(t.tenantId, t.subjectType, t.subjectId),
    uniqueIndex('calendar_feeds_token_idx').on(t.tenantId, t.tokenHash),
  ],
)
