/**
 * The pure rules of delivery: what an answer means and when to try again. No clock, no
 * randomness and no I/O of their own: the caller passes `now` and a random number, so a
 * table-driven test walks days of schedule in milliseconds.
 */

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/**
 * The Standard Webhooks specification's example schedule: the delay before each retry,
 * after the first attempt. Ten attempts over about three days.
 */
export const RETRY_DELAYS_MS = [
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  14 * HOUR,
  20 * HOUR,
  24 * HOUR,
] as const
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1

/** A 2xx that takes longer than this is a timeout, a failure. */
export const DELIVERY_TIMEOUT_MS = 15 * SECOND
/** An endpoint whose attempts have all failed for this long is disabled. */
export const DISABLE_AFTER_FAILING_MS = 5 * DAY
/** Jitter spreads retries of many messages that failed together: ±10% of the delay. */
export const JITTER = 0.1
/** Retry-After is honoured up to the longest step of the schedule. */
export const MAX_RETRY_AFTER_MS = 24 * HOUR

/** What one attempt came to, as the sender saw it. */
export type AttemptResult =
  | { kind: 'response'; status: number; retryAfter?: string | undefined }
  /** No answer: refused by the address check, DNS, connection, TLS or the timeout. */
  | { kind: 'error'; error: string }

export type Verdict =
  | { outcome: 'succeeded' }
  | { outcome: 'retry'; nextAttemptAt: Date }
  /** No more attempts for this message; `disable` also turns the endpoint off. */
  | { outcome: 'failed'; disable?: 'gone' | 'failing' }

/** What a status code means for the message. */
export function classifyStatus(status: number): 'success' | 'gone' | 'throttled' | 'failure' {
  if (status >= 200 && status < 300) return 'success'
  if (status === 410) return 'gone'
  if (status === 429 || status === 503) return 'throttled'
  // Redirects included: they are never followed, so the event did not arrive.
  return 'failure'
}

/** Retry-After as seconds or an HTTP date, in milliseconds from `now`; undefined if absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Math.min(Number(text) * SECOND, MAX_RETRY_AFTER_MS)
  // Only an HTTP date (`Wed, 21 Oct 2026 07:28:00 GMT`); Date.parse would also read "-5" as a year.
  const at = /^[A-Za-z]{3}, /.test(text) ? Date.parse(text) : Number.NaN
  if (Number.isNaN(at)) return undefined
  return Math.min(Math.max(at - now.getTime(), 0), MAX_RETRY_AFTER_MS)
}

/** The scheduled delay after attempt `attempt` (1-based), with jitter from `random` in [0, 1). */
export function retryDelay(attempt: number, random: number): number | undefined {
  const base = RETRY_DELAYS_MS[attempt - 1]
  if (base === undefined) return undefined
  return Math.round(base * (1 - JITTER + 2 * JITTER * random))
}

/**
 * The verdict on attempt number `attempt` of a message. `failingSince` is when the
 * endpoint's current run of failures began (this failure's time if it is the first).
 */
export function judgeAttempt(input: {
  attempt: number
  result: AttemptResult
  now: Date
  failingSince: Date
  random: number
}): Verdict {
  const { attempt, result, now } = input
  const meaning = result.kind === 'response' ? classifyStatus(result.status) : 'failure'
  if (meaning === 'success') return { outcome: 'succeeded' }
  if (meaning === 'gone') return { outcome: 'failed', disable: 'gone' }
  if (now.getTime() - input.failingSince.getTime() >= DISABLE_AFTER_FAILING_MS)
    return { outcome: 'failed', disable: 'failing' }
  const scheduled = retryDelay(attempt, input.random)
  if (scheduled === undefined) return { outcome: 'failed' }
  const asked =
    meaning === 'throttled' && result.kind === 'response' ? parseRetryAfter(result.retryAfter, now) : undefined
  const delay = asked ?? scheduled
  return { outcome: 'retry', nextAttemptAt: new Date(now.getTime() + delay) }
}
