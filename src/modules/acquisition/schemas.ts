import { Type, type Static } from 'typebox'
import {
  Body,
  exampleId,
  exampleOf,
  Id,
  Money,
  named,
  Nullable,
  Page,
  PageQuery,
  ref,
  StringEnum,
  Timestamp,
} from '../../lib/schemas.js'
import { BuyerRef } from '../buyers/index.js'
import {
  ATTRIBUTION_MODELS,
  CAMPAIGN_CHANNELS,
  CAMPAIGN_GOALS,
  CAMPAIGN_STATUSES,
  LINK_TARGETS,
  PLACEMENT_KINDS,
  TOUCH_KINDS,
} from './tables.js'

const Goal = StringEnum(CAMPAIGN_GOALS, {
  description: 'What the campaign buys: followers (涨粉), fan_group (粉丝团), visits (进房), gmv, orders, awareness',
})
const Channel = StringEnum(CAMPAIGN_CHANNELS, {
  description:
    'Where it runs: douyin_dou_plus (DOU+), qianchuan (巨量千川), kuaishou_fans_top (粉条), kuaishou_magnetic (磁力金牛), taobao_super_recommend (超级推荐), wechat, weibo, xiaohongshu, offline, other',
})
const CampaignStatus = StringEnum(CAMPAIGN_STATUSES, {
  description: 'draft → active → ended, or draft → ended; ended is final',
})
export const AttributionModel = StringEnum(ATTRIBUTION_MODELS, {
  description:
    'last_touch credits the buyer’s last coded touch in the lookback window before the conversion; first_touch the first; linear splits it equally among them. A conversion’s own code counts as a touch at the conversion.',
})
const LookbackDays = Type.Integer({
  minimum: 1,
  maximum: 90,
  description: 'How far before a conversion a touch may be to take credit, in days',
})
const Name = Type.String({ minLength: 1, maxLength: 200 })

export const Campaign = named(
  'Campaign',
  Type.Object(
    {
      id: Id('cmp'),
      name: Type.String(),
      goal: Goal,
      channel: Channel,
      budget: ref(Money),
      committed: ref(Money),
      starts_at: Timestamp,
      ends_at: Timestamp,
      status: CampaignStatus,
      attribution_model: AttributionModel,
      lookback_days: Type.Integer(),
      version: Type.Integer(),
      created_at: Timestamp,
      updated_at: Timestamp,
    },
    {
      description:
        '拉新 campaign: a budget spent on placements over a time range through one channel. `committed` is the sum of its placements’ costs, never above the budget; `attribution_model` is the model its attribution answers with unless asked for another.',
    },
  ),
  {
    id: exampleId('cmp'),
    name: '双12 普洱涨粉',
    goal: 'followers',
    channel: 'douyin_dou_plus',
    budget: { amount: 5_000_00, currency: 'CNY' },
    committed: { amount: 1_200_00, currency: 'CNY' },
    starts_at: '2026-12-08T00:00:00.000Z',
    ends_at: '2026-12-13T00:00:00.000Z',
    status: 'active',
    attribution_model: 'last_touch',
    lookback_days: 7,
    version: 2,
    created_at: '2026-11-28T03:45:12.808Z',
    updated_at: '2026-11-28T04:02:40.115Z',
  },
)
export const CampaignList = Page(Campaign)
export const CreateCampaign = named(
  'CreateCampaign',
  Body({
    name: Name,
    goal: Goal,
    channel: Channel,
    budget: ref(Money),
    starts_at: Timestamp,
    ends_at: Timestamp,
    status: Type.Optional(StringEnum(['draft', 'active'] as const, { description: 'Default draft' })),
    attribution_model: Type.Optional(AttributionModel),
    lookback_days: Type.Optional(LookbackDays),
  }),
  {
    name: '双12 普洱涨粉',
    goal: 'followers',
    channel: 'douyin_dou_plus',
    budget: { amount: 5_000_00, currency: 'CNY' },
    starts_at: '2026-12-08T00:00:00.000Z',
    ends_at: '2026-12-13T00:00:00.000Z',
  },
)
export const UpdateCampaign = named(
  'UpdateCampaign',
  Body(
    {
      name: Type.Optional(Name),
      goal: Type.Optional(Goal),
      channel: Type.Optional(Channel),
      budget: Type.Optional(ref(Money)),
      starts_at: Type.Optional(Timestamp),
      ends_at: Type.Optional(Timestamp),
      status: Type.Optional(CampaignStatus),
      attribution_model: Type.Optional(AttributionModel),
      lookback_days: Type.Optional(LookbackDays),
    },
    {
      description:
        'A budget below what placements already committed is refused (422); its currency never changes. An ended campaign takes no change but its name.',
    },
  ),
  { status: 'active' },
)
export const CampaignListQuery = Type.Object(
  {
    ...PageQuery.properties,
    status: Type.Optional(CampaignStatus),
    channel: Type.Optional(Channel),
  },
  { additionalProperties: false },
)

