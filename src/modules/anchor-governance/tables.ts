import { sql } from 'drizzle-orm'
import {
  check,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import { organizations } from '../../db/schema.js'
import { createdAt, tenantTable, versioned } from '../../db/tenant-table.js'
import { anchors } from '../anchors/tables.js'

export type Severity = 'minor' | 'major' | 'critical'
export type StandardRule = { code: string; description: string; severity: Severity }
export type Tier = 'head' | 'waist' | 'tail'

/**
 * 主播规范标准: the platform's standards for anchors, one row per version. A control-plane
 * table like organizations: the platform writes it as the owning role, and every MCN reads
 * the same rows (the app role may only select; see the _constraints migration), because a
 * violation recorded in an MCN's tenant must name the rule the platform had in force.
 */
export const anchorStandards = pgTable(
  'anchor_standards',
  {
    id: text('id').primaryKey(),
    version: integer('version').notNull(),
    title: text('title').notNull(),
    rules: jsonb('rules').$type<StandardRule[]>().notNull(),
    severityWeights: jsonb('severity_weights').$type<Record<Severity, number>>().notNull(),
    strikeWindowDays: integer('strike_window_days').notNull(),
    suspensionThreshold: doublePrecision('suspension_threshold').notNull(),
    publishedBy: text('published_by')
      .notNull()
      .references(() => organizations.id),
    effectiveFrom: timestamp('effective_from', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [
    // Two versions published at once cannot both take the next number.
    uniqueIndex('anchor_standards_version_idx').on(t.version),
    check('anchor_standards_window_check', sql`${t.strikeWindowDays} > 0 and ${t.suspensionThreshold} > 0`),
  ],
)

/** A breach of a rule by an anchor, with the rule's severity and weight as they were then. */
export const anchorViolations = tenantTable(
  'anchor_violations',
  {
    anchorId: text('anchor_id').notNull(),
    standardId: text('standard_id')
      .notNull()
      .references(() => anchorStandards.id),
    standardVersion: integer('standard_version').notNull(),
    ruleCode: text('rule_code').notNull(),
    ruleDescription: text('rule_description').notNull(),
    severity: text('severity', { enum: ['minor', 'major', 'critical'] }).notNull(),
    strikeWeight: doublePrecision('strike_weight').notNull(),
    evidenceText: text('evidence_text').notNull(),
    evidenceUrls: text('evidence_urls').array().notNull(),
    /** A live session's id as given; sessions are their own module, so no foreign key yet. */
    sessionId: text('session_id'),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    recordedBy: text('recorded_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.anchorId], foreignColumns: [anchors.tenantId, anchors.id] }),
    index('anchor_violations_anchor_idx').on(t.tenantId, t.anchorId, t.occurredAt),
    check('anchor_violations_weight_check', sql`${t.strikeWeight} >= 0`),
  ],
)

/** A suspension by strikes, and its lifting (who, why, when). */
export const anchorSuspensions = tenantTable(
  'anchor_suspensions',
  {
    anchorId: text('anchor_id').notNull(),
    strikes: doublePrecision('strikes').notNull(),
    threshold: doublePrecision('threshold').notNull(),
    standardId: text('standard_id')
      .notNull()
      .references(() => anchorStandards.id),
    standardVersion: integer('standard_version').notNull(),
    /** The violations whose strikes reached the threshold. */
    violationIds: text('violation_ids').array().notNull(),
    suspendedAt: timestamp('suspended_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    liftedAt: timestamp('lifted_at', { withTimezone: true, mode: 'date' }),
    liftedBy: text('lifted_by'),
    liftReason: text('lift_reason'),
    ...versioned(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.anchorId], foreignColumns: [anchors.tenantId, anchors.id] }),
    // At most one suspension in force per anchor, whoever records violations at the same time.
    uniqueIndex('anchor_suspensions_in_force_idx').on(t.tenantId, t.anchorId).where(sql`lifted_at is null`),
    index('anchor_suspensions_anchor_idx').on(t.tenantId, t.anchorId, t.suspendedAt),
    check(
      'anchor_suspensions_lift_check',
      sql`(${t.liftedAt} is null) = (${t.liftedBy} is null) and (${t.liftedAt} is null) = (${t.liftReason} is null)`,
    ),
  ],
)

export type TierMeasures = {
  gmv: number
  repurchase_rate: number | null
  strikes: number
  audience_growth: number | null
}

/** An anchor's current tier and where it ranked at the last review; the id is the anchor's. */
export const anchorTiers = tenantTable(
  'anchor_tiers',
  {
    tier: text('tier', { enum: ['head', 'waist', 'tail'] }).notNull(),
    since: timestamp('since', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    rank: integer('rank').notNull(),
    score: doublePrecision('score').notNull(),
    measures: jsonb('measures').$type<TierMeasures>().notNull(),
    reviewId: text('review_id').notNull(),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    ...versioned(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.id], foreignColumns: [anchors.tenantId, anchors.id] }),
    index('anchor_tiers_rank_idx').on(t.tenantId, t.tier, t.rank),
  ],
)

/** Every promotion and demotion, with the review that made it and why. */
export const anchorTierChanges = tenantTable(
  'anchor_tier_changes',
  {
    anchorId: text('anchor_id').notNull(),
    reviewId: text('review_id').notNull(),
    fromTier: text('from_tier', { enum: ['head', 'waist', 'tail'] }).notNull(),
    toTier: text('to_tier', { enum: ['head', 'waist', 'tail'] }).notNull(),
    direction: text('direction', { enum: ['promotion', 'demotion'] }).notNull(),
    rankInTier: integer('rank_in_tier').notNull(),
    score: doublePrecision('score').notNull(),
    measures: jsonb('measures').$type<TierMeasures>().notNull(),
    reasons: text('reasons').array().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.anchorId], foreignColumns: [anchors.tenantId, anchors.id] }),
    index('anchor_tier_changes_anchor_idx').on(t.tenantId, t.anchorId),
    check(
      'anchor_tier_changes_one_step_check',
      sql`(${t.fromTier}, ${t.toTier}) in (('tail', 'waist'), ('waist', 'head'), ('head', 'waist'), ('waist', 'tail'))`,
    ),
  ],
)
