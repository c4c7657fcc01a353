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
import { BuyerRef } from '../buyers/index.js'
import { AGENT_KINDS, CONSULTATION_CHANNELS, CONSULTATION_STATUSES } from './tables.js'

const AgentKind = StringEnum(AGENT_KINDS, { description: 'human: a person at a desk; ai: an AI agent' })
const AgentName = Type.String({ minLength: 1, maxLength: 200, description: 'The desk person’s or the AI agent’s name' })

export const ConsultationActor = named(
  'ConsultationActor',
  Type.Object({
    type: StringEnum(['client', 'installation'] as const, {
      description: 'client: the MCN’s own API client; installation: an installed provider app',
    }),
    id: Type.String({ description: 'The cli_ or ins_ id' }),
  }),
  { type: 'installation', id: exampleId('ins') },
)
export const ConsultationAgent = named(
  'ConsultationAgent',
  Type.Object(
    {
      actor: ref(ConsultationActor),
      agent_kind: AgentKind,
      agent_name: Nullable(Type.String()),
      crew_member_id: Nullable(Id('crw')),
    },
    { description: 'Who claimed or answered: the API caller and the agent behind it' },
  ),
  {
    actor: exampleOf(ConsultationActor)!,
    agent_kind: 'ai',
    agent_name: '茶小二 (AI)',
    crew_member_id: null,
  },
)

export const ConsultationClaim = named(
  'ConsultationClaim',
  Type.Object(
    { by: ref(ConsultationAgent), claimed_at: Timestamp, expires_at: Timestamp },
    { description: 'Who holds the ticket, until when; an expired claim is shown as none, and anyone may claim' },
  ),
  {
    by: exampleOf(ConsultationAgent)!,
    claimed_at: '2026-12-11T02:10:05.000Z',
    expires_at: '2026-12-11T02:25:05.000Z',
  },
)

const Channel = StringEnum(CONSULTATION_CHANNELS, {
  description: 'Where the buyer asked: platform_im (the platform’s chat), wechat, app, web, phone, other',
})
const Status = StringEnum(CONSULTATION_STATUSES, {
  description: 'open until an agent answers, answered, closed (final)',
})

export const Consultation = named(
  'Consultation',
  Type.Object(
    {
      id: Id('con'),
      product_id: Id('prd'),
      anchor_id: Nullable(Id('anc')),
      buyer_id: Id('buy'),
      channel: Channel,
      question: Type.String(),
      status: Status,
      during_live: Type.Boolean({
        description:
          'True when the anchor was live at the time the ticket opened: it is taken, not refused, and flagged so a desk may route it to the live room instead',
      }),
      live_session_id: Nullable(Id('ses')),
      claim: Nullable(ref(ConsultationClaim)),
      answered_by: Nullable(ref(ConsultationAgent)),
      first_response_at: Nullable(Timestamp),
      first_response_seconds: Nullable(
        Type.Integer({ description: 'From opening to the first agent answer, in seconds' }),
      ),
      closed_at: Nullable(Timestamp),
      version: Type.Integer(),
      created_at: Timestamp,
      updated_at: Timestamp,
    },
    {
      description:
        '非直播时段咨询: a buyer’s question about a product outside live hours, claimed and answered by a human desk or an AI agent',
    },
  ),
  {
    id: exampleId('con'),
    product_id: exampleId('prd'),
    anchor_id: exampleId('anc'),
    buyer_id: exampleId('buy'),
    channel: 'platform_im',
    question: '这款普洱是生茶还是熟茶？适合送长辈吗？',
    status: 'answered',
    during_live: false,
    live_session_id: null,
    claim: exampleOf(ConsultationClaim)!,
    answered_by: exampleOf(ConsultationAgent)!,
    first_response_at: '2026-12-11T02:10:41.000Z',
    first_response_seconds: 43,
    closed_at: null,
    version: 3,
    created_at: '2026-12-11T02:09:58.000Z',
    updated_at: '2026-12-11T02:10:41.000Z',
  },
)
export const ConsultationList = Page(Consultation)

