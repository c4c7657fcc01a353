import t from 'tap'
import { buildTestApp } from '../../helper.js'

t.test('health, readiness, request ids and problem details', async (t) => {
  const { app } = await buildTestApp(t)

  const health = await app.inject({ url: '/healthz' })
  t.equal(health.statusCode, 200)
  t.same(health.json(), { status: 'ok' })
  t.match(health.headers['request-id'], /^req_/)

  const ready = await app.inject({ url: '/readyz' })
  t.equal(ready.statusCode, 200)
  t.match(ready.json(), { status: 'ready', checks: { database: 'ok', queue: 'ok' }, queue_backend: 'redis' })

  const missing = await app.inject({ url: '/v1/nothing-here', headers: { 'request-id': 'trace-123' } })
  t.equal(missing.statusCode, 404)
  t.match(missing.headers['content-type'], /application\/problem\+json/)
  t.equal(missing.headers['request-id'], 'trace-123')
  t.match(missing.json(), {
    type: 'https://showrunner.dev/problems/not-found',
    title: 'Not found',
    status: 404,
    code: 'not_found',
    request_id: 'trace-123',
  })
})

t.test('readiness answers 503 when the database is gone', async (t) => {
  const { app, runtime } = await buildTestApp(t)
  await runtime.database.sql.end({ timeout: 1 })
  const ready = await app.inject({ url: '/readyz' })
  t.equal(ready.statusCode, 503)
  t.match(ready.json(), { status: 'unavailable', checks: { database: 'failing' } })
})
