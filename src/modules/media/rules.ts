import type { MediaState } from './tables.js'

/** The states a media may move to from each state; ready and failed are final. */
export const TRANSITIONS: Record<MediaState, readonly MediaState[]> = {
  pending: ['submitted', 'processing', 'failed'],
  submitted: ['processing', 'ready', 'failed'],
  processing: ['ready', 'failed'],
  ready: [],
  failed: [],
}

const RANK: Record<MediaState, number> = { pending: 0, submitted: 1, processing: 2, ready: 3, failed: 3 }

export const canMove = (from: MediaState, to: MediaState) => TRANSITIONS[from].includes(to)

/**
 * What a transcoder's report does to a media in `current`: apply it, ignore it (a repeated or
 * late report that would move the media backwards or sideways out of a final state; transcoders
 * resend callbacks, and answering them an error would make them resend forever), or refuse it
 * (a forward move the table does not allow yet, e.g. ready before the hand-off was recorded:
 * the transcoder's retry will find the media submitted).
 */
export function callbackOutcome(current: MediaState, reported: MediaState): 'apply' | 'ignore' | 'refuse' {
  if (canMove(current, reported)) return 'apply'
  if (RANK[reported] <= RANK[current]) return 'ignore'
  return 'refuse'
}

/** The attempt on which a failure is final: the queue stops retrying after it. */
export const isLastAttempt = (attempt: number, attempts: number) => attempt >= attempts
