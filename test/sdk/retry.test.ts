import t, { type Test } from 'tap'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  backoffDelay,
  getHealth,
  listApps,
  registerApp,
  Showrunner,
  ShowrunnerConnectionError,
  ShowrunnerProblemError,
  parseRetryAfter,
} from '../../sdk/src/index.js'
import { resolveRetryOptions } from '../../sdk/src/runtime/retry.js'

/**
 * Retries against a scripted local server: each request takes the next scripted answer
 * (`reset` drops the connection), and the server records what it was sent.
 */
type Answer = { status: number; headers?: Record<string, string>; body?: unknown } | 'reset'

async function scriptedServer(t: Test, answers: Answer[]) {
  const received: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string; at: number }[] = []
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c) => (body += c))
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body, at: Date.now() })
      const answer = answers.shift() ?? {
        status: 500,
        body: { type: 'about:blank', title: 'script exhausted', status: 500 },
      }
      if (answer === 'reset') return void req.socket.destroy()
      const json = answer.status >= 400 ? 'application/problem+json' : 'application/json'
      res.writeHead(answer.status, { 'content-type': json, 'request-id': `req_${received.length}`, ...answer.headers })
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { baseUrl, received }
}

const tokens = { getToken: async () => 'tok', invalidate: () => {} }
const page = { data: [], next_cursor: null }
const tooMany = (retryAfter?: string): Answer => ({
  status: 429,
  headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
  body: {
    type: 'https://showrunner.dev/problems/rate-limited',
    title: 'Too many requests',
    status: 429,
    code: 'rate_limited',
    detail: 'Slow down.',
  },
})
const unavailable: Answer = {
  status: 503,
  body: {
    type: 'https://showrunner.dev/problems/service-unavailable',
    title: 'Service unavailable',
    status: 503,
    code: 'service_unavailable',
  },
}

t.test('a 429 waits for Retry-After seconds, then succeeds', async (t) => {
  const { baseUrl, received } = await scriptedServer(t, [tooMany('1'), { status: 200, body: page }])
  const sr = new Showrunner({ baseUrl, tokenProvider: tokens })
  const started = Date.now()
  const { data } = await listApps({ client: sr.client })
  t.same(data, page)
  t.equal(received.length, 2)
  t.ok(received[1]!.at - received[0]!.at >= 950, `waited ${received[1]!.at - received[0]!.at} ms`)
  t.ok(Date.now() - started < 3000)
})

t.test('Retry-After as an HTTP date', async (t) => {
  const { baseUrl, received } = await scriptedServer(t, [
    tooMany(new Date(Date.now() + 1500).toUTCString()),
    { status: 200, body: page },
  ])
  const sr = new Showrunner({ baseUrl, tokenProvider: tokens })
  await listApps({ client: sr.client })
  // HTTP dates have whole seconds, so the wait is between 0.5 and 1.5 s.
  t.ok(received[1]!.at - received[0]!.at >= 400, `waited ${received[1]!.at - received[0]!.at} ms`)
})

t.test('a 503 backs off, and a POST keeps its Idempotency-Key across retries', async (t) => {
  const app = { app: { id: 'app_1' }, client: {}, client_secret: 's' }
  const { baseUrl, received } = await scriptedServer(t, [unavailable, 'reset', { status: 201, body: app }])
  const sr = new Showrunner({ baseUrl, tokenProvider: tokens, baseDelayMs: 20 })
  const { data } = await registerApp({ client: sr.client, body: { name: 'A', requested_scopes: ['events:read'] } })
  t.equal(data.app.id, 'app_1')
  t.equal(received.length, 3, '503, connection reset, then 201')
  const keys = received.map((r) => r.headers['idempotency-key'])
  t.match(keys[0], /^[0-9a-f-]{36}$/)
  t.same(keys, [keys[0], keys[0], keys[0]], 'one key for every attempt of the call')
  t.same(
    received.map((r) => r.body),
    Array(3).fill(JSON.stringify({ name: 'A', requested_scopes: ['events:read'] })),
    'the body is sent again each time',
  )
  t.ok(received.every((r) => r.headers.authorization === 'Bearer tok'))
})

t.test('gives up after maxAttempts and throws the last problem', async (t) => {
  const { baseUrl, received } = await scriptedServer(t, [
    tooMany('0'),
    tooMany('0'),
    tooMany('0'),
    { status: 200, body: page },
  ])
  const sr = new Showrunner({ baseUrl, tokenProvider: tokens, maxAttempts: 3 })
  const err = await listApps({ client: sr.client }).catch((e: unknown) => e)
  t.type(err, ShowrunnerProblemError)
  t.match(err, { status: 429, code: 'rate_limited', detail: 'Slow down.', requestId: 'req_3' })
  t.equal(received.length, 3)

  const once = await scriptedServer(t, [tooMany('0'), { status: 200, body: page }])
  const noRetry = new Showrunner({ baseUrl: once.baseUrl, tokenProvider: tokens, maxAttempts: 1 })
  t.match(await listApps({ client: noRetry.client }).catch((e: unknown) => e), { status: 429 })
  t.equal(once.received.length, 1, 'maxAttempts: 1 turns retries off')
})

