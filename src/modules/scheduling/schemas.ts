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
import { Recommendation } from '../selection/index.js'
import { CREW_ROLES, OFFER_KINDS, SESSION_STATUSES } from './tables.js'

const CrewRole = StringEnum(CREW_ROLES, {
  description: 'host 主播, co_host 副播, copywriter 文案, room_controller 场控, designer 设计, customer_service 客服',
})
const Name = Type.String({ minLength: 1, maxLength: 200 })

export const CrewMember = named(
  'CrewMember',
  Type.Object(
    {
      id: Id('crw'),
      name: Type.String(),
      roles: Type.Array(CrewRole),
      contact: Nullable(Type.String()),
      status: StringEnum(['active', 'inactive'] as const),
      version: Type.Integer(),
      created_at: Timestamp,
      updated_at: Timestamp,
    },
    { description: 'A person of the crew who runs sessions, with the roles they can take' },
  ),
  {
    id: exampleId('crw'),
    name: '阿杰 Ajie',
    roles: ['room_controller', 'co_host'],
    contact: 'ajie@example.com',
    status: 'active',
    version: 1,
    created_at: '2026-11-28T03:45:12.808Z',
    updated_at: '2026-11-28T03:45:12.808Z',
  },
)
export const CrewMemberList = Page(CrewMember)
const Roles = Type.Array(CrewRole, { minItems: 1, maxItems: CREW_ROLES.length, uniqueItems: true })
export const CreateCrewMember = named(
  'CreateCrewMember',
  Body({ name: Name, roles: Roles, contact: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }),
  { name: '阿杰 Ajie', roles: ['room_controller', 'co_host'], contact: 'ajie@example.com' },
)
export const UpdateCrewMember = named(
  'UpdateCrewMember',
  Body({
    name: Type.Optional(Name),
    roles: Type.Optional(Roles),
    contact: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200 }))),
    status: Type.Optional(StringEnum(['active', 'inactive'] as const)),
  }),
  { roles: ['room_controller', 'co_host', 'copywriter'] },
)

export const SessionAnchor = named(
  'SessionAnchor',
  Type.Object({ anchor_id: Id('anc'), role: StringEnum(['host', 'guest'] as const) }),
  { anchor_id: exampleId('anc'), role: 'host' },
)
export const SessionCrew = named(
  'SessionCrew',
  Type.Object(
    { crew_member_id: Id('crw'), role: CrewRole },
    { additionalProperties: false, description: 'A crew member booked on a session in one role' },
  ),
  { crew_member_id: exampleId('crw'), role: 'room_controller' },
)

const SessionStatus = StringEnum(SESSION_STATUSES, {
  description: 'scheduled → live → ended, or scheduled → cancelled',
})
export const Session = named(
  'Session',
  Type.Object(
    {
      id: Id('ses'),
      title: Type.String(),
      platform: Type.String(),
      room: Nullable(Type.String()),
      planned_start: Timestamp,
      planned_end: Timestamp,
      status: SessionStatus,
      started_at: Nullable(Timestamp),
      ended_at: Nullable(Timestamp),
      cancelled_at: Nullable(Timestamp),
      anchors: Type.Array(ref(SessionAnchor), { description: 'The host first, then the guests' }),
      crew: Type.Array(ref(SessionCrew)),
      version: Type.Integer(),
      created_at: Timestamp,
      updated_at: Timestamp,
    },
    { description: '直播场次: a live session on a platform room, on the calendar' },
  ),
  {
    id: exampleId('ses'),
    title: '普洱春茶专场',
    platform: 'douyin',
    room: 'xiaoyu_tea',
    planned_start: '2026-12-10T12:00:00.000Z',
    planned_end: '2026-12-10T14:00:00.000Z',
    status: 'scheduled',
    started_at: null,
    ended_at: null,
    cancelled_at: null,
    anchors: [exampleOf(SessionAnchor)!],
    crew: [exampleOf(SessionCrew)!],
    version: 1,
    created_at: '2026-11-28T03:45:12.808Z',
    updated_at: '2026-11-28T03:45:12.808Z',
  },
)
export const SessionList = Page(Session)

