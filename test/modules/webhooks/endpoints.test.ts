import t from 'tap'
import postgres from 'postgres'
import { buildTestApp, createTenant } from '../../helper.js'
import { installedApp } from './installed-app.js'

const PUBLIC_URL = 'https://93.184.215.14/hooks'

t.test('endpoints: create shows the secret once, then read, change, rotate and delete', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app)

  const created = await mcn.post('/v1/webhook-endpoints', {
    url: PUBLIC_URL,
    event_types: ['supplier.*', 'supplier.admitted', 'supplier.*'],
    description: 'ERP sync',
  })
  t.equal(created.statusCode, 201, created.body)
  const { endpoint, secret } = created.json()
  t.match(secret, /^whsec_[A-Za-z0-9+/]+={0,2}$/)
  t.ok(Buffer.from(secret.slice(6), 'base64').length >= 24, 'at least 24 random bytes')
  t.match(endpoint, {
    url: PUBLIC_URL,
    event_types: ['supplier.*', 'supplier.admitted'],
    enabled: true,
    description: 'ERP sync',
    installation_id: null,
    version: 1,
  })

  const fetched = await mcn.get(`/v1/webhook-endpoints/${endpoint.id}`)
  t.equal(fetched.statusCode, 200)
  t.notOk(fetched.body.includes(secret.slice(6, 20)), 'the secret is never shown again')
  t.equal(fetched.headers.etag, '"1"')
  t.same(
    (await mcn.get('/v1/webhook-endpoints')).json().data.map((e: { id: string }) => e.id),
    [endpoint.id],
  )

  const stale = await mcn.patch(`/v1/webhook-endpoints/${endpoint.id}`, { enabled: false }, { 'if-match': '"7"' })
  t.equal(stale.statusCode, 412)
  const off = await mcn.patch(`/v1/webhook-endpoints/${endpoint.id}`, { enabled: false }, { 'if-match': '"1"' })
  t.match(off.json(), { enabled: false, disabled_reason: 'by_request', version: 2 })
  const on = await mcn.patch(`/v1/webhook-endpoints/${endpoint.id}`, { enabled: true, event_types: ['*'] })
  t.match(on.json(), { enabled: true, disabled_reason: null, disabled_at: null, event_types: ['*'] })

  const rotated = await mcn.post(`/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, { overlap_seconds: 600 })
  t.equal(rotated.statusCode, 200, rotated.body)
  t.not(rotated.json().secret, secret)
  const overlapEnds = Date.parse(rotated.json().endpoint.previous_secret_expires_at)
  t.ok(Math.abs(overlapEnds - (Date.now() + 600_000)) < 30_000, 'the old secret signs for the overlap asked for')

  t.equal((await mcn.delete(`/v1/webhook-endpoints/${endpoint.id}`)).statusCode, 204)
  t.equal((await mcn.get(`/v1/webhook-endpoints/${endpoint.id}`)).statusCode, 404)
})

t.test('an unknown event type is a 422 naming the known ones', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app)
  const res = await mcn.post('/v1/webhook-endpoints', {
    url: PUBLIC_URL,
    event_types: ['supplier.admited', 'supplier.*'],
  })
  t.equal(res.statusCode, 422)
  t.match(res.json().detail, /Unknown event types: supplier\.admited\. The known ones are: .*supplier\.admitted/)
  t.same(res.json().errors, [{ pointer: '/body/event_types/0', detail: 'supplier.admited is not an event type' }])
  t.equal(
    (await mcn.post('/v1/webhook-endpoints', { url: PUBLIC_URL, event_types: ['webhook.test'] })).statusCode,
    422,
    'the test event is not subscribable',
  )
  t.equal((await mcn.post('/v1/webhook-endpoints', { url: PUBLIC_URL, event_types: [] })).statusCode, 400)
})

t.test('outside development mode a URL reaching a private or loopback address is a 422 naming why', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app)
  const cases: [string, RegExp][] = [
    ['http://127.0.0.1:8080/hooks', /loopback/],
    ['http://2130706433/hooks', /127\.0\.0\.1 is a loopback/],
    ['http://10.1.2.3/hooks', /private/],
    ['http://[::ffff:169.254.169.254]/latest', /link-local/],
    ['ftp://93.184.215.14/hooks', /http or https/],
  ]
  for (const [url, why] of cases) {
    const res = await mcn.post('/v1/webhook-endpoints', { url, event_types: ['*'] })
    t.equal(res.statusCode, 422, url)
    t.match(res.json().errors, [{ pointer: '/body/url', detail: why }], url)
  }
  const created = (await mcn.post('/v1/webhook-endpoints', { url: PUBLIC_URL, event_types: ['*'] })).json()
  const moved = await mcn.patch(`/v1/webhook-endpoints/${created.endpoint.id}`, { url: 'http://192.168.0.10/' })
  t.equal(moved.statusCode, 422, 'checked on change too')
})

t.test('another tenant’s endpoint is a 404, and row-level security hides it from the app role', async (t) => {
  const { app, databaseUrl } = await buildTestApp(t)
  const owner = await createTenant(app)
  const intruder = await createTenant(app)
  const { endpoint } = (await owner.post('/v1/webhook-endpoints', { url: PUBLIC_URL, event_types: ['*'] })).json()
  for (const res of [
    await intruder.get(`/v1/webhook-endpoints/${endpoint.id}`),
    await intruder.patch(`/v1/webhook-endpoints/${endpoint.id}`, { enabled: false }),
    await intruder.delete(`/v1/webhook-endpoints/${endpoint.id}`),
    await intruder.post(`/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, {}),
  ])
    t.equal(res.statusCode, 404)
  t.same((await intruder.get('/v1/webhook-endpoints')).json().data, [])
  const query = `{ webhookEndpoint(id: "${endpoint.id}") { id url } webhookEndpoints { data { id } } }`
  t.same((await owner.post('/graphql', { query })).json().data, {
    webhookEndpoint: { id: endpoint.id, url: PUBLIC_URL },
    webhookEndpoints: { data: [{ id: endpoint.id }] },
  })
  t.same((await intruder.post('/graphql', { query })).json().data, {
    webhookEndpoint: null,
    webhookEndpoints: { data: [] },
  })

  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} })
  t.teardown(() => sql.end())
  const visible = (tenant?: string) =>
    sql.begin(async (tx) => {
      await tx`select set_config('role', 'showrunner_app', true)`
      if (tenant) await tx`select set_config('app.tenant_id', ${tenant}, true)`
      const [row] = await tx`select count(*)::int as n from webhook_endpoints`
      return row!.n as number
    })
  t.equal(await visible(), 0, 'no tenant set: no rows')
  t.equal(await visible(intruder.organizationId), 0, 'the other tenant: none of the owner’s')
  t.equal(await visible(owner.organizationId), 1)
})

