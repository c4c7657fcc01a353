import { Type, type Static } from 'typebox'
import {
  Body,
  exampleId,
  exampleOf,
  Id,
  named,
  Nullable,
  Page,
  PageQuery,
  ref,
  StringEnum,
  Timestamp,
} from '../../lib/schemas.js'
import { defaultTierRules, MEASURED } from './rules.js'

export const Severity = StringEnum(['minor', 'major', 'critical'] as const)
export const AnchorTier = StringEnum(['head', 'waist', 'tail'] as const, {
  description: 'head 头部 / waist 腰部 / tail 中小; an anchor never reviewed is tail',
})
const Weight = Type.Number({ minimum: 0, maximum: 1000 })
const Share = Type.Number({ minimum: 0, maximum: 1 })

// ── Standards (主播规范标准), published by the platform ──

export const StandardRule = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 100, pattern: '^[a-z0-9][a-z0-9_.-]*$' }),
    description: Type.String({ minLength: 1, maxLength: 2000 }),
    severity: Severity,
  },
  { additionalProperties: false },
)
const SeverityWeights = Type.Object(
  { minor: Weight, major: Weight, critical: Weight },
  { additionalProperties: false, description: 'Strikes a violation of each severity adds' },
)
const standardFields = {
  title: Type.String({ minLength: 1, maxLength: 200 }),
  rules: Type.Array(StandardRule, { minItems: 1, maxItems: 500 }),
  severity_weights: SeverityWeights,
  strike_window_days: Type.Integer({
    minimum: 1,
    maximum: 730,
    description: 'Strikes count over this rolling window',
  }),
  suspension_threshold: Type.Number({
    exclusiveMinimum: 0,
    maximum: 100000,
    description: 'An anchor whose strikes in the window reach this is suspended',
  }),
}
const standardExample = {
  title: '2026 anchor standards',
  rules: [
    {
      code: 'false_claims',
      description: 'Claims about a product that its listing or inspection do not support (虚假宣传)',
      severity: 'major' as const,
    },
    {
      code: 'price_misstatement',
      description: 'A live price or offer other than the one in the run-of-show',
      severity: 'minor' as const,
    },
    {
      code: 'counterfeit_goods',
      description: 'Selling goods known or found to be counterfeit (售假)',
      severity: 'critical' as const,
    },
  ],
  severity_weights: { minor: 1, major: 3, critical: 6 },
  strike_window_days: 90,
  suspension_threshold: 6,
}
export const AnchorStandard = named(
  'AnchorStandard',
  Type.Object(
    {
      id: Id('astd'),
      version: Type.Integer({ description: 'Each publication is the next version and supersedes the last' }),
      ...standardFields,
      published_by: Id('org'),
      effective_from: Timestamp,
      created_at: Timestamp,
    },
    {
      description:
        '主播规范标准: the platform’s rules for anchors. Every MCN reads the same versions; a violation names the rule of the version in force when it occurred, and strikes use the window and threshold of the version in force now',
    },
  ),
  {
    id: exampleId('astd'),
    version: 2,
    ...standardExample,
    published_by: exampleId('org', 2),
    effective_from: '2026-11-28T02:10:44.512Z',
    created_at: '2026-11-28T02:10:44.512Z',
  },
)
export const AnchorStandardList = Page(AnchorStandard)
export const CreateAnchorStandard = named('CreateAnchorStandard', Body(standardFields), standardExample)

// ── Violations, strikes and suspensions ──

