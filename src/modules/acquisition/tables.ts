import { sql } from 'drizzle-orm'
import { bigint, boolean, check, foreignKey, index, integer, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import { createdAt, tenantTable, versioned } from '../../db/tenant-table.js'
import { anchors } from '../anchors/tables.js'
import { buyers } from '../buyers/tables.js'
import { products } from '../catalog/tables.js'
import { liveSessions } from '../scheduling/tables.js'

export const CAMPAIGN_GOALS = ['followers', 'fan_group', 'visits', 'gmv', 'orders', 'awareness'] as const
export const CAMPAIGN_CHANNELS = [
  'douyin_dou_plus',
  'qianchuan',
  'kuaishou_fans_top',
  'kuaishou_magnetic',
  'taobao_super_recommend',
  'wechat',
  'weibo',
  'xiaohongshu',
  'offline',
  'other',
] as const
export const CAMPAIGN_STATUSES = ['draft', 'active', 'ended'] as const
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number]
export const ATTRIBUTION_MODELS = ['last_touch', 'first_touch', 'linear'] as const
export type AttributionModel = (typeof ATTRIBUTION_MODELS)[number]
export const PLACEMENT_KINDS = ['boost', 'ranking_list'] as const
export const LINK_TARGETS = ['session', 'anchor', 'product'] as const
export const TOUCH_KINDS = ['visit', 'follow', 'fan_group_join'] as const
export type TouchKind = (typeof TOUCH_KINDS)[number]

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })
const money = (name: string) => bigint(name, { mode: 'number' })

/**
 * 拉新 campaign. `committed` is the sum of its placements' costs, kept by the one conditional
 * statement that adds a cost (service.ts `commitCost`); the CHECK is the backstop that no race
 * can push it past the budget.
 */
export const campaigns = tenantTable(
  'campaigns',
  {
    name: text('name').notNull(),
    goal: text('goal', { enum: CAMPAIGN_GOALS }).notNull(),
    channel: text('channel', { enum: CAMPAIGN_CHANNELS }).notNull(),
    budget: money('budget').notNull(),
    committed: money('committed').notNull().default(0),
    currency: text('currency').notNull(),
    startsAt: at('starts_at').notNull(),
    endsAt: at('ends_at').notNull(),
    status: text('status', { enum: CAMPAIGN_STATUSES }).notNull().default('draft'),
    attributionModel: text('attribution_model', { enum: ATTRIBUTION_MODELS }).notNull().default('last_touch'),
    lookbackDays: integer('lookback_days').notNull().default(7),
    ...versioned(),
  },
  (t) => [
    check('campaigns_dates_check', sql`${t.endsAt} > ${t.startsAt}`),
    check('campaigns_budget_check', sql`${t.budget} >= 0 and ${t.committed} >= 0 and ${t.committed} <= ${t.budget}`),
    check('campaigns_lookback_check', sql`${t.lookbackDays} between 1 and 90`),
  ],
)

/** 流量投放 / 挂榜: a paid boost of a session within a campaign, with the traffic the platform reported. */
export const placements = tenantTable(
  'placements',
  {
    campaignId: text('campaign_id').notNull(),
    sessionId: text('session_id').notNull(),
    kind: text('kind', { enum: PLACEMENT_KINDS }).notNull(),
    cost: money('cost').notNull(),
    startsAt: at('starts_at').notNull(),
    endsAt: at('ends_at').notNull(),
    reportedImpressions: bigint('reported_impressions', { mode: 'number' }),
    reportedVisits: bigint('reported_visits', { mode: 'number' }),
    ...versioned(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.campaignId], foreignColumns: [campaigns.tenantId, campaigns.id] }),
    foreignKey({ columns: [t.tenantId, t.sessionId], foreignColumns: [liveSessions.tenantId, liveSessions.id] }),
    check('placements_window_check', sql`${t.endsAt} > ${t.startsAt}`),
    check('placements_cost_check', sql`${t.cost} >= 0`),
    check(
      'placements_traffic_check',
      sql`coalesce(${t.reportedImpressions}, 0) >= 0 and coalesce(${t.reportedVisits}, 0) >= 0`,
    ),
    index('placements_campaign_idx').on(t.tenantId, t.campaignId),
  ],
)

