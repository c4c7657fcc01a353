import t from 'tap'
import { Webhook } from 'standardwebhooks'
import { buildTestApp, createTenant, waitForJob } from '../../helper.js'
import { supplierAdmitted, waitUntil } from './events.js'
import { installedApp } from './installed-app.js'
import { startReceiver } from './receiver.js'

const verify = (secret: string, d: { body: string; headers: Record<string, unknown> }) =>
  new Webhook(secret).verify(d.body, d.headers as Record<string, string>) as { id: string; type: string }

t.test('deliveries, retries, recovery and ownership through the real workers', async (t) => {
  const { app } = await buildTestApp(t, { workers: true, config: { NODE_ENV: 'development' } })
  const mcn = await createTenant(app)
  const create = async (url: string, event_types: string[]) => {
    const res = await mcn.post('/v1/webhook-endpoints', { url, event_types })
    t.equal(res.statusCode, 201, res.body)
    return res.json() as { endpoint: { id: string }; secret: string }
  }

  t.test('a test delivery goes to that endpoint only and answers with its attempt', async (t) => {
    const receiver = await startReceiver(t, () => ({ status: 200, body: 'ok' }))
    const bystander = await startReceiver(t)
    const { endpoint, secret } = await create(receiver.url, ['supplier.*'])
    await create(bystander.url, ['*'])
    const res = await mcn.post(`/v1/webhook-endpoints/${endpoint.id}/test`)
    t.equal(res.statusCode, 200, res.body)
    t.match(res.json(), { outcome: 'succeeded', status_code: 200, response_snippet: 'ok', attempt: 1, error: null })
    t.equal(receiver.deliveries.length, 1)
    const body = verify(secret, receiver.deliveries[0]!)
    t.equal(body.type, 'webhook.test')
    t.same((await mcn.get(`/v1/events/${body.id}`)).json(), body, 'a real event, as the history shows it')
    await new Promise((r) => setTimeout(r, 1000))
    t.equal(bystander.deliveries.length, 0, 'a subscription to * does not receive test events')
  })

  t.test('500s are retried on the schedule until the receiver recovers; every attempt is recorded', async (t) => {
    const long = 'x'.repeat(5000)
    const receiver = await startReceiver(t, (_d, n) => (n === 1 ? { status: 500, body: long } : { status: 204 }))
    const { endpoint } = await create(receiver.url, ['supplier.admitted'])
    const eventId = await supplierAdmitted(app, mcn, 10)
    await receiver.waitFor(2, 20000)
    const gap = receiver.deliveries[1]!.at - receiver.deliveries[0]!.at
    t.ok(gap >= 4000 && gap < 9000, `the first retry came after about 5 s (${gap} ms)`)
    t.equal(receiver.deliveries[1]!.headers['webhook-id'], eventId, 'the same webhook-id on every attempt')
    const attempts = await waitUntil('both attempts recorded', async () => {
      const list = (await mcn.get(`/v1/webhook-endpoints/${endpoint.id}/attempts`)).json().data
      return list.length === 2 ? list : undefined
    })
    t.match(attempts, [
      { attempt: 2, outcome: 'succeeded', status_code: 204 },
      { attempt: 1, outcome: 'failed', status_code: 500 },
    ])
    t.equal(attempts[1].response_snippet, long.slice(0, 1024), 'the snippet keeps the first KiB')
    t.ok(attempts[1].latency_ms >= 0)
    const [message] = (await mcn.get(`/v1/webhook-endpoints/${endpoint.id}/messages?state=succeeded`)).json().data
    t.match(message, { event_id: eventId, attempts: 2, state: 'succeeded', last_status: 204 })
    t.match(await mcn.get(`/v1/webhook-endpoints/${endpoint.id}`).then((r) => r.json()), { failing_since: null })

    // Resend: a new round from the first attempt.
    const resent = await mcn.post(`/v1/webhook-endpoints/${endpoint.id}/messages/${eventId}/resend`)
    t.equal(resent.statusCode, 202, resent.body)
    t.match(resent.json(), { round: 2, attempts: 0, state: 'pending' })
    await receiver.waitFor(3)
    t.equal(receiver.deliveries[2]!.headers['webhook-id'], eventId)
    const unknown = await mcn.post(
      `/v1/webhook-endpoints/${endpoint.id}/messages/evt_01h00000000000000000000000/resend`,
    )
    t.equal(unknown.statusCode, 404)

    // Replay: every event of the range the endpoint subscribes to, as a job resource.
    await supplierAdmitted(app, mcn, 11)
    await receiver.waitFor(4)
    const replay = await mcn.post(`/v1/webhook-endpoints/${endpoint.id}/replay`, {
      since: new Date(Date.now() - 3600_000).toISOString(),
    })
    t.equal(replay.statusCode, 202, replay.body)
    t.equal(replay.headers.location, `/v1/jobs/${replay.json().id}`)
    const job = await waitForJob(mcn, replay.json().id)
    t.match(job, { state: 'succeeded', result: { replayed: 2 } })
    await receiver.waitFor(6)
    t.same(
      receiver.deliveries
        .slice(4)
        .map((d) => d.headers['webhook-id'])
        .sort(),
      receiver.deliveries
        .slice(2, 4)
        .map((d) => d.headers['webhook-id'])
        .sort(),
    )
  })

  t.test('a 410 disables the endpoint and tells its owner with webhook_endpoint.disabled', async (t) => {
    const gone = await startReceiver(t, () => ({ status: 410 }))
    const watcher = await startReceiver(t)
    const { endpoint } = await create(gone.url, ['supplier.admitted'])
    const { secret: watcherSecret } = await create(watcher.url, ['webhook_endpoint.*'])
    await supplierAdmitted(app, mcn, 20)
    await watcher.waitFor(1)
    const told = verify(watcherSecret, watcher.deliveries[0]!) as unknown as { type: string; data: unknown }
    t.match(told, { type: 'webhook_endpoint.disabled', data: { endpoint_id: endpoint.id, reason: 'gone' } })
    t.match((await mcn.get(`/v1/webhook-endpoints/${endpoint.id}`)).json(), { enabled: false, disabled_reason: 'gone' })
    t.equal(gone.deliveries.length, 1, 'no retry after 410')
    t.equal(
      (await mcn.post(`/v1/webhook-endpoints/${endpoint.id}/test`)).statusCode,
      409,
      'a disabled endpoint takes no test',
    )
  })

  t.test('after a rotation each delivery verifies with the old secret and with the new one', async (t) => {
    const receiver = await startReceiver(t)
    const { endpoint, secret: old } = await create(receiver.url, ['supplier.admitted'])
    const fresh = (await mcn.post(`/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, {})).json().secret
    await supplierAdmitted(app, mcn, 30)
    await receiver.waitFor(1)
    const d = receiver.deliveries[0]!
    t.equal(String(d.headers['webhook-signature']).split(' ').length, 2, 'two signatures during the overlap')
    t.equal(verify(old, d).type, 'supplier.admitted')
    t.equal(verify(fresh, d).type, 'supplier.admitted')
    await mcn.post(`/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, { overlap_seconds: 0 })
    await supplierAdmitted(app, mcn, 31)
    await receiver.waitFor(2)
    t.equal(String(receiver.deliveries[1]!.headers['webhook-signature']).split(' ').length, 1, 'no overlap, one')
  })

  t.test('an installed app receives only events its granted scopes may read', async (t) => {
    const reader = await installedApp(app, mcn, ['webhooks:write', 'webhooks:read', 'catalog:read'])
    const blind = await installedApp(app, mcn, ['webhooks:write', 'webhooks:read'])
    const readerInbox = await startReceiver(t)
    const blindInbox = await startReceiver(t)
    const own = await startReceiver(t)
    t.equal(
      (await reader.caller.post('/v1/webhook-endpoints', { url: readerInbox.url, event_types: ['*'] })).statusCode,
      201,
    )
    const blindEndpoint = (
      await blind.caller.post('/v1/webhook-endpoints', { url: blindInbox.url, event_types: ['*'] })
    ).json().endpoint
    await create(own.url, ['supplier.admitted'])
    const eventId = await supplierAdmitted(app, mcn, 40)
    await Promise.all([readerInbox.waitFor(1), own.waitFor(1)])
    t.equal(readerInbox.deliveries[0]!.headers['webhook-id'], eventId, 'catalog:read granted: delivered')
    t.same((await blind.caller.get(`/v1/webhook-endpoints/${blindEndpoint.id}/messages`)).json().data, [])
    t.equal(blindInbox.deliveries.length, 0, 'no catalog:read: no supplier events')
  })
})