export const OpenConsultation = named(
  'OpenConsultation',
  Body({
    product_id: Id('prd'),
    anchor_id: Type.Optional(Id('anc')),
    buyer: ref(BuyerRef),
    text: Type.String({ minLength: 1, maxLength: 4000 }),
    channel: Channel,
  }),
  {
    product_id: exampleId('prd'),
    anchor_id: exampleId('anc'),
    buyer: exampleOf(BuyerRef)!,
    text: '这款普洱是生茶还是熟茶？适合送长辈吗？',
    channel: 'platform_im',
  },
)
export const ClaimConsultation = named(
  'ClaimConsultation',
  Body({
    agent_kind: AgentKind,
    agent_name: Type.Optional(AgentName),
    crew_member_id: Type.Optional(Id('crw')),
    ttl_seconds: Type.Optional(
      Type.Integer({
        minimum: 30,
        maximum: 86_400,
        default: 900,
        description: 'How long the claim holds without an answer before anyone may take the ticket',
      }),
    ),
  }),
  { agent_kind: 'ai', agent_name: '茶小二 (AI)' },
)
export const ConsultationMessage = named(
  'ConsultationMessage',
  Type.Object({
    id: Id('cmsg'),
    consultation_id: Id('con'),
    author: StringEnum(['buyer', 'agent'] as const),
    text: Type.String(),
    agent: Nullable(ref(ConsultationAgent)),
    created_at: Timestamp,
  }),
  {
    id: exampleId('cmsg'),
    consultation_id: exampleId('con'),
    author: 'agent',
    text: '是熟茶，2019 年勐海料，口感醇和，很适合送长辈。',
    agent: exampleOf(ConsultationAgent)!,
    created_at: '2026-12-11T02:10:41.000Z',
  },
)
export const ConsultationMessageList = Page(ConsultationMessage)
export const AnswerConsultation = named(
  'AnswerConsultation',
  Body({ text: Type.String({ minLength: 1, maxLength: 4000 }) }),
  { text: '是熟茶，2019 年勐海料，口感醇和，很适合送长辈。' },
)
export const CloseConsultation = named(
  'CloseConsultation',
  Body({
    reason: Type.Optional(
      StringEnum(['resolved', 'no_reply', 'spam', 'duplicate'] as const, { description: 'Default resolved' }),
    ),
  }),
  { reason: 'resolved' },
)
export const ConsultationListQuery = Type.Object(
  {
    ...PageQuery.properties,
    status: Type.Optional(Status),
    anchor_id: Type.Optional(Id('anc')),
    product_id: Type.Optional(Id('prd')),
  },
  { additionalProperties: false },
)
export const ConsultationStatsQuery = Type.Object(
  {
    anchor_id: Type.Optional(Id('anc')),
    product_id: Type.Optional(Id('prd')),
    from: Type.Optional({ ...Timestamp, description: 'Tickets opened from this time (inclusive)' }),
    to: Type.Optional({ ...Timestamp, description: 'Tickets opened before this time' }),
  },
  { additionalProperties: false },
)
export const ConsultationStats = named(
  'ConsultationStats',
  Type.Object(
    {
      anchor_id: Nullable(Id('anc')),
      product_id: Nullable(Id('prd')),
      from: Nullable(Timestamp),
      to: Nullable(Timestamp),
      count: Type.Integer({ description: 'Tickets opened in the range' }),
      answered: Type.Integer({ description: 'Of them, those an agent answered' }),
      median_first_response_seconds: Nullable(Type.Number()),
      p90_first_response_seconds: Nullable(Type.Number()),
    },
    { description: 'First-response times of the tickets opened in a range, for an anchor, a product or the tenant' },
  ),
  {
    anchor_id: exampleId('anc'),
    product_id: null,
    from: '2026-12-01T00:00:00.000Z',
    to: '2026-12-31T00:00:00.000Z',
    count: 214,
    answered: 209,
    median_first_response_seconds: 48,
    p90_first_response_seconds: 312.5,
  },
)

export type OpenConsultationInput = Static<typeof OpenConsultation>
export type ClaimConsultationInput = Static<typeof ClaimConsultation>
export type ConsultationListInput = Static<typeof ConsultationListQuery>
export type ConsultationStatsInput = Static<typeof ConsultationStatsQuery>