export const Evidence = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 5000 }),
    urls: Type.Optional(
      Type.Array(Type.String({ format: 'uri', maxLength: 2000 }), { maxItems: 20, uniqueItems: true }),
    ),
  },
  { additionalProperties: false },
)
export const AnchorViolation = named(
  'AnchorViolation',
  Type.Object({
    id: Id('viol'),
    anchor_id: Id('anc'),
    standard_id: Id('astd'),
    standard_version: Type.Integer(),
    rule_code: Type.String(),
    rule_description: Type.String(),
    severity: Severity,
    strike_weight: Type.Number({ description: 'The severity’s weight in the standard the rule belongs to' }),
    evidence: Type.Object({ text: Type.String(), urls: Type.Array(Type.String()) }),
    session_id: Nullable(Type.String({ description: 'The live session it happened in, when known' })),
    occurred_at: Timestamp,
    recorded_by: Type.String({ description: 'The API client that recorded it' }),
    created_at: Timestamp,
  }),
  {
    id: exampleId('viol'),
    anchor_id: exampleId('anc'),
    standard_id: exampleId('astd'),
    standard_version: 2,
    rule_code: 'counterfeit_goods',
    rule_description: 'Selling goods known or found to be counterfeit (售假)',
    severity: 'critical',
    strike_weight: 6,
    evidence: {
      text: 'Inspection of the batch sold on 11-29 found counterfeit labels',
      urls: ['https://evidence.example.com/cases/1042.pdf'],
    },
    session_id: 'ses_01jdz3m8v0fx2k9a7r4c6t8y1w',
    occurred_at: '2026-11-29T13:20:00.000Z',
    recorded_by: exampleId('cli'),
    created_at: '2026-11-30T02:05:17.403Z',
  },
)
export const AnchorViolationList = Page(AnchorViolation)
export const RecordAnchorViolation = named(
  'RecordAnchorViolation',
  Body({
    rule_code: Type.String({ minLength: 1, maxLength: 100, description: 'A rule of the standard in force' }),
    evidence: Evidence,
    session_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    occurred_at: Type.Optional({
      ...Timestamp,
      description: 'When it happened (default now); the standard in force then applies',
    }),
  }),
  {
    rule_code: 'counterfeit_goods',
    evidence: {
      text: 'Inspection of the batch sold on 11-29 found counterfeit labels',
      urls: ['https://evidence.example.com/cases/1042.pdf'],
    },
    session_id: 'ses_01jdz3m8v0fx2k9a7r4c6t8y1w',
  },
)

export const AnchorSuspension = named(
  'AnchorSuspension',
  Type.Object(
    {
      id: Id('susp'),
      anchor_id: Id('anc'),
      state: StringEnum(['in_force', 'lifted'] as const),
      strikes: Type.Number(),
      threshold: Type.Number(),
      standard_id: Id('astd'),
      standard_version: Type.Integer(),
      violation_ids: Type.Array(Id('viol'), { description: 'The violations whose strikes reached the threshold' }),
      suspended_at: Timestamp,
      lifted_at: Nullable(Timestamp),
      lifted_by: Nullable(Type.String({ description: 'The API client that lifted it' })),
      lift_reason: Nullable(Type.String()),
      version: Type.Integer(),
    },
    { description: 'A suspension by strikes; while in force the anchor’s status is suspended' },
  ),
  {
    id: exampleId('susp'),
    anchor_id: exampleId('anc'),
    state: 'in_force',
    strikes: 6,
    threshold: 6,
    standard_id: exampleId('astd'),
    standard_version: 2,
    violation_ids: [exampleId('viol')],
    suspended_at: '2026-11-30T02:05:17.403Z',
    lifted_at: null,
    lifted_by: null,
    lift_reason: null,
    version: 1,
  },
)
export const AnchorSuspensionList = Page(AnchorSuspension)
export const ReinstateAnchor = named(
  'ReinstateAnchor',
  Body({ reason: Type.String({ minLength: 1, maxLength: 2000, description: 'Why the suspension is lifted' }) }),
  { reason: 'The supplier’s batch was recalled and the anchor completed compliance training' },
)
const liftedSuspensionExample = {
  ...exampleOf(AnchorSuspension)!,
  state: 'lifted' as const,
  lifted_at: '2026-12-01T09:30:00.000Z',
  lifted_by: exampleId('cli'),
  lift_reason: exampleOf(ReinstateAnchor)!.reason,
  version: 2,
}
export const LiftedSuspensionExample = liftedSuspensionExample

// ── Tiers ──