const PlacementKind = StringEnum(PLACEMENT_KINDS, {
  description: 'boost 流量投放 (paid traffic into the room), ranking_list 挂榜 (a paid place on a ranking list)',
})
const Count = Type.Integer({ minimum: 0, maximum: 1e15 })
export const Placement = named(
  'Placement',
  Type.Object(
    {
      id: Id('plc'),
      campaign_id: Id('cmp'),
      session_id: Id('ses'),
      kind: PlacementKind,
      cost: ref(Money),
      starts_at: Timestamp,
      ends_at: Timestamp,
      reported_impressions: Nullable(Type.Integer({ description: 'Impressions the ad platform reported' })),
      reported_visits: Nullable(Type.Integer({ description: 'Room visits the ad platform reported' })),
      attributed_visits: Type.Integer({
        description: 'Visits recorded with one of the campaign’s codes to the session inside the placement’s window',
      }),
      version: Type.Integer(),
      created_at: Timestamp,
      updated_at: Timestamp,
    },
    { description: '流量投放 / 挂榜: a paid boost of a session within a campaign, and the traffic it brought' },
  ),
  {
    id: exampleId('plc'),
    campaign_id: exampleId('cmp'),
    session_id: exampleId('ses'),
    kind: 'boost',
    cost: { amount: 1_200_00, currency: 'CNY' },
    starts_at: '2026-12-10T12:00:00.000Z',
    ends_at: '2026-12-10T13:00:00.000Z',
    reported_impressions: 48_000,
    reported_visits: 3_150,
    attributed_visits: 2_870,
    version: 2,
    created_at: '2026-11-28T04:02:40.115Z',
    updated_at: '2026-12-10T13:05:00.000Z',
  },
)
export const PlacementList = Page(Placement)
export const CreatePlacement = named(
  'CreatePlacement',
  Body({
    session_id: Id('ses'),
    kind: PlacementKind,
    cost: ref(Money),
    starts_at: Timestamp,
    ends_at: Timestamp,
    reported_impressions: Type.Optional(Count),
    reported_visits: Type.Optional(Count),
  }),
  {
    session_id: exampleId('ses'),
    kind: 'boost',
    cost: { amount: 1_200_00, currency: 'CNY' },
    starts_at: '2026-12-10T12:00:00.000Z',
    ends_at: '2026-12-10T13:00:00.000Z',
  },
)
export const UpdatePlacement = named(
  'UpdatePlacement',
  Body(
    {
      cost: Type.Optional(ref(Money)),
      starts_at: Type.Optional(Timestamp),
      ends_at: Type.Optional(Timestamp),
      reported_impressions: Type.Optional(Nullable(Count)),
      reported_visits: Type.Optional(Nullable(Count)),
    },
    { description: 'A higher cost must still fit the campaign’s budget (422 otherwise)' },
  ),
  { reported_impressions: 48_000, reported_visits: 3_150 },
)

