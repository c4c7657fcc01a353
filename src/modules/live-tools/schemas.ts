import { createHash } from 'node:crypto'
import { Type, type Static } from 'typebox'
import {
  Body,
  Currency,
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
import { COUPON_STATUSES, DRAW_STATUSES, POLL_STATUSES } from './tables.js'

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max })

// ── Questions ────────────────────────────────────────────────────────────────

export const LiveAnswerer = named(
  'LiveAnswerer',
  Type.Object(
    {
      actor: Type.Object({
        type: StringEnum(['client', 'installation'] as const, {
          description: 'client: the MCN’s own API client; installation: an installed provider app',
        }),
        id: Type.String({ description: 'The cli_ or ins_ id' }),
      }),
      crew_member_id: Nullable(Id('crw')),
    },
    { description: 'Who answered: the API caller, and the crew member who spoke when one was named' },
  ),
  { actor: { type: 'client', id: exampleId('cli') }, crew_member_id: exampleId('crw') },
)

export const LiveQuestion = named(
  'LiveQuestion',
  Type.Object(
    {
      id: Id('qst'),
      session_id: Id('ses'),
      buyer_id: Id('buy'),
      text: Type.String(),
      answered: Type.Boolean(),
      answer: Nullable(Type.String()),
      answered_by: Nullable(ref(LiveAnswerer)),
      answered_at: Nullable(Timestamp),
      version: Type.Integer(),
      created_at: Timestamp,
      updated_at: Timestamp,
    },
    { description: 'A buyer’s question in a live session’s Q&A' },
  ),
  {
    id: exampleId('qst'),
    session_id: exampleId('ses'),
    buyer_id: exampleId('buy'),
    text: '这款茶可以冷泡吗？',
    answered: true,
    answer: '可以，冷泡 6 小时口感最好。',
    answered_by: exampleOf(LiveAnswerer)!,
    answered_at: '2026-12-11T12:04:10.000Z',
    version: 2,
    created_at: '2026-12-11T12:03:02.000Z',
    updated_at: '2026-12-11T12:04:10.000Z',
  },
)
export const LiveQuestionList = Page(LiveQuestion)
export const AskQuestion = named('AskQuestion', Body({ buyer: ref(BuyerRef), text: Text(1000) }), {
  buyer: exampleOf(BuyerRef)!,
  text: '这款茶可以冷泡吗？',
})
export const AnswerQuestion = named(
  'AnswerQuestion',
  Body({
    text: Text(4000),
    crew_member_id: Type.Optional({ ...Id('crw'), description: 'The crew member who answered on air, if any' }),
  }),
  { text: '可以，冷泡 6 小时口感最好。', crew_member_id: exampleId('crw') },
)
export const QuestionListQuery = Type.Object(
  {
    ...PageQuery.properties,
    answered: Type.Optional(Type.Boolean({ description: 'true: answered only; false: unanswered only' })),
  },
  { additionalProperties: false },
)

// ── Polls ────────────────────────────────────────────────────────────────────

export const PollOption = named(
  'PollOption',
  Type.Object({
    index: Type.Integer({ description: 'What a vote names' }),
    label: Type.String(),
    votes: Type.Integer({ description: 'Votes for this option now (final once the poll is closed)' }),
  }),
  { index: 0, label: '生普', votes: 812 },
)
export const Poll = named(
  'Poll',
  Type.Object(
    {
      id: Id('pol'),
      session_id: Id('ses'),
      question: Type.String(),
      status: StringEnum(POLL_STATUSES, { description: 'draft → open → closed; votes only while open' }),
      options: Type.Array(ref(PollOption)),
      total_votes: Type.Integer(),
      opened_at: Nullable(Timestamp),
      closed_at: Nullable(Timestamp),
      version: Type.Integer(),
      created_at: Timestamp,
      updated_at: Timestamp,
    },
    { description: 'A poll in a live session with its tally, readable live and after close' },
  ),
  {
    id: exampleId('pol'),
    session_id: exampleId('ses'),
    question: '下一款想看哪个？',
    status: 'open',
    options: [exampleOf(PollOption)!, { index: 1, label: '熟普', votes: 640 }],
    total_votes: 1452,
    opened_at: '2026-12-11T12:10:00.000Z',
    closed_at: null,
    version: 2,
    created_at: '2026-12-11T12:09:30.000Z',
    updated_at: '2026-12-11T12:10:00.000Z',
  },
)
export const PollList = Page(Poll)
export const CreatePoll = named(
  'CreatePoll',
  Body({
    question: Text(500),
    options: Type.Array(Text(200), { minItems: 2, maxItems: 20, uniqueItems: true }),
    open: Type.Optional(Type.Boolean({ default: false, description: 'Open it at once instead of as a draft' })),
  }),
  { question: '下一款想看哪个？', options: ['生普', '熟普'], open: true },
)
export const CastVote = named('CastVote', Body({ buyer: ref(BuyerRef), option: Type.Integer({ minimum: 0 }) }), {
  buyer: exampleOf(BuyerRef)!,
  option: 0,
})
export const PollVote = named(
  'PollVote',
  Type.Object({
    poll_id: Id('pol'),
    buyer_id: Id('buy'),
    option: Type.Integer(),
    replaced: Type.Boolean({ description: 'True when this vote replaced the buyer’s earlier one' }),
    voted_at: Timestamp,
  }),
  {
    poll_id: exampleId('pol'),
    buyer_id: exampleId('buy'),
    option: 0,
    replaced: false,
    voted_at: '2026-12-11T12:10:31.000Z',
  },
)