t.test('an installed app owns endpoints in the MCN; uninstalling disables them', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app)
  const { caller: asApp, installationId } = await installedApp(app, mcn, ['webhooks:read', 'webhooks:write'])
  const mine = (await mcn.post('/v1/webhook-endpoints', { url: PUBLIC_URL, event_types: ['*'] })).json().endpoint
  const created = await asApp.post('/v1/webhook-endpoints', { url: PUBLIC_URL, event_types: ['supplier.*'] })
  t.equal(created.statusCode, 201, created.body)
  const theirs = created.json().endpoint
  t.equal(theirs.installation_id, installationId)

  t.same(
    (await asApp.get('/v1/webhook-endpoints')).json().data.map((e: { id: string }) => e.id),
    [theirs.id],
    'the app sees only its own',
  )
  t.equal((await asApp.get(`/v1/webhook-endpoints/${mine.id}`)).statusCode, 404)
  t.equal((await mcn.get('/v1/webhook-endpoints')).json().data.length, 2, 'the MCN sees every endpoint in its account')

  t.equal((await mcn.delete(`/v1/installations/${installationId}`)).statusCode, 200)
  t.match((await mcn.get(`/v1/webhook-endpoints/${theirs.id}`)).json(), {
    enabled: false,
    disabled_reason: 'installation_revoked',
  })
  t.match((await mcn.get(`/v1/webhook-endpoints/${mine.id}`)).json(), { enabled: true }, 'the MCN’s own stay on')
})
