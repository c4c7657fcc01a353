import { declareEvent, resourceEventExample, schemaRef } from '../../lib/event-catalog.js'
import { exampleOf } from '../../lib/schemas.js'
import { Consultation } from './schemas.js'

const ticket = exampleOf(Consultation)!
const scope = { scope: 'consultations:read' }
const at = (extra: Partial<typeof ticket>, version: number, occurred_at: string) => ({
  resource: { type: 'consultation', id: ticket.id, version },
  data: { ...ticket, ...extra, version },
  occurred_at,
})
const unanswered = { status: 'open' as const, answered_by: null, first_response_at: null, first_response_seconds: null }

export const CONSULTATION_OPENED = declareEvent(
  'consultation.opened',
  'A buyer asked about a product outside live hours; an agent may claim the ticket (POST /v1/consultations/{id}/claim)',
  schemaRef(Consultation),
  at({ ...unanswered, claim: null }, 1, '2026-12-11T02:09:58.000Z'),
  scope,
)
export const CONSULTATION_CLAIMED = declareEvent(
  'consultation.claimed',
  'An agent claimed the ticket; others are refused until the claim is released or expires',
  schemaRef(Consultation),
  at(unanswered, 2, '2026-12-11T02:10:05.000Z'),
  scope,
)
export const CONSULTATION_RELEASED = declareEvent(
  'consultation.released',
  'The agent holding the ticket let it go; anyone may claim it',
  schemaRef(Consultation),
  at({ ...unanswered, claim: null }, 3, '2026-12-11T02:12:00.000Z'),
  scope,
)
export const CONSULTATION_ANSWERED = declareEvent(
  'consultation.answered',
  'The agent holding the ticket answered; the first answer sets its first-response time',
  schemaRef(Consultation),
  resourceEventExample('consultation', Consultation, { occurredAt: '2026-12-11T02:10:41.000Z' }),
  scope,
)
export const CONSULTATION_CLOSED = declareEvent(
  'consultation.closed',
  'The ticket was closed; it takes no more answers or claims',
  schemaRef(Consultation),
  at({ status: 'closed', claim: null, closed_at: '2026-12-11T02:30:00.000Z' }, 4, '2026-12-11T02:30:00.000Z'),
  scope,
)