t.test('a Retry-After beyond maxRetryAfterMs is not waited for', async (t) => {
  const { baseUrl, received } = await scriptedServer(t, [tooMany('3600'), { status: 200, body: page }])
  const sr = new Showrunner({ baseUrl, tokenProvider: tokens })
  const started = Date.now()
  t.match(await listApps({ client: sr.client }).catch((e: unknown) => e), { status: 429 })
  t.equal(received.length, 1)
  t.ok(Date.now() - started < 1000)
})

t.test('network errors: idempotent requests are retried, others are not', async (t) => {
  const { baseUrl, received } = await scriptedServer(t, ['reset', { status: 200, body: { status: 'ok' } }])
  const sr = new Showrunner({ baseUrl, tokenProvider: tokens, baseDelayMs: 10 })
  const { data } = await getHealth({ client: sr.client })
  t.same(data, { status: 'ok' })
  t.equal(received.length, 2)

  const patch = await scriptedServer(t, ['reset', { status: 200, body: {} }])
  const sr2 = new Showrunner({ baseUrl: patch.baseUrl, tokenProvider: tokens, baseDelayMs: 10 })
  const err = await sr2.client.patch({ url: '/v1/things/1', body: { a: 1 } }).catch((e: unknown) => e)
  t.type(err, ShowrunnerConnectionError, 'a PATCH without an Idempotency-Key is not repeated')
  t.equal(patch.received.length, 1)

  const down = new Showrunner({ baseUrl: 'http://127.0.0.1:9', tokenProvider: tokens, baseDelayMs: 1, maxAttempts: 2 })
  const refused = await getHealth({ client: down.client }).catch((e: unknown) => e)
  t.type(refused, ShowrunnerConnectionError)
  t.match((refused as Error).message, /Could not reach http:\/\/127\.0\.0\.1:9/)
})

t.test('an abort stops waiting', async (t) => {
  const { baseUrl, received } = await scriptedServer(t, [tooMany('30'), { status: 200, body: page }])
  const sr = new Showrunner({ baseUrl, tokenProvider: tokens })
  const controller = new AbortController()
  setTimeout(() => controller.abort(), 100)
  const started = Date.now()
  const err = await listApps({ client: sr.client, signal: controller.signal }).catch((e: unknown) => e)
  t.equal((err as Error).name, 'AbortError')
  t.ok(Date.now() - started < 2000)
  t.equal(received.length, 1)
})

t.test('a response that is not problem details still becomes a ShowrunnerProblemError', async (t) => {
  const { baseUrl } = await scriptedServer(t, [
    { status: 502, headers: { 'content-type': 'text/html' }, body: '<html>Bad gateway</html>' },
  ])
  const sr = new Showrunner({ baseUrl, tokenProvider: tokens })
  const err = await listApps({ client: sr.client }).catch((e: unknown) => e)
  t.type(err, ShowrunnerProblemError)
  t.match(err, { status: 502, type: 'about:blank', requestId: 'req_1' })
})

t.test('parseRetryAfter and backoffDelay', async (t) => {
  const now = Date.parse('2026-01-01T00:00:00Z')
  t.equal(parseRetryAfter('2', now), 2000)
  t.equal(parseRetryAfter(' 0 ', now), 0)
  t.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now), 5000)
  t.equal(parseRetryAfter('Wed, 31 Dec 2025 23:59:00 GMT', now), 0, 'a past date means now')
  t.equal(parseRetryAfter('soon', now), undefined)
  t.equal(parseRetryAfter('-1', now), undefined)
  t.equal(parseRetryAfter(null, now), undefined)

  const o = resolveRetryOptions({ baseDelayMs: 100, maxDelayMs: 1000 })
  t.equal(
    backoffDelay(1, o, () => 0),
    50,
  )
  t.equal(
    backoffDelay(1, o, () => 1),
    100,
  )
  t.equal(
    backoffDelay(3, o, () => 1),
    400,
  )
  t.equal(
    backoffDelay(10, o, () => 1),
    1000,
    'capped',
  )
  t.equal(
    backoffDelay(10, o, () => 0),
    500,
    'jitter stays within the cap',
  )
  t.throws(() => resolveRetryOptions({ maxAttempts: 0 }), RangeError)
})
