import { declareEvent, resourceEventExample, schemaRef } from '../../lib/event-catalog.js'
import { exampleOf } from '../../lib/schemas.js'
import { Coupon, CouponClaim, Draw, LiveQuestion, Poll } from './schemas.js'

const scope = { scope: 'live_tools:read' }
const draw = exampleOf(Draw)!

export const QUESTION_ANSWERED = declareEvent(
  'question.answered',
  'A question in a live session’s Q&A was answered; data says by whom',
  schemaRef(LiveQuestion),
  resourceEventExample('question', LiveQuestion),
  scope,
)
export const POLL_OPENED = declareEvent(
  'poll.opened',
  'A poll opened for votes',
  schemaRef(Poll),
  resourceEventExample('poll', Poll),
  scope,
)
export const POLL_CLOSED = declareEvent(
  'poll.closed',
  'A poll closed; data carries its final tally',
  schemaRef(Poll),
  resourceEventExample('poll', Poll),
  scope,
)
export const COUPON_CREATED = declareEvent(
  'coupon.created',
  'A coupon was created for a session or product',
  schemaRef(Coupon),
  resourceEventExample('coupon', Coupon, { created: true }),
  scope,
)
export const COUPON_CLAIMED = declareEvent(
  'coupon.claimed',
  'A buyer claimed a coupon; the claim is written once and never changes',
  schemaRef(CouponClaim),
  {
    resource: { type: 'coupon_claim', id: exampleOf(CouponClaim)!.id, version: 1 },
    data: exampleOf(CouponClaim)!,
    occurred_at: '2026-12-11T12:20:00.000Z',
  },
  scope,
)
const drawAt = (extra: Partial<typeof draw>, version: number) => ({
  resource: { type: 'draw', id: draw.id, version },
  data: { ...draw, ...extra, version },
  occurred_at: '2026-12-11T12:15:00.000Z',
})
export const DRAW_CREATED = declareEvent(
  'draw.created',
  'A lucky draw opened; data carries the seed’s commitment (SHA-256), published before any entry',
  schemaRef(Draw),
  drawAt(
    { status: 'open', seed: null, entry_count: 0, entries_sha256: null, winners: [], closed_at: null, drawn_at: null },
    1,
  ),
  scope,
)
export const DRAW_CLOSED = declareEvent(
  'draw.closed',
  'A draw closed: its entry list is frozen (entries_sha256) and published at GET /v1/draws/{id}/proof',
  schemaRef(Draw),
  drawAt({ status: 'closed', seed: null, winners: [], drawn_at: null }, 2),
  scope,
)
export const DRAW_COMPLETED = declareEvent(
  'draw.completed',
  'The winners were drawn and the seed revealed; anyone can recompute them from the proof',
  schemaRef(Draw),
  resourceEventExample('draw', Draw),
  scope,
)
