import t from 'tap'
import {
  classifyStatus,
  judgeAttempt,
  MAX_ATTEMPTS,
  parseRetryAfter,
  RETRY_DELAYS_MS,
  retryDelay,
} from '../../../src/modules/webhooks/retry.js'

const S = 1000
const M = 60 * S
const H = 60 * M
const D = 24 * H
const start = new Date('2026-12-01T00:00:00Z')

t.test('what a status means', async (t) => {
  const table: [number, ReturnType<typeof classifyStatus>][] = [
    [200, 'success'],
    [204, 'success'],
    [299, 'success'],
    [301, 'failure'],
    [302, 'failure'],
    [307, 'failure'],
    [308, 'failure'],
    [400, 'failure'],
    [404, 'failure'],
    [410, 'gone'],
    [429, 'throttled'],
    [500, 'failure'],
    [502, 'failure'],
    [503, 'throttled'],
  ]
  for (const [status, meaning] of table) t.equal(classifyStatus(status), meaning, String(status))
})

t.test('a message that always fails walks the whole schedule, then gives up', async (t) => {
  t.same(RETRY_DELAYS_MS, [5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 14 * H, 20 * H, 24 * H])
  t.equal(MAX_ATTEMPTS, 10)
  // A fresh endpoint's first failing message: the failure run starts with its first attempt.
  let now = start
  const expectedGaps = [5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 14 * H, 20 * H, 24 * H]
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const verdict = judgeAttempt({
      attempt,
      result: { kind: 'response', status: 500 },
      now,
      failingSince: start,
      random: 0.5,
    })
    if (attempt < MAX_ATTEMPTS) {
      t.equal(verdict.outcome, 'retry', `attempt ${attempt} is retried`)
      if (verdict.outcome !== 'retry') return
      t.equal(
        verdict.nextAttemptAt.getTime() - now.getTime(),
        expectedGaps[attempt - 1],
        `gap after attempt ${attempt}`,
      )
      now = verdict.nextAttemptAt
    } else t.same(verdict, { outcome: 'failed' }, 'the tenth attempt is the last')
  }
  t.equal(now.getTime() - start.getTime(), 5 * S + 5 * M + 30 * M + 75 * H, 'about three days and three hours')
})

t.test('jitter stays within ±10% of each step', async (t) => {
  for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
    const base = RETRY_DELAYS_MS[attempt - 1]!
    for (const random of [0, 0.25, 0.5, 0.75, 0.999999]) {
      const delay = retryDelay(attempt, random)!
      t.ok(delay >= Math.floor(base * 0.9) && delay <= Math.ceil(base * 1.1), `step ${attempt}, random ${random}`)
    }
    t.ok(retryDelay(attempt, 0)! < retryDelay(attempt, 0.999999)!, 'different draws spread out')
  }
  t.equal(retryDelay(MAX_ATTEMPTS, 0.5), undefined)
})

t.test('success, 410, Retry-After, timeouts and the five-day rule', async (t) => {
  const base = { attempt: 3, now: start, failingSince: start, random: 0.5 }
  const cases: { name: string; input: Partial<Parameters<typeof judgeAttempt>[0]>; verdict: unknown }[] = [
    { name: '2xx succeeds', input: { result: { kind: 'response', status: 202 } }, verdict: { outcome: 'succeeded' } },
    {
      name: '410 disables the endpoint',
      input: { result: { kind: 'response', status: 410 } },
      verdict: { outcome: 'failed', disable: 'gone' },
    },
    {
      name: '429 waits as Retry-After seconds say',
      input: { result: { kind: 'response', status: 429, retryAfter: '120' } },
      verdict: { outcome: 'retry', nextAttemptAt: new Date(start.getTime() + 120 * S) },
    },
    {
      name: '503 with an HTTP date',
      input: { result: { kind: 'response', status: 503, retryAfter: new Date(start.getTime() + 3 * H).toUTCString() } },
      verdict: { outcome: 'retry', nextAttemptAt: new Date(start.getTime() + 3 * H) },
    },
    {
      name: 'Retry-After on a 500 is not a throttle: the schedule decides',
      input: { result: { kind: 'response', status: 500, retryAfter: '1' } },
      verdict: { outcome: 'retry', nextAttemptAt: new Date(start.getTime() + 30 * M) },
    },
    {
      name: 'an unreadable Retry-After falls back to the schedule',
      input: { result: { kind: 'response', status: 429, retryAfter: 'soon' } },
      verdict: { outcome: 'retry', nextAttemptAt: new Date(start.getTime() + 30 * M) },
    },
    {
      name: 'no answer (timeout, refused address) is a failure on the schedule',
      input: { result: { kind: 'error', error: 'no complete answer within 15 s' } },
      verdict: { outcome: 'retry', nextAttemptAt: new Date(start.getTime() + 30 * M) },
    },
    {
      name: 'four days of failures: still retried',
      input: { result: { kind: 'response', status: 500 }, now: new Date(start.getTime() + 4 * D) },
      verdict: { outcome: 'retry', nextAttemptAt: new Date(start.getTime() + 4 * D + 30 * M) },
    },
    {
      name: 'five days of failures: the endpoint is disabled',
      input: { result: { kind: 'response', status: 500 }, now: new Date(start.getTime() + 5 * D) },
      verdict: { outcome: 'failed', disable: 'failing' },
    },
    {
      name: 'a success after five days is still a success',
      input: { result: { kind: 'response', status: 200 }, now: new Date(start.getTime() + 6 * D) },
      verdict: { outcome: 'succeeded' },
    },
  ]
  for (const c of cases)
    t.same(judgeAttempt({ ...base, ...c.input } as Parameters<typeof judgeAttempt>[0]), c.verdict, c.name)
})

t.test('Retry-After parsing', async (t) => {
  t.equal(parseRetryAfter(undefined, start), undefined)
  t.equal(parseRetryAfter(' 30 ', start), 30 * S)
  t.equal(parseRetryAfter('999999999', start), 24 * H, 'capped at a day')
  t.equal(parseRetryAfter(new Date(start.getTime() - M).toUTCString(), start), 0, 'a date in the past means now')
  t.equal(parseRetryAfter('-5', start), undefined)
})
