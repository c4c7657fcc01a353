import type { SessionStatus } from './tables.js'

export type SessionAction = 'start' | 'end' | 'cancel'

/** The legal moves of a session: scheduled → live → ended, scheduled → cancelled. */
export const TRANSITIONS: Record<SessionAction, { from: SessionStatus; to: SessionStatus }> = {
  start: { from: 'scheduled', to: 'live' },
  end: { from: 'live', to: 'ended' },
  cancel: { from: 'scheduled', to: 'cancelled' },
}

/** The statuses a session in `status` may move to, in a stable order. */
export function allowedNext(status: SessionStatus): SessionStatus[] {
  return Object.values(TRANSITIONS)
    .filter((t) => t.from === status)
    .map((t) => t.to)
}

/** Whether `action` is legal from `status`. */
export function canApply(action: SessionAction, status: SessionStatus): boolean {
  return TRANSITIONS[action].from === status
}

/** The sentence a refused transition answers with. */
export function transitionRefusal(action: SessionAction, status: SessionStatus): string {
  const next = allowedNext(status)
  const target = TRANSITIONS[action].to
  return next.length
    ? `The session is ${status} and cannot become ${target}; from ${status} it may only become ${next.join(' or ')}.`
    : `The session is ${status} and cannot become ${target}; ${status} is final.`
}