export const LinkTarget = named(
  'LinkTarget',
  Type.Object(
    { type: StringEnum(LINK_TARGETS), id: Type.String({ pattern: '^(ses|anc|prd)_[0-9a-z]{26}$' }) },
    { additionalProperties: false, description: 'What a link points at: a session, an anchor or a product' },
  ),
  { type: 'session', id: exampleId('ses') },
)
const Code = Type.String({
  minLength: 4,
  maxLength: 32,
  pattern: '^[a-z0-9_-]+$',
  description: 'Lowercase letters, digits, - and _; unique in the tenant',
})
export const TrackedLink = named(
  'TrackedLink',
  Type.Object(
    {
      id: Id('lnk'),
      campaign_id: Id('cmp'),
      code: Type.String({
        description: 'Unique in the tenant, url-safe: pass it as the platform’s tracking parameter',
      }),
      target: ref(LinkTarget),
      label: Nullable(Type.String()),
      created_at: Timestamp,
    },
    {
      description:
        'A tracked link or code (推广码) of a campaign; touches and orders carrying it count for the campaign',
    },
  ),
  {
    id: exampleId('lnk'),
    campaign_id: exampleId('cmp'),
    code: 'pu12xmas',
    target: exampleOf(LinkTarget)!,
    label: 'DOU+ 短视频挂链',
    created_at: '2026-11-28T04:02:40.115Z',
  },
)
export const TrackedLinkList = Page(TrackedLink)
export const CreateTrackedLink = named(
  'CreateTrackedLink',
  Body({
    target: ref(LinkTarget),
    code: Type.Optional({ ...Code, description: 'A code of your choosing; a random 8-character one otherwise' }),
    label: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  }),
  { target: exampleOf(LinkTarget)!, code: 'pu12xmas', label: 'DOU+ 短视频挂链' },
)

export const TouchInput = named(
  'TouchInput',
  Type.Object(
    {
      kind: StringEnum(TOUCH_KINDS, {
        description: 'visit (进房, a join of the live room counts as one), follow (关注), fan_group_join (加入粉丝团)',
      }),
      buyer: ref(BuyerRef),
      occurred_at: Timestamp,
      code: Type.Optional({ ...Code, description: 'The tracked code the touch came through, if any' }),
      session_id: Type.Optional(Id('ses')),
      anchor_id: Type.Optional(Id('anc')),
      external_id: Type.Optional(
        Type.String({
          minLength: 1,
          maxLength: 200,
          description: 'Your id for the touch: a touch sent again with it is recorded once',
        }),
      ),
    },
    {
      additionalProperties: false,
      description:
        'The session and anchor come from the code’s target when not given (a session link gives its host); a follow or fan-group join must reach an anchor one way or the other',
    },
  ),
  {
    kind: 'visit',
    buyer: exampleOf(BuyerRef)!,
    occurred_at: '2026-12-10T12:03:11.000Z',
    code: 'pu12xmas',
    external_id: 'dy-evt-7781',
  },
)
export const RecordTouches = named(
  'RecordTouches',
  Body({ touches: Type.Array(ref(TouchInput), { minItems: 1, maxItems: 1000 }) }),
  {
    touches: [
      exampleOf(TouchInput)!,
      {
        kind: 'follow',
        buyer: exampleOf(BuyerRef)!,
        occurred_at: '2026-12-10T12:09:45.000Z',
        session_id: exampleId('ses'),
        external_id: 'dy-evt-7790',
      },
    ],
  },
)
export const TouchesRecorded = named(
  'TouchesRecorded',
  Type.Object({
    recorded: Type.Integer({ description: 'Touches written by this request' }),
    duplicates: Type.Integer({ description: 'Touches whose external_id was recorded before: not written again' }),
  }),
  { recorded: 2, duplicates: 0 },
)

const Range = {
  from: Type.Optional({ ...Timestamp, description: 'From this time (inclusive)' }),
  to: Type.Optional({ ...Timestamp, description: 'Until this time (exclusive)' }),
}
export const AttributionQuery = Type.Object(
  {
    model: Type.Optional(AttributionModel),
    lookback_days: Type.Optional(LookbackDays),
    ...Range,
  },
  { additionalProperties: false },
)
export const CampaignAttribution = named(
  'CampaignAttribution',
  Type.Object(
    {
      campaign_id: Id('cmp'),
      attribution_model: AttributionModel,
      lookback_days: Type.Integer(),
      from: Nullable(Timestamp),
      to: Nullable(Timestamp),
      visits: Type.Integer({ description: 'Visits recorded with the campaign’s codes' }),
      visitors: Type.Integer({ description: 'Distinct buyers among them' }),
      follows: Type.Number({ description: 'Follows credited to the campaign under the model (fractional for linear)' }),
      fan_group_joins: Type.Number({ description: 'Fan-group joins credited to the campaign under the model' }),
      orders: Type.Number({ description: 'Orders credited to the campaign under the model' }),
      gmv: ref(Money),
      cost: ref(Money),
      roi: Nullable(Type.Number({ description: '投产比: credited GMV / cost; null when nothing was spent' })),
    },
    {
      description:
        'What a campaign brought under one attribution model. Conversions (follows, fan-group joins, paid orders) are credited to the buyer’s coded touches; visits are counted by their code.',
    },
  ),
  {
    campaign_id: exampleId('cmp'),
    attribution_model: 'last_touch',
    lookback_days: 7,
    from: null,
    to: null,
    visits: 2_870,
    visitors: 2_410,
    follows: 356,
    fan_group_joins: 41,
    orders: 127,
    gmv: { amount: 4_953_00, currency: 'CNY' },
    cost: { amount: 1_200_00, currency: 'CNY' },
    roi: 4.1275,
  },
)