// ── Coupons ──────────────────────────────────────────────────────────────────

export const CouponDiscount = named(
  'CouponDiscount',
  Type.Union(
    [
      Type.Object(
        { percent: Type.Integer({ minimum: 1, maximum: 100, description: 'Percent off the price' }) },
        { additionalProperties: false },
      ),
      Type.Object(
        {
          amount: Type.Integer({ minimum: 1, description: 'Amount off, in minor units' }),
          currency: Currency,
        },
        { additionalProperties: false },
      ),
    ],
    { description: 'Percent off, or a fixed amount off in minor units' },
  ),
  { amount: 500, currency: 'CNY' },
)
export const Coupon = named(
  'Coupon',
  Type.Object(
    {
      id: Id('cpn'),
      session_id: Nullable(Id('ses')),
      product_id: Nullable(Id('prd')),
      name: Type.String(),
      discount: ref(CouponDiscount),
      total_limit: Type.Integer(),
      per_buyer_limit: Type.Integer(),
      issued_count: Type.Integer(),
      remaining: Type.Integer(),
      status: StringEnum(COUPON_STATUSES, { description: 'active takes claims; closed is final' }),
      starts_at: Nullable(Timestamp),
      ends_at: Nullable(Timestamp),
      version: Type.Integer(),
      created_at: Timestamp,
      updated_at: Timestamp,
    },
    { description: 'A coupon for a session or a product, with a total and a per-buyer limit' },
  ),
  {
    id: exampleId('cpn'),
    session_id: exampleId('ses'),
    product_id: exampleId('prd'),
    name: '直播间专享 5 元券',
    discount: exampleOf(CouponDiscount)!,
    total_limit: 1000,
    per_buyer_limit: 1,
    issued_count: 412,
    remaining: 588,
    status: 'active',
    starts_at: null,
    ends_at: null,
    version: 1,
    created_at: '2026-12-11T11:58:00.000Z',
    updated_at: '2026-12-11T11:58:00.000Z',
  },
)
export const CouponList = Page(Coupon)
export const CreateCoupon = named(
  'CreateCoupon',
  Body({
    session_id: Type.Optional(Id('ses')),
    product_id: Type.Optional(Id('prd')),
    name: Text(200),
    discount: ref(CouponDiscount),
    total_limit: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
    per_buyer_limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 1 })),
    starts_at: Type.Optional(Timestamp),
    ends_at: Type.Optional(Timestamp),
  }),
  {
    session_id: exampleId('ses'),
    product_id: exampleId('prd'),
    name: '直播间专享 5 元券',
    discount: exampleOf(CouponDiscount)!,
    total_limit: 1000,
    per_buyer_limit: 1,
  },
)
export const CouponListQuery = Type.Object(
  { ...PageQuery.properties, session_id: Type.Optional(Id('ses')) },
  { additionalProperties: false },
)
export const ClaimCoupon = named('ClaimCoupon', Body({ buyer: ref(BuyerRef) }), { buyer: exampleOf(BuyerRef)! })
export const CouponClaim = named(
  'CouponClaim',
  Type.Object({
    id: Id('ccl'),
    coupon_id: Id('cpn'),
    buyer_id: Id('buy'),
    discount: ref(CouponDiscount),
    buyer_claimed: Type.Integer({ description: 'How many of this coupon the buyer holds now, this one included' }),
    created_at: Timestamp,
  }),
  {
    id: exampleId('ccl'),
    coupon_id: exampleId('cpn'),
    buyer_id: exampleId('buy'),
    discount: exampleOf(CouponDiscount)!,
    buyer_claimed: 1,
    created_at: '2026-12-11T12:20:00.000Z',
  },
)

// ── Draws ────────────────────────────────────────────────────────────────────

const Hex64 = (description: string) => Type.String({ pattern: '^[0-9a-f]{64}$', description })
const seed = '9d1c7a54e2b8f0369a4c5e7d1b2f3a4c5d6e7f8091a2b3c4d5e6f708192a3b4c'
const commitment = createHash('sha256').update(Buffer.from(seed, 'hex')).digest('hex')

