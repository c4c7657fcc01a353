import t from 'tap'
import { eventExample } from '../../../src/lib/event-catalog.js'
import { buildTestApp, createTenant } from '../../helper.js'
import { startReceiver } from './receiver.js'
import { installedApp } from './installed-app.js'

t.test('a sample is a real event of the tenant, marked, and fans out to the endpoints subscribed to it', async (t) => {
  const { app } = await buildTestApp(t, { workers: true, config: { NODE_ENV: 'development' } })
  const mcn = await createTenant(app)
  const other = await createTenant(app)
  const suppliers = await startReceiver(t)
  const products = await startReceiver(t)
  const elsewhere = await startReceiver(t)
  for (const [caller, url, types] of [
    [mcn, suppliers.url, ['supplier.*']],
    [mcn, products.url, ['product.updated']],
    [other, elsewhere.url, ['*']],
  ] as const) {
    const res = await caller.post('/v1/webhook-endpoints', { url, event_types: types })
    t.equal(res.statusCode, 201, res.body)
  }

  const res = await mcn.post('/v1/webhook-samples', { type: 'supplier.admitted' })
  t.equal(res.statusCode, 201, res.body)
  const example = eventExample('supplier.admitted')!
  const event = res.json()
  t.match(event, {
    id: /^evt_/,
    type: 'supplier.admitted',
    tenant_id: mcn.organizationId,
    resource: example.resource,
    sample: true,
  })
  t.same(event.data, example.data)
  t.same((await mcn.get(`/v1/events/${event.id}`)).json(), event, 'in the event history as it was answered')

  await suppliers.waitFor(1)
  t.same(JSON.parse(suppliers.deliveries[0]!.body), event, 'delivered, the body is the event')
  await t.resolves(mcn.post('/v1/webhook-samples', { type: 'product.updated' }))
  await products.waitFor(1)
  await new Promise((r) => setTimeout(r, 500))
  t.equal(suppliers.deliveries.length, 1, 'not to an endpoint that does not subscribe to it')
  t.equal(elsewhere.deliveries.length, 0, 'never to another tenant')
})

t.test('samples: unknown types, webhook.test, scope and installed apps are refused', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app)
  const unknown = await mcn.post('/v1/webhook-samples', { type: 'supplier.promoted' })
  t.equal(unknown.statusCode, 422)
  t.match(unknown.json(), {
    detail: /"supplier\.promoted" is not an event type; samples can be made of: .*supplier\.admitted/,
    errors: [{ pointer: '/body/type' }],
  })
  t.notMatch(unknown.json().detail, /webhook\.test,/, 'the test event is not offered')
  const test = await mcn.post('/v1/webhook-samples', { type: 'webhook.test' })
  t.equal(test.statusCode, 422)
  t.match(test.json().detail, /POST \/v1\/webhook-endpoints\/\{id\}\/test/)
  t.equal((await mcn.post('/v1/webhook-samples', {})).statusCode, 400)

  const reader = await createTenant(app, { scopes: ['webhooks:read'] })
  t.equal((await reader.post('/v1/webhook-samples', { type: 'product.updated' })).statusCode, 403)
  const { caller } = await installedApp(app, mcn, ['webhooks:write', 'webhooks:read'])
  const byApp = await caller.post('/v1/webhook-samples', { type: 'product.updated' })
  t.equal(byApp.statusCode, 403)
  t.match(byApp.json().detail, /installed app cannot send samples/)
  t.same(
    (await mcn.get('/v1/events')).json().data.map((e: { type: string }) => e.type),
    ['installation.created'],
    'no sample was emitted (only the installation)',
  )
})
