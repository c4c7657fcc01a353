import { Type, type Static } from 'typebox'
import {
  exampleId,
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

export const InteractionBatch = named(
  'InteractionBatch',
  Type.Object(
    {
      events: Type.Array(Type.Unknown(), {
        minItems: 1,
        maxItems: 1000,
        description:
          'Up to 1,000 events, each validated on its own: { event_id, type (comment, like, join, leave, gift, share, question, follow), occurred_at, viewer: { platform, ref } } plus `text` for comment and question, optional `count` for like, `gift: { name?, value: Money }` for gift. The viewer’s platform reference is stored only as the tenant’s buyer pseudonym.',
      }),
    },
    { additionalProperties: false },
  ),
  {
    events: [
      {
        event_id: 'dy-msg-7731',
        type: 'comment',
        occurred_at: '2026-12-02T12:00:01.000Z',
        viewer: { platform: 'douyin', ref: 'dy_88213409' },
        text: '这款普洱还有吗？',
      },
    ],
  },
)

export const EventError = named(
  'InteractionEventError',
  Type.Object({
    index: Type.Integer({ description: 'Position of the event in the batch' }),
    event_id: Nullable(Type.String()),
    errors: Type.Array(
      Type.Object({
        field: Type.String(),
        code: Type.String({ description: 'required, type, format, range, unknown, duplicate' }),
        message: Type.String(),
      }),
    ),
  }),
  {
    index: 3,
    event_id: 'dy-msg-7734',
    errors: [{ field: 'text', code: 'required', message: 'text must be a string' }],
  },
)

export const InteractionBatchResult = named(
  'InteractionBatchResult',
  Type.Object({
    batch_id: Id('ibt'),
    accepted: Type.Integer({ description: 'Events durably written, duplicates of earlier batches included' }),
    duplicates: Type.Integer({ description: 'Accepted events whose event_id this session already had (a no-op)' }),
    rejected: Type.Integer(),
    errors: Type.Array(ref(EventError)),
  }),
  { batch_id: exampleId('ibt'), accepted: 999, duplicates: 0, rejected: 1, errors: [] },
)

export const SessionLiveStats = named(
  'SessionLiveStats',
  Type.Object({
    session_id: Id('ses'),
    viewers_now: Type.Integer({ description: 'Joins minus leaves, never below zero' }),
    viewers_peak: Type.Integer(),
    interactions: Type.Integer(),
    interactions_per_minute: Type.Integer({
      description: 'Events that occurred in the last complete minute',
    }),
    minutes: Type.Array(Type.Object({ minute: Timestamp, interactions: Type.Integer() }), {
      description: 'The latest 10 minutes that had events, newest first',
    }),
    comments: Type.Integer(),
    comments_hidden: Type.Integer(),
    likes: Type.Integer(),
    shares: Type.Integer(),
    follows: Type.Integer(),
    questions: Type.Integer(),
    joins: Type.Integer(),
    gifts: Type.Integer(),
    gift_value: Type.Array(ref(Money), { description: 'Gift value per currency, in minor units' }),
    last_event_at: Nullable(Timestamp),
    updated_at: Nullable(Timestamp),
  }),
  {
    session_id: exampleId('ses'),
    viewers_now: 1520,
    viewers_peak: 2210,
    interactions: 48_211,
    interactions_per_minute: 1830,
    minutes: [{ minute: '2026-12-02T12:00:00.000Z', interactions: 1830 }],
    comments: 9120,
    comments_hidden: 41,
    likes: 36_002,
    shares: 310,
    follows: 522,
    questions: 87,
    joins: 3100,
    gifts: 64,
    gift_value: [{ amount: 128_000, currency: 'CNY' }],
    last_event_at: '2026-12-02T12:00:59.000Z',
    updated_at: '2026-12-02T12:01:00.120Z',
  },
)

const CommentState = StringEnum(['visible', 'hidden', 'replaced'] as const, {
  description: 'hidden: kept with the reason, not shown; replaced: shown with the moderator’s text',
})

export const SessionComment = named(
  'SessionComment',
  Type.Object({
    id: Id('iev'),
    event_id: Type.String(),
    session_id: Id('ses'),
    buyer_id: Id('buy'),
    text: Type.String(),
    state: CommentState,
    moderation_reason: Nullable(Type.String()),
    occurred_at: Timestamp,
  }),
  {
    id: exampleId('iev'),
    event_id: 'dy-msg-7731',
    session_id: exampleId('ses'),
    buyer_id: exampleId('buy'),
    text: '加微信私聊',
    state: 'hidden',
    moderation_reason: 'blocked_word: 微信',
    occurred_at: '2026-12-02T12:00:01.000Z',
  },
)
export const SessionCommentList = Page(SessionComment)
export const SessionCommentQuery = Type.Object(
  { ...PageQuery.properties, state: Type.Optional(CommentState) },
  { additionalProperties: false },
)

export const BlockedWord = named(
  'BlockedWord',
  Type.Object({
    id: Id('bwd'),
    word: Type.String(),
    normalized: Type.String({ description: 'NFKC and case folded: what comments are compared with' }),
    created_at: Timestamp,
  }),
  { id: exampleId('bwd'), word: '微信', normalized: '微信', created_at: '2026-12-01T08:00:00.000Z' },
)
export const BlockedWordList = Page(BlockedWord)
export const CreateBlockedWord = named(
  'CreateBlockedWord',
  Type.Object({ word: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
  { word: 'ＶＸ' },
)

export type InteractionBatchInput = Static<typeof InteractionBatch>