const Thresholds = Type.Object(
  {
    min_gmv: Nullable(Type.Integer({ minimum: 0, description: 'Minor units of the rules’ currency over the window' })),
    min_repurchase_rate: Nullable(Share),
    max_strikes: Nullable(Type.Number({ minimum: 0 })),
    min_audience_growth: Nullable(Type.Number({ minimum: -1, maximum: 100 })),
  },
  { additionalProperties: false, description: 'Null means not required' },
)
const measureWeights = Type.Object(
  { gmv: Share, repurchase_rate: Share, strikes: Share, audience_growth: Share },
  { additionalProperties: false },
)
export const AnchorTierRules = named(
  'AnchorTierRules',
  Type.Object(
    {
      window_days: Type.Integer({ minimum: 7, maximum: 365, description: 'Measures cover this many days' }),
      currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'GMV counts sales in this currency only' }),
      thresholds: Type.Object(
        { head: Thresholds, waist: Thresholds },
        { additionalProperties: false, description: 'Tail has none: every anchor qualifies for it' },
      ),
      weights: measureWeights,
      strike_ceiling: Type.Number({ exclusiveMinimum: 0, description: 'Strikes at or above this score 0' }),
      max_moves_per_review: Type.Object(
        {
          share: Share,
          minimum: Type.Integer({ minimum: 0, maximum: 10000 }),
        },
        {
          additionalProperties: false,
          description:
            'Per tier and direction, at most max(minimum, floor(share × anchors in the tier)) anchors move in one review',
        },
      ),
      support_weights: Type.Object(
        {
          head: Weight,
          waist: Weight,
          tail: Weight,
          niche_category: Weight,
        },
        {
          additionalProperties: false,
          description:
            'Resource tilt to 中小主播 and niche categories: the weight selection may give an anchor of each tier, and a category few anchors cover',
        },
      ),
      measured: Type.Object(
        {
          gmv: Type.String(),
          repurchase_rate: Type.String(),
          strikes: Type.String(),
          audience_growth: Type.String(),
        },
        { description: 'Where each measure comes from today (read-only)' },
      ),
      version: Type.Integer(),
      updated_at: Nullable(Timestamp),
    },
    {
      description:
        'How anchors are scored, ranked and moved between tiers at each review (weekly, or POST /v1/anchor-tier-reviews)',
    },
  ),
  {
    ...defaultTierRules(),
    measured: MEASURED,
    version: 1,
    updated_at: '2026-11-28T03:00:00.000Z',
  },
)
const optionalThresholds = Type.Object(
  {
    min_gmv: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
    min_repurchase_rate: Type.Optional(Nullable(Share)),
    max_strikes: Type.Optional(Nullable(Type.Number({ minimum: 0 }))),
    min_audience_growth: Type.Optional(Nullable(Type.Number({ minimum: -1, maximum: 100 }))),
  },
  { additionalProperties: false },
)
export const UpdateAnchorTierRules = named(
  'UpdateAnchorTierRules',
  Body({
    window_days: Type.Optional(Type.Integer({ minimum: 7, maximum: 365 })),
    currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
    thresholds: Type.Optional(
      Type.Object(
        { head: Type.Optional(optionalThresholds), waist: Type.Optional(optionalThresholds) },
        { additionalProperties: false },
      ),
    ),
    weights: Type.Optional(
      Type.Object(
        {
          gmv: Type.Optional(Share),
          repurchase_rate: Type.Optional(Share),
          strikes: Type.Optional(Share),
          audience_growth: Type.Optional(Share),
        },
        { additionalProperties: false },
      ),
    ),
    strike_ceiling: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    max_moves_per_review: Type.Optional(
      Type.Object(
        { share: Type.Optional(Share), minimum: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })) },
        { additionalProperties: false },
      ),
    ),
    support_weights: Type.Optional(
      Type.Object(
        {
          head: Type.Optional(Weight),
          waist: Type.Optional(Weight),
          tail: Type.Optional(Weight),
          niche_category: Type.Optional(Weight),
        },
        { additionalProperties: false },
      ),
    ),
  }),
  { thresholds: { head: { min_gmv: 80_000_000 } }, max_moves_per_review: { share: 0.2 } },
)

const TierMeasures = Type.Object(
  {
    gmv: Type.Number({ description: 'Minor units of the rules’ currency over the window' }),
    repurchase_rate: Nullable(Type.Number({ description: 'Null: not measured yet' })),
    strikes: Type.Number({ description: 'Violation weights in the window' }),
    audience_growth: Nullable(Type.Number({ description: 'Null: not measured yet' })),
  },
  { description: 'What the review measured' },
)
const measuresExample = { gmv: 62_500_000, repurchase_rate: null, strikes: 0, audience_growth: null }

