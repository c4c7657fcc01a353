import t from 'tap'
import { sql } from 'drizzle-orm'
import pino from 'pino'
import { buildTestApp, createTenant } from '../../helper.js'
import { startWorkers } from '../../../src/runtime.js'
import { systemCtx } from '../../../src/lib/context.js'
import { sweep } from '../../../src/modules/webhooks/relay.js'
import { configureDelivery } from '../../../src/modules/webhooks/settings.js'
import { supplierAdmitted, waitUntil } from './events.js'
import { startReceiver } from './receiver.js'

t.test('a slow endpoint gets at most its concurrency limit and does not hold up the others', async (t) => {
  const { app } = await buildTestApp(t, { workers: true, config: { NODE_ENV: 'development' } })
  t.teardown(configureDelivery({ concurrencyPerEndpoint: 1 }))
  const mcn = await createTenant(app)
  const slow = await startReceiver(t, undefined, { holdMs: 600 })
  const fast = await startReceiver(t)
  await mcn.post('/v1/webhook-endpoints', { url: slow.url, event_types: ['supplier.admitted'] })
  await mcn.post('/v1/webhook-endpoints', { url: fast.url, event_types: ['supplier.admitted'] })
  for (let n = 1; n <= 4; n++) await supplierAdmitted(app, mcn, n)
  await Promise.all([slow.waitFor(4, 30000), fast.waitFor(4)])
  t.equal(slow.load.max, 1, 'never more than one delivery in flight to the slow endpoint')
  t.ok(fast.deliveries[3]!.at < slow.deliveries[3]!.at, 'the fast endpoint was served meanwhile')
  t.equal(new Set(slow.deliveries.map((d) => d.headers['webhook-id'])).size, 4, 'each event once')
})

t.test('an endpoint that turns slow holds up neither the other endpoints nor its own limit', async (t) => {
  const { app } = await buildTestApp(t, { workers: true, config: { NODE_ENV: 'development' } })
  t.teardown(configureDelivery({ concurrencyPerEndpoint: 2 }))
  const mcn = await createTenant(app)
  // Once its in-flight limit is reached, the rest of its messages go through delivery jobs.
  const slow = await startReceiver(t, undefined, { holdMs: 2000 })
  const fast = await startReceiver(t)
  await mcn.post('/v1/webhook-endpoints', { url: slow.url, event_types: ['supplier.admitted'] })
  await mcn.post('/v1/webhook-endpoints', { url: fast.url, event_types: ['supplier.admitted'] })
  for (let n = 1; n <= 6; n++) await supplierAdmitted(app, mcn, n)
  await fast.waitFor(6)
  await slow.waitFor(6, 60000)
  t.ok(
    fast.deliveries[5]!.at < slow.deliveries[0]!.at,
    'every event reached the fast endpoint before the slow one answered once',
  )
  t.ok(slow.load.max <= 2, `at most two requests at once to the slow endpoint (${slow.load.max})`)
  t.equal(new Set(slow.deliveries.map((d) => d.headers['webhook-id'])).size, 6, 'each event once')
})

t.test('an endpoint failing for five days straight is disabled and its owner told', async (t) => {
  const { app } = await buildTestApp(t, { workers: true, config: { NODE_ENV: 'development' } })
  const mcn = await createTenant(app)
  const failing = await startReceiver(t, () => ({ status: 500 }))
  const watcher = await startReceiver(t)
  const { endpoint } = (
    await mcn.post('/v1/webhook-endpoints', { url: failing.url, event_types: ['supplier.admitted'] })
  ).json()
  await mcn.post('/v1/webhook-endpoints', { url: watcher.url, event_types: ['webhook_endpoint.disabled'] })
  // Its failures began five days and a minute ago (earlier messages, not made here).
  await app.db.execute(
    sql`update webhook_endpoints set failing_since = now() - interval '5 days 1 minute' where id = ${endpoint.id}`,
  )
  await supplierAdmitted(app, mcn, 1)
  await watcher.waitFor(1)
  t.match(JSON.parse(watcher.deliveries[0]!.body), {
    type: 'webhook_endpoint.disabled',
    data: { endpoint_id: endpoint.id, reason: 'failing' },
  })
  t.match((await mcn.get(`/v1/webhook-endpoints/${endpoint.id}`)).json(), {
    enabled: false,
    disabled_reason: 'failing',
  })
  const [message] = (await mcn.get(`/v1/webhook-endpoints/${endpoint.id}/messages`)).json().data
  t.match(message, { state: 'failed', attempts: 1, next_attempt_at: null })
})

t.test('the sweeper queues what the database says is owed: unrelayed events and overdue messages', async (t) => {
  const { app, runtime } = await buildTestApp(t, { config: { NODE_ENV: 'development' } })
  const mcn = await createTenant(app)
  const receiver = await startReceiver(t, (_d, n) => ({ status: n === 1 ? 500 : 204 }))
  await mcn.post('/v1/webhook-endpoints', { url: receiver.url, event_types: ['supplier.admitted'] })
  const ctx = { ...systemCtx('test-sweep'), db: app.db, queues: app.queues, log: app.log }

  // No worker runs, so no relay heard the commit.
  const eventId = await supplierAdmitted(app, mcn, 1)
  t.same(await sweep(ctx), { events: 0, messages: 0 }, 'a fresh event is left to the relay')
  await app.db.execute(sql`update events set occurred_at = now() - interval '1 minute' where id = ${eventId}`)
  t.same(await sweep(ctx), { events: 1, messages: 0 })
  t.same(await sweep(ctx), { events: 1, messages: 0 }, 'still owed: queued again under the same job id')

  await startWorkers(runtime, pino({ level: 'silent' }))
  await receiver.waitFor(1)
  t.equal(receiver.deliveries[0]!.headers['webhook-id'], eventId)
  // The 500 schedules the retry 5 s out; pretend that job was lost and the message is long overdue.
  await waitUntil('the retry to be scheduled', async () => {
    const [row] = await app.db.execute<{ attempts: number }>(
      sql`select attempts from webhook_messages where event_id = ${eventId}`,
    )
    return row?.attempts === 1 ? true : undefined
  })
  await app.db.execute(
    sql`update webhook_messages set next_attempt_at = now() - interval '2 minutes' where event_id = ${eventId}`,
  )
  t.match(await sweep(ctx), { events: 0, messages: 1 })
  await receiver.waitFor(2, 4000)
  t.ok(receiver.deliveries[1]!.at - receiver.deliveries[0]!.at < 4500, 'sent by the sweeper, before the 5 s retry')
  await new Promise((r) => setTimeout(r, 6000))
  t.equal(receiver.deliveries.length, 2, 'the original retry job found its attempt already made')
})