const Platform = Type.String({
  minLength: 1,
  maxLength: 50,
  description: 'douyin, kuaishou, taobao, wechat_channels, …',
})
const Room = Type.String({ minLength: 1, maxLength: 200, description: 'The room or account the session streams from' })
const Guests = Type.Array(Id('anc'), { maxItems: 10, uniqueItems: true, description: 'Guest anchors (嘉宾)' })
const Crew = Type.Array(ref(SessionCrew), { maxItems: 50, description: 'Each crew member at most once' })
export const CreateSession = named(
  'CreateSession',
  Body({
    title: Name,
    platform: Platform,
    room: Type.Optional(Room),
    planned_start: Timestamp,
    planned_end: Timestamp,
    host_anchor_id: Id('anc'),
    guest_anchor_ids: Type.Optional(Guests),
    crew: Type.Optional(Crew),
  }),
  {
    title: '普洱春茶专场',
    platform: 'douyin',
    room: 'xiaoyu_tea',
    planned_start: '2026-12-10T12:00:00.000Z',
    planned_end: '2026-12-10T14:00:00.000Z',
    host_anchor_id: exampleId('anc'),
    crew: [exampleOf(SessionCrew)!],
  },
)
export const UpdateSession = named(
  'UpdateSession',
  Body(
    {
      title: Type.Optional(Name),
      platform: Type.Optional(Platform),
      room: Type.Optional(Nullable(Room)),
      planned_start: Type.Optional(Timestamp),
      planned_end: Type.Optional(Timestamp),
      host_anchor_id: Type.Optional(Id('anc')),
      guest_anchor_ids: Type.Optional(Guests),
      crew: Type.Optional(Crew),
    },
    { description: 'Only a scheduled session is changed; guest_anchor_ids and crew replace the whole list' },
  ),
  { planned_start: '2026-12-10T12:30:00.000Z', planned_end: '2026-12-10T14:30:00.000Z' },
)
export const SessionStatusChange = named(
  'SessionStatusChange',
  Body({
    status: StringEnum(['live', 'ended', 'cancelled'] as const, {
      description: 'live starts the session, ended ends it, cancelled calls it off; the actual time is recorded',
    }),
  }),
  { status: 'live' },
)
export const SessionListQuery = Type.Object(
  {
    ...PageQuery.properties,
    anchor_id: Type.Optional(Id('anc')),
    crew_member_id: Type.Optional(Id('crw')),
    from: Type.Optional({ ...Timestamp, description: 'Sessions whose planned interval ends after this time' }),
    to: Type.Optional({ ...Timestamp, description: 'Sessions whose planned interval starts before this time' }),
    status: Type.Optional(SessionStatus),
  },
  { additionalProperties: false },
)
export const CrewScheduleQuery = Type.Object(
  {
    ...PageQuery.properties,
    from: SessionListQuery.properties.from,
    to: SessionListQuery.properties.to,
  },
  { additionalProperties: false },
)

export const SessionShowing = named(
  'SessionShowing',
  Type.Object(
    {
      id: Id('shw'),
      session_id: Id('ses'),
      kind: StringEnum(['pin', 'shelf'] as const, {
        description: 'pin: the product on screen (one at a time); shelf: the product in the cart',
      }),
      product_id: Id('prd'),
      sku_id: Nullable(Id('sku')),
      slot_id: Nullable(Id('slot')),
      started_at: Timestamp,
      ended_at: Nullable({ ...Timestamp, description: 'null while it is still pinned or on shelf' }),
    },
    { description: 'A span of a live session during which a product was pinned or on shelf' },
  ),
  {
    id: exampleId('shw'),
    session_id: exampleId('ses'),
    kind: 'pin',
    product_id: exampleId('prd'),
    sku_id: exampleId('sku'),
    slot_id: exampleId('slot'),
    started_at: '2026-12-10T12:05:30.000Z',
    ended_at: null,
  },
)
export const SessionTimeline = named(
  'SessionTimeline',
  Type.Object({ session_id: Id('ses'), data: Type.Array(ref(SessionShowing), { description: 'Oldest first' }) }),
  { session_id: exampleId('ses'), data: [exampleOf(SessionShowing)!] },
)
const Shown = {
  slot_id: Type.Optional({ ...Id('slot'), description: 'A slot of this session’s run-of-show: its product and SKU' }),
  product_id: Type.Optional({ ...Id('prd'), description: 'A product of the MCN, when no slot is named' }),
  sku_id: Type.Optional(Id('sku')),
}
const shownDescription = 'Exactly one of slot_id and product_id (with sku_id if a SKU is meant)'
export const PinProduct = named('PinProduct', Body(Shown, { description: shownDescription }), {
  slot_id: exampleId('slot'),
})
export const ShelfProduct = named(
  'ShelfProduct',
  Body(
    { ...Shown, on_shelf: Type.Boolean({ description: 'true puts it on shelf, false takes it off' }) },
    { description: shownDescription },
  ),
  { product_id: exampleId('prd'), sku_id: exampleId('sku'), on_shelf: true },
)

