import t from 'tap'
import { buildTestApp, createTenant } from '../helper.js'

/** Windows are aligned to the clock (every process must agree on them): start clear of an edge. */
async function clearOfWindowEdge(windowSeconds: number, needMs = 5000) {
  const left = windowSeconds * 1000 - (Date.now() % (windowSeconds * 1000))
  if (left < needMs) await new Promise((r) => setTimeout(r, left + 50))
}

for (const backend of ['redis', 'memory'] as const) {
  t.test(`rate limits per client (${backend}): current-draft headers and 429 problem`, async (t) => {
    const { app } = await buildTestApp(t, {
      redis: backend === 'redis',
      config: { RATE_LIMIT_MAX: 3, RATE_LIMIT_WINDOW_SECONDS: 30 },
    })
    const a = await createTenant(app)
    const b = await createTenant(app)

    await clearOfWindowEdge(30)
    const first = await a.get('/v1/events')
    t.equal(first.statusCode, 200)
    t.equal(first.headers['ratelimit-policy'], '"default";q=3;w=30')
    t.match(first.headers.ratelimit, /^"default";r=2;t=\d+$/)
    t.notOk(first.headers['x-ratelimit-limit'])

    await a.get('/v1/events')
    await a.get('/v1/events', { 'x-forwarded-for': '10.9.9.9' })
    const limited = await a.get('/v1/events', { 'x-forwarded-for': '10.1.2.3' })
    t.equal(limited.statusCode, 429, 'a client-set X-Forwarded-For does not change the key')
    t.match(limited.headers['content-type'], /application\/problem\+json/)
    t.match(limited.json(), { code: 'rate_limited', status: 429, type: 'https://showrunner.dev/problems/rate-limited' })
    t.match(limited.headers['retry-after'], /^\d+$/)
    t.match(limited.headers.ratelimit, /^"default";r=0;/)

    t.equal((await b.get('/v1/events')).statusCode, 200, 'another client has its own budget')
  })
}
