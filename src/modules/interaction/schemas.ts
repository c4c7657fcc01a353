import { Type, type Static } from 'typebox'
import {
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
    text: Type.String({ description: 'What is shown: the moderation hook’s replacement when `state` is replaced' }),
    original_text: Nullable(
      Type.String({ description: 'What the buyer wrote, when the moderation hook replaced it; null otherwise' }),
    ),
    state: CommentState,
    moderation_reason: Nullable(
      Type.String({
        description:
          'Why it is hidden or replaced (`blocked_word: …`, the hook’s reason, `moderation_hook: timeout` / `: error …`); on a visible comment, why the hook could not review it (its on_timeout was allow)',
      }),
    ),
    occurred_at: Timestamp,
  }),
  {
    id: exampleId('iev'),
    event_id: 'dy-msg-7731',
    session_id: exampleId('ses'),
    buyer_id: exampleId('buy'),
    text: '加微信私聊',
    original_text: null,
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

const HookOnTimeout = StringEnum(['allow', 'hide'] as const, {
  description:
    'What a comment gets when the hook gives it no verdict in time (timeout, error, invalid or missing answer): allow shows it (fail open), hide hides it (fail closed)',
})
const HookTimeout = Type.Integer({
  minimum: 50,
  maximum: 5000,
  description: 'How long a batch waits for the hook’s answer, in milliseconds (the whole exchange)',
})

export const PutModerationHook = named(
  'PutModerationHook',
  Type.Object(
    {
      installation_id: Type.String({
        ...Id('ins'),
        description:
          'An app installed in this tenant and granted interactions:read: the comments it reviews are what that scope reads',
      }),
      url: Type.String({
        minLength: 1,
        maxLength: 2048,
        description:
          'Where each batch’s comments are POSTed: https, with a host that resolves only to public addresses (development mode also takes http to localhost)',
      }),
      timeout_ms: Type.Optional({ ...HookTimeout, default: 1000 }),
      on_timeout: HookOnTimeout,
    },
    { additionalProperties: false },
  ),
  {
    installation_id: exampleId('ins'),
    url: 'https://moderation.example-provider.com/showrunner/review',
    timeout_ms: 800,
    on_timeout: 'allow',
  },
)

export const ModerationHook = named(
  'ModerationHook',
  Type.Object({
    id: Id('mhk'),
    installation_id: Id('ins'),
    url: Type.String(),
    timeout_ms: HookTimeout,
    on_timeout: HookOnTimeout,
    active: Type.Boolean({
      description:
        'False while the installation is uninstalled or no longer holds interactions:read: batches are then moved as if there were no hook',
    }),
    version: Type.Integer(),
    created_at: Timestamp,
    updated_at: Timestamp,
  }),
  {
    id: exampleId('mhk'),
    installation_id: exampleId('ins'),
    url: 'https://moderation.example-provider.com/showrunner/review',
    timeout_ms: 800,
    on_timeout: 'allow',
    active: true,
    version: 1,
    created_at: '2026-12-01T08:00:00.000Z',
    updated_at: '2026-12-01T08:00:00.000Z',
  },
)

export const ModerationHookWithSecret = named(
  'ModerationHookWithSecret',
  Type.Object({
    hook: ref(ModerationHook),
    secret: Nullable(
      Type.String({
        description:
          'The Standard Webhooks secret that signs the hook’s requests: shown when the hook is created or moved to another installation, never again; null otherwise',
      }),
    ),
  }),
  {
    hook: exampleOf(ModerationHook)!,
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  },
)

export type PutModerationHookInput = Static<typeof PutModerationHook>
export type InteractionBatchInput = Static<typeof InteractionBatch>