export const CalendarFeed = named(
  'CalendarFeed',
  Type.Object(
    {
      id: Id('cal'),
      subject_type: StringEnum(['anchor', 'crew_member'] as const),
      subject_id: Type.String(),
      url: Type.String({
        format: 'uri',
        description: 'The iCalendar (RFC 5545) feed to subscribe to; its token is shown only in this answer',
      }),
      version: Type.Integer({ description: 'Counts the tokens issued; each rotation bumps it' }),
      created_at: Timestamp,
      updated_at: Timestamp,
    },
    { description: 'A calendar app subscribes to the URL; it needs no bearer token' },
  ),
  {
    id: exampleId('cal'),
    subject_type: 'anchor',
    subject_id: exampleId('anc'),
    url: `https://api.showrunner.dev/calendars/${exampleId('org')}/calt_6Xq2vYpJ0mW3kR9sL1tB8nZ4cH7dF5gA2eU0iO3yV6w.ics`,
    version: 1,
    created_at: '2026-11-28T03:45:12.808Z',
    updated_at: '2026-11-28T03:45:12.808Z',
  },
)
export const CreateCalendarFeed = named(
  'CreateCalendarFeed',
  Body(
    { anchor_id: Type.Optional(Id('anc')), crew_member_id: Type.Optional(Id('crw')) },
    { description: 'Whose sessions the feed shows: exactly one of anchor_id and crew_member_id' },
  ),
  { anchor_id: exampleId('anc') },
)

export const Offer = named(
  'Offer',
  Type.Object(
    {
      kind: StringEnum(OFFER_KINDS, { description: 'discount (the live price is the cut), gift or coupon' }),
      description: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
      coupon_code: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    },
    { additionalProperties: false },
  ),
  { kind: 'gift', description: '50 g tasting sample' },
)
const Finding = Type.Object({
  code: Type.String(),
  severity: StringEnum(['warning', 'violation'] as const),
  message: Type.String(),
})
export const SlotCheck = named(
  'SlotCheck',
  Type.Object(
    {
      brand_tier: StringEnum(['premium', 'mature', 'emerging'] as const),
      discount_rate: Type.Number({ description: '1 − live price / list price' }),
      verdict: StringEnum(['ok', 'warning', 'rejected'] as const, {
        description: 'rejected when any finding is a violation; a rejected slot blocks going live',
      }),
      findings: Type.Array(Finding),
    },
    { description: 'The brand-tier strategy check of the slot, as of now' },
  ),
  {
    brand_tier: 'mature',
    discount_rate: 0.2,
    verdict: 'ok',
    findings: [],
  },
)
/** The CreateSlot example; the Slot example is the slot it makes. */
const newSlotExample = {
  product_id: exampleId('prd'),
  sku_id: exampleId('sku'),
  pool_id: exampleId('pool'),
  planned_minute: 5,
  duration_minutes: 15,
  live_price: { amount: 2872, currency: 'CNY' },
  offer: exampleOf(Offer)!,
  supply_cap: 50,
  hero: true,
}
const SlotFields = {
  sku_id: Type.Optional(Id('sku')),
  planned_minute: Type.Integer({ minimum: 0, maximum: 24 * 60 }),
  duration_minutes: Type.Integer({ minimum: 1, maximum: 24 * 60 }),
  live_price: ref(Money),
  offer: Type.Optional(ref(Offer)),
  supply_cap: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000 })),
  hero: Type.Optional(Type.Boolean()),
}
export const CreateSlot = named(
  'CreateSlot',
  Body(
    { product_id: Id('prd'), pool_id: Id('pool'), ...SlotFields },
    { description: 'Appended at the end of the run-of-show' },
  ),
  newSlotExample,
)
export const Slot = named(
  'Slot',
  Type.Object(
    {
      id: Id('slot'),
      session_id: Id('ses'),
      position: Type.Integer({ description: '0-based place in the run-of-show' }),
      product_id: Id('prd'),
      sku_id: Nullable(Id('sku')),
      pool_id: Id('pool'),
      planned_minute: Type.Integer({ description: 'Minutes after the planned start' }),
      duration_minutes: Type.Integer(),
      live_price: ref(Money),
      offer: Nullable(ref(Offer)),
      supply_cap: Nullable(Type.Integer({ description: 'Units offered; never above the pool’s supply limit' })),
      hero: Type.Boolean({ description: '爆品: the session’s hero product' }),
      check: ref(SlotCheck),
      version: Type.Integer(),
      created_at: Timestamp,
      updated_at: Timestamp,
    },
    { description: 'A product slot of a run-of-show' },
  ),
  {
    id: exampleId('slot'),
    session_id: exampleId('ses'),
    position: 0,
    ...newSlotExample,
    check: exampleOf(SlotCheck)!,
    version: 1,
    created_at: '2026-11-28T03:45:12.808Z',
    updated_at: '2026-11-28T03:45:12.808Z',
  },
)
export const RunOfShow = named(
  'RunOfShow',
  Type.Object({
    session_id: Id('ses'),
    version: Type.Integer({ description: 'The run-of-show’s ETag; every slot change and reorder bumps it' }),
    slots: Type.Array(ref(Slot), { description: 'In order' }),
    warnings: Type.Array(Type.Object({ slot_id: Id('slot'), code: Type.String(), message: Type.String() }), {
      description: 'Every warning of every slot',
    }),
    rejected_slot_ids: Type.Array(Id('slot'), {
      description: 'Slots that break their brand’s strategy: they block going live',
    }),
  }),
  {
    session_id: exampleId('ses'),
    version: 2,
    slots: [exampleOf(Slot)!],
    warnings: [],
    rejected_slot_ids: [],
  },
)
export const UpdateSlot = named(
  'UpdateSlot',
  Body({
    planned_minute: Type.Optional(SlotFields.planned_minute),
    duration_minutes: Type.Optional(SlotFields.duration_minutes),
    live_price: Type.Optional(SlotFields.live_price),
    offer: Type.Optional(Nullable(ref(Offer))),
    supply_cap: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 10_000_000 }))),
    hero: Type.Optional(Type.Boolean()),
  }),
  { planned_minute: 10, supply_cap: 40 },
)
export const ReorderRunOfShow = named(
  'ReorderRunOfShow',
  Body({
    slot_ids: Type.Array(Id('slot'), {
      maxItems: 200,
      uniqueItems: true,
      description: 'Every slot of the session, in the new order',
    }),
  }),
  { slot_ids: [exampleId('slot')] },
)