/** A tracked link or code (推广码) of a campaign, pointing at a session, an anchor or a product. */
export const trackedLinks = tenantTable(
  'tracked_links',
  {
    campaignId: text('campaign_id').notNull(),
    code: text('code').notNull(),
    targetType: text('target_type', { enum: LINK_TARGETS }).notNull(),
    sessionId: text('session_id'),
    anchorId: text('anchor_id'),
    productId: text('product_id'),
    label: text('label'),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.campaignId], foreignColumns: [campaigns.tenantId, campaigns.id] }),
    foreignKey({ columns: [t.tenantId, t.sessionId], foreignColumns: [liveSessions.tenantId, liveSessions.id] }),
    foreignKey({ columns: [t.tenantId, t.anchorId], foreignColumns: [anchors.tenantId, anchors.id] }),
    foreignKey({ columns: [t.tenantId, t.productId], foreignColumns: [products.tenantId, products.id] }),
    uniqueIndex('tracked_links_code_key').on(t.tenantId, t.code),
    index('tracked_links_campaign_idx').on(t.tenantId, t.campaignId),
    check(
      'tracked_links_target_check',
      sql`(${t.targetType} = 'session') = (${t.sessionId} is not null) and (${t.targetType} = 'anchor') = (${t.anchorId} is not null) and (${t.targetType} = 'product') = (${t.productId} is not null)`,
    ),
  ],
)

/**
 * A touch: a buyer visited, followed or joined a fan group, through a code or not. `anchor_id` and
 * `session_id` are filled from the code's target when the caller did not name them, so audience
 * growth and session conversion read touches alone.
 */
export const touches = tenantTable(
  'touches',
  {
    kind: text('kind', { enum: TOUCH_KINDS }).notNull(),
    buyerId: text('buyer_id').notNull(),
    occurredAt: at('occurred_at').notNull(),
    code: text('code'),
    campaignId: text('campaign_id'),
    sessionId: text('session_id'),
    anchorId: text('anchor_id'),
    /** The caller's id for the touch (an interaction event id), so a re-sent touch is recorded once. */
    externalId: text('external_id'),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.buyerId], foreignColumns: [buyers.tenantId, buyers.id] }),
    foreignKey({ columns: [t.tenantId, t.campaignId], foreignColumns: [campaigns.tenantId, campaigns.id] }),
    foreignKey({ columns: [t.tenantId, t.sessionId], foreignColumns: [liveSessions.tenantId, liveSessions.id] }),
    foreignKey({ columns: [t.tenantId, t.anchorId], foreignColumns: [anchors.tenantId, anchors.id] }),
    uniqueIndex('touches_external_key').on(t.tenantId, t.externalId),
    index('touches_buyer_idx').on(t.tenantId, t.buyerId, t.occurredAt),
    index('touches_campaign_idx').on(t.tenantId, t.campaignId, t.kind),
    index('touches_session_idx').on(t.tenantId, t.sessionId, t.kind),
    index('touches_anchor_idx').on(t.tenantId, t.anchorId, t.kind, t.occurredAt),
  ],
)

/**
 * Orders as acquisition sees them: kept from the orders module's changes, so attribution can be
 * recomputed under any model without reading the orders module's tables. `id` is the order id.
 */
export const orderConversions = tenantTable(
  'order_conversions',
  {
    buyerId: text('buyer_id').notNull(),
    anchorId: text('anchor_id').notNull(),
    sessionId: text('session_id'),
    code: text('code'),
    placedAt: at('placed_at').notNull(),
    paidAmount: money('paid_amount').notNull().default(0),
    currency: text('currency').notNull(),
    paidAt: at('paid_at'),
    /** A cancelled order is no conversion, paid or not (refunds live in after-sales and do not count here). */
    cancelled: boolean('cancelled').notNull().default(false),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [index('order_conversions_buyer_idx').on(t.tenantId, t.buyerId)],
)