export const DrawWinner = named(
  'DrawWinner',
  Type.Object({ rank: Type.Integer({ minimum: 1 }), entry_id: Id('den'), buyer_id: Id('buy') }),
  { rank: 1, entry_id: exampleId('den'), buyer_id: exampleId('buy') },
)
export const Draw = named(
  'Draw',
  Type.Object(
    {
      id: Id('drw'),
      session_id: Id('ses'),
      prize: Type.String(),
      winners_count: Type.Integer(),
      status: StringEnum(DRAW_STATUSES, { description: 'open (takes entries) → closed (entries frozen) → drawn' }),
      commitment: Hex64('SHA-256 of the secret seed, published when the draw is created'),
      seed: Nullable(Hex64('The secret seed, revealed once the winners are drawn; null before')),
      entry_count: Type.Integer(),
      entries_sha256: Nullable(Hex64('SHA-256 of the frozen, sorted entry ids (each followed by \\n); set on close')),
      winners: Type.Array(ref(DrawWinner)),
      closed_at: Nullable(Timestamp),
      drawn_at: Nullable(Timestamp),
      version: Type.Integer(),
      created_at: Timestamp,
      updated_at: Timestamp,
    },
    { description: 'A provably fair lucky draw (抽奖): see GET /v1/draws/{id}/proof' },
  ),
  {
    id: exampleId('drw'),
    session_id: exampleId('ses'),
    prize: '2019 勐海熟普 357g 一饼',
    winners_count: 1,
    status: 'drawn',
    commitment,
    seed,
    entry_count: 3120,
    entries_sha256: 'a3f1c2d4e5b6978812ab34cd56ef7890a1b2c3d4e5f60718293a4b5c6d7e8f90',
    winners: [exampleOf(DrawWinner)!],
    closed_at: '2026-12-11T12:30:00.000Z',
    drawn_at: '2026-12-11T12:30:05.000Z',
    version: 3,
    created_at: '2026-12-11T12:15:00.000Z',
    updated_at: '2026-12-11T12:30:05.000Z',
  },
)
export const DrawList = Page(Draw)
export const CreateDraw = named(
  'CreateDraw',
  Body({ prize: Text(500), winners_count: Type.Integer({ minimum: 1, maximum: 10_000 }) }),
  { prize: '2019 勐海熟普 357g 一饼', winners_count: 1 },
)
export const EnterDraw = named('EnterDraw', Body({ buyer: ref(BuyerRef) }), { buyer: exampleOf(BuyerRef)! })
export const DrawEntry = named(
  'DrawEntry',
  Type.Object({ id: Id('den'), draw_id: Id('drw'), buyer_id: Id('buy'), created_at: Timestamp }),
  {
    id: exampleId('den'),
    draw_id: exampleId('drw'),
    buyer_id: exampleId('buy'),
    created_at: '2026-12-11T12:16:00.000Z',
  },
)
export const DrawEntryList = Page(DrawEntry)
export const DrawProof = named(
  'DrawProof',
  Type.Object(
    {
      draw_id: Id('drw'),
      algorithm: Type.Literal('showrunner-draw-v1', { description: 'Specified in docs/live-tools.md' }),
      status: StringEnum(DRAW_STATUSES),
      commitment: Hex64('SHA-256 of the seed, published before any entry'),
      seed: Nullable(Hex64('Revealed once drawn: check SHA-256(seed) = commitment')),
      winners_count: Type.Integer(),
      entries_final: Type.Boolean({ description: 'True once the draw is closed: the list below can no longer change' }),
      entries: Type.Array(Type.Object({ id: Id('den'), buyer_id: Id('buy') }), {
        description: 'Every entry, sorted by id ascending, as the algorithm takes them',
      }),
      entries_sha256: Nullable(Hex64('SHA-256 of the sorted entry ids, each followed by \\n')),
      winners: Type.Array(Id('den'), { description: 'Winning entry ids in draw order; empty before the draw' }),
    },
    { description: 'Everything needed to recompute a draw’s winners independently (examples/verify-draw.ts)' },
  ),
  {
    draw_id: exampleId('drw'),
    algorithm: 'showrunner-draw-v1',
    status: 'drawn',
    commitment,
    seed,
    winners_count: 1,
    entries_final: true,
    entries: [{ id: exampleId('den'), buyer_id: exampleId('buy') }],
    entries_sha256: 'a3f1c2d4e5b6978812ab34cd56ef7890a1b2c3d4e5f60718293a4b5c6d7e8f90',
    winners: [exampleId('den')],
  },
)

export type AskQuestionInput = Static<typeof AskQuestion>
export type AnswerQuestionInput = Static<typeof AnswerQuestion>
export type QuestionListInput = Static<typeof QuestionListQuery>
export type CreatePollInput = Static<typeof CreatePoll>
export type CastVoteInput = Static<typeof CastVote>
export type CreateCouponInput = Static<typeof CreateCoupon>
export type CouponListInput = Static<typeof CouponListQuery>
export type CreateDrawInput = Static<typeof CreateDraw>