export const AnchorTierChange = named(
  'AnchorTierChange',
  Type.Object(
    {
      id: Id('tchg'),
      anchor_id: Id('anc'),
      review_id: Id('job'),
      from_tier: AnchorTier,
      to_tier: AnchorTier,
      direction: StringEnum(['promotion', 'demotion'] as const),
      rank_in_tier: Type.Integer({ description: 'Where the anchor ranked in its old tier at the review' }),
      score: Type.Number(),
      measures: TierMeasures,
      reasons: Type.Array(Type.String()),
      created_at: Timestamp,
    },
    { description: 'A promotion or demotion by one step, made by a tier review' },
  ),
  {
    id: exampleId('tchg'),
    anchor_id: exampleId('anc'),
    review_id: exampleId('job'),
    from_tier: 'waist',
    to_tier: 'head',
    direction: 'promotion',
    rank_in_tier: 1,
    score: 100,
    measures: measuresExample,
    reasons: [
      'ranked 1 of 12 in waist with score 100',
      'GMV (CNY minor units, last 90 days) 62,500,000 meets the head minimum 50,000,000',
      'strikes 0 are within the head maximum 2',
    ],
    created_at: '2026-11-30T04:00:03.118Z',
  },
)
export const AnchorTierChangeList = Page(AnchorTierChange)

export const AnchorTierRank = named(
  'AnchorTierRank',
  Type.Object(
    {
      anchor_id: Id('anc'),
      tier: AnchorTier,
      rank: Type.Integer({ description: '1 is the best of the tier at the last review' }),
      score: Type.Number(),
      measures: TierMeasures,
      since: Timestamp,
      reviewed_at: Timestamp,
    },
    { description: 'An anchor’s place inside its tier at the last review' },
  ),
  {
    anchor_id: exampleId('anc'),
    tier: 'head',
    rank: 1,
    score: 100,
    measures: measuresExample,
    since: '2026-11-30T04:00:03.118Z',
    reviewed_at: '2026-11-30T04:00:03.118Z',
  },
)
export const AnchorTierRankList = named(
  'AnchorTierRankList',
  Type.Object({
    data: Type.Array(ref(AnchorTierRank)),
    next_cursor: Nullable(Type.String({ description: 'Pass as `cursor` to get the next page; null on the last page' })),
  }),
  { data: [exampleOf(AnchorTierRank)!], next_cursor: null },
)
export const TierRankingQuery = Type.Object(
  { ...PageQuery.properties, tier: AnchorTier },
  { additionalProperties: false },
)

export const AnchorStanding = named(
  'AnchorStanding',
  Type.Object(
    {
      anchor_id: Id('anc'),
      status: StringEnum(['active', 'inactive', 'suspended'] as const),
      strikes: Type.Number({ description: 'Strikes counting toward a suspension now' }),
      suspension_threshold: Nullable(Type.Number()),
      strike_window_days: Nullable(Type.Integer()),
      standard_version: Nullable(Type.Integer({ description: 'The standard in force; null before the first' })),
      suspension: Nullable(ref(AnchorSuspension)),
      tier: AnchorTier,
      tier_since: Nullable(Timestamp),
      rank_in_tier: Nullable(Type.Integer()),
      tier_score: Nullable(Type.Number()),
      reviewed_at: Nullable(Timestamp),
      support_weight: Type.Number({ description: 'The tier’s support weight (see AnchorTierRules)' }),
    },
    { description: 'An anchor’s governance standing: strikes, suspension and tier' },
  ),
  {
    anchor_id: exampleId('anc'),
    status: 'suspended',
    strikes: 6,
    suspension_threshold: 6,
    strike_window_days: 90,
    standard_version: 2,
    suspension: exampleOf(AnchorSuspension)!,
    tier: 'tail',
    tier_since: null,
    rank_in_tier: null,
    tier_score: null,
    reviewed_at: null,
    support_weight: 1.3,
  },
)

export type CreateAnchorStandardInput = Static<typeof CreateAnchorStandard>
export type RecordAnchorViolationInput = Static<typeof RecordAnchorViolation>
export type ReinstateAnchorInput = Static<typeof ReinstateAnchor>
export type UpdateAnchorTierRulesInput = Static<typeof UpdateAnchorTierRules>