export type CreateCrewMemberInput = Static<typeof CreateCrewMember>
export type UpdateCrewMemberInput = Static<typeof UpdateCrewMember>
export type CreateSessionInput = Static<typeof CreateSession>
export type UpdateSessionInput = Static<typeof UpdateSession>
export type SessionListInput = Static<typeof SessionListQuery>
export type CrewScheduleInput = Static<typeof CrewScheduleQuery>
export type PinProductInput = Static<typeof PinProduct>
export type ShelfProductInput = Static<typeof ShelfProduct>
export type CreateCalendarFeedInput = Static<typeof CreateCalendarFeed>
export type CreateSlotInput = Static<typeof CreateSlot>
export type UpdateSlotInput = Static<typeof UpdateSlot>

export const SessionRecommendationQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })) },
  { additionalProperties: false },
)
export const SessionRecommendation = named(
  'SessionRecommendation',
  Type.Object({
    ...Recommendation.properties,
    session_score: Type.Number({
      description: 'The best of (anchor weight × score) over the session’s anchors, plus the gap bonus if it fills one',
    }),
    for_anchor_ids: Type.Array(Id('anc'), { description: 'The session’s anchors it was recommended for' }),
    fills_gap: Type.Boolean({ description: 'Its category is not in the run-of-show yet' }),
  }),
  { ...exampleOf(Recommendation)!, session_score: 0.7121, for_anchor_ids: [exampleId('anc')], fills_gap: true },
)
export const SessionRecommendationList = named(
  'SessionRecommendationList',
  Type.Object({
    session_id: Id('ses'),
    anchor_ids: Type.Array(Id('anc'), { description: 'Host first, then the guests' }),
    run_of_show_categories: Type.Array(Type.String(), { description: 'The categories the run-of-show already has' }),
    data: Type.Array(ref(SessionRecommendation)),
    generated_at: Timestamp,
  }),
  {
    session_id: exampleId('ses'),
    anchor_ids: [exampleId('anc')],
    run_of_show_categories: ['beauty'],
    data: [exampleOf(SessionRecommendation)!],
    generated_at: '2026-12-02T08:00:00.000Z',
  },
)