export const AudienceGrowthQuery = Type.Object(Range, { additionalProperties: false })
export const AudienceGrowthDay = named(
  'AudienceGrowthDay',
  Type.Object({ date: Type.String({ format: 'date' }), follows: Type.Integer(), fan_group_joins: Type.Integer() }),
  { date: '2026-12-10', follows: 356, fan_group_joins: 41 },
)
export const AudienceGrowth = named(
  'AudienceGrowth',
  Type.Object(
    {
      anchor_id: Id('anc'),
      from: Nullable(Timestamp),
      to: Nullable(Timestamp),
      follows: Type.Integer({ description: 'Follows (关注) of the anchor recorded in the range' }),
      followers: Type.Integer({ description: 'Distinct buyers who followed' }),
      fan_group_joins: Type.Integer({ description: 'Fan-group joins (粉丝团) recorded in the range' }),
      by_day: Type.Array(ref(AudienceGrowthDay), { description: 'Per UTC day, days without any left out' }),
    },
    { description: '公域 → 私域: what an anchor turned from public traffic into followers and fan-group members' },
  ),
  {
    anchor_id: exampleId('anc'),
    from: '2026-12-01T00:00:00.000Z',
    to: '2026-12-31T00:00:00.000Z',
    follows: 356,
    followers: 351,
    fan_group_joins: 41,
    by_day: [exampleOf(AudienceGrowthDay)!],
  },
)

export const SessionConversionQuery = Type.Object(
  {
    within_hours: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 168,
        default: 24,
        description: 'A follow up to this many hours after the session ended still counts',
      }),
    ),
  },
  { additionalProperties: false },
)
export const SessionConversion = named(
  'SessionConversion',
  Type.Object(
    {
      session_id: Id('ses'),
      anchor_id: Id('anc'),
      window_start: Timestamp,
      window_end: Timestamp,
      within_hours: Type.Integer(),
      viewers: Type.Integer({ description: 'Distinct buyers with a visit (or room join) recorded in the session' }),
      followers: Type.Integer({
        description: 'Viewers who followed the anchor between the session’s start and `within_hours` after its end',
      }),
      fan_group_joins: Type.Integer({ description: 'Viewers who joined the anchor’s fan group in that window' }),
      follower_share: Nullable(Type.Number({ description: 'followers / viewers; null without viewers' })),
    },
    {
      description:
        'The share of a session’s viewers who became followers. The window runs from the actual start (the planned one before it started) to the actual end (the planned one, or now, while it has not ended) plus within_hours.',
    },
  ),
  {
    session_id: exampleId('ses'),
    anchor_id: exampleId('anc'),
    window_start: '2026-12-10T12:01:04.310Z',
    window_end: '2026-12-11T14:07:51.002Z',
    within_hours: 24,
    viewers: 2_410,
    followers: 356,
    fan_group_joins: 41,
    follower_share: 0.1477,
  },
)

export type CreateCampaignInput = Static<typeof CreateCampaign>
export type UpdateCampaignInput = Static<typeof UpdateCampaign>
export type CampaignListInput = Static<typeof CampaignListQuery>
export type CreatePlacementInput = Static<typeof CreatePlacement>
export type UpdatePlacementInput = Static<typeof UpdatePlacement>
export type CreateTrackedLinkInput = Static<typeof CreateTrackedLink>
export type AttributionInput = Static<typeof AttributionQuery>
export type AudienceGrowthInput = Static<typeof AudienceGrowthQuery>
export type SessionConversionInput = Static<typeof SessionConversionQuery>
