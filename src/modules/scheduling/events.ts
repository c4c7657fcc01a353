import { declareEvent, resourceEventExample, schemaRef } from '../../lib/event-catalog.js'
import { exampleOf } from '../../lib/schemas.js'
import { Session, SessionShowing } from './schemas.js'

const session = exampleOf(Session)!
const at = (status: typeof session.status, extra: Partial<typeof session>, version: number) => ({
  resource: { type: 'session', id: session.id, version },
  data: { ...session, ...extra, status, version },
  occurred_at: '2026-12-10T12:01:04.310Z',
})

export const SESSION_SCHEDULED = declareEvent(
  'session.scheduled',
  'A live session was put on the calendar; data is the session as GET /v1/sessions/{id} shows it',
  schemaRef(Session),
  resourceEventExample('session', Session, { created: true }),
  { scope: 'sessions:read' },
)
export const SESSION_UPDATED = declareEvent(
  'session.updated',
  'A scheduled session’s title, room, planned times, anchors or crew changed; data is the session after the change',
  schemaRef(Session),
  at('scheduled', { planned_start: '2026-12-10T12:30:00.000Z', planned_end: '2026-12-10T14:30:00.000Z' }, 2),
  { scope: 'sessions:read' },
)
export const SESSION_STARTED = declareEvent(
  'session.started',
  'A session went live; data is the session with its actual start',
  schemaRef(Session),
  at('live', { started_at: '2026-12-10T12:01:04.310Z' }, 2),
  { scope: 'sessions:read' },
)
export const SESSION_ENDED = declareEvent(
  'session.ended',
  'A live session ended; data is the session with its actual start and end',
  schemaRef(Session),
  at('ended', { started_at: '2026-12-10T12:01:04.310Z', ended_at: '2026-12-10T14:07:51.002Z' }, 3),
  { scope: 'sessions:read' },
)
export const SESSION_CANCELLED = declareEvent(
  'session.cancelled',
  'A scheduled session was called off; its anchors and crew are free for the interval again',
  schemaRef(Session),
  at('cancelled', { cancelled_at: '2026-12-09T09:30:00.000Z' }, 2),
  { scope: 'sessions:read' },
)
export const SESSION_PRODUCT_PINNED = declareEvent(
  'session.product_pinned',
  'A product (or SKU) was pinned on screen in a live session; the one pinned before it ended at the same time',
  schemaRef(SessionShowing),
  {
    resource: { type: 'session_showing', id: exampleOf(SessionShowing)!.id, version: 1 },
    data: exampleOf(SessionShowing)!,
    occurred_at: '2026-12-10T12:05:30.000Z',
  },
  { scope: 'sessions:read' },
)
