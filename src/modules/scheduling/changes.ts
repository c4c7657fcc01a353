import type { Static } from 'typebox'
import { defineChange, defineResourceChange } from '../../lib/hooks.js'
import {
  SESSION_CANCELLED,
  SESSION_ENDED,
  SESSION_PRODUCT_PINNED,
  SESSION_SCHEDULED,
  SESSION_STARTED,
  SESSION_UPDATED,
} from './events.js'
import type { Session, SessionShowing } from './schemas.js'

type SessionResource = Static<typeof Session>

/** Public events of a session, with the session as presented; published in the writer's transaction. */
export const sessionScheduled = defineResourceChange<SessionResource>(SESSION_SCHEDULED, 'session')
export const sessionUpdated = defineResourceChange<SessionResource>(SESSION_UPDATED, 'session')
export const sessionStarted = defineResourceChange<SessionResource>(SESSION_STARTED, 'session')
export const sessionEnded = defineResourceChange<SessionResource>(SESSION_ENDED, 'session')
export const sessionCancelled = defineResourceChange<SessionResource>(SESSION_CANCELLED, 'session')

/** A showing is written once and only ends later, so its events carry version 1. */
export const productPinned = defineChange<Static<typeof SessionShowing>>(SESSION_PRODUCT_PINNED, {
  event: (s) => ({
    type: SESSION_PRODUCT_PINNED,
    resource: { type: 'session_showing', id: s.id, version: 1 },
    data: s,
  }),
})
