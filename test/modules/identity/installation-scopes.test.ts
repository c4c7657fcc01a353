import t from 'tap'
import { buildTestApp, callerFor, createTenant, fetchToken } from '../../helper.js'

t.test(
  'the MCN changes an installed app’s scopes: fewer apply to its tokens at once, more to its next token',
  async (t) => {
    const { app } = await buildTestApp(t)
    const provider = await createTenant(app, { kind: 'provider' })
    const mcn = await createTenant(app, { kind: 'mcn' })
    const {
      app: appRecord,
      client,
      client_secret,
    } = (
      await provider.post('/v1/apps', {
        name: 'Insights',
        requested_scopes: ['events:read', 'jobs:read', 'audit:read'],
      })
    ).json()
    const installation = (
      await mcn.post('/v1/installations', { app_id: appRecord.id, scopes: ['events:read', 'audit:read'] })
    ).json()
    const tokenOf = () => fetchToken(app, { client_id: client.id, client_secret, installation_id: installation.id })
    const asApp = callerFor(app, await tokenOf(), {
      organizationId: provider.organizationId,
      clientId: client.id,
      clientSecret: client_secret,
    })
    t.equal((await asApp.get('/v1/audit-log')).statusCode, 200)

    const notRequested = await mcn.patch(`/v1/installations/${installation.id}`, { scopes: ['catalog:write'] })
    t.equal(notRequested.statusCode, 400)
    t.match(notRequested.json(), { errors: [{ pointer: '/body/scopes' }] })
    t.equal(
      (await mcn.patch(`/v1/installations/${installation.id}`, { scopes: ['events:read'] }, { 'if-match': '"7"' }))
        .statusCode,
      412,
      'a stale If-Match changes nothing',
    )
    t.equal(
      (await asApp.patch(`/v1/installations/${installation.id}`, { scopes: ['events:read', 'jobs:read'] })).statusCode,
      403,
      'the app cannot grant itself scopes',
    )
    t.same((await mcn.get(`/v1/installations/${installation.id}`)).json().granted_scopes, ['events:read', 'audit:read'])

    const narrowed = await mcn.patch(
      `/v1/installations/${installation.id}`,
      { scopes: ['events:read', 'jobs:read'] },
      { 'if-match': '"1"' },
    )
    t.equal(narrowed.statusCode, 200)
    t.match(narrowed.json(), { granted_scopes: ['events:read', 'jobs:read'], version: 2 })
    t.equal(narrowed.headers.etag, '"2"')
    t.equal((await asApp.get('/v1/audit-log')).statusCode, 403, 'a scope taken back stops on the token already issued')
    t.equal((await asApp.get('/v1/jobs')).statusCode, 403, 'a scope added is not on the token issued before')
    const renewed = callerFor(app, await tokenOf(), {
      organizationId: provider.organizationId,
      clientId: client.id,
      clientSecret: client_secret,
    })
    t.equal((await renewed.get('/v1/jobs')).statusCode, 200, 'the next token carries it')
    t.equal((await renewed.get('/v1/audit-log')).statusCode, 403)

    const again = await mcn.patch(`/v1/installations/${installation.id}`, { scopes: ['jobs:read', 'events:read'] })
    t.equal(again.json().version, 2, 'the same scopes in another order change nothing')
    const events = (await mcn.get('/v1/events?type=installation.scopes_changed')).json().data
    t.equal(events.length, 1, 'one event for the one change')
    t.match(events[0], {
      type: 'installation.scopes_changed',
      resource: { type: 'installation', id: installation.id, version: 2 },
      data: { granted_scopes: ['events:read', 'jobs:read'] },
    })

    await mcn.delete(`/v1/installations/${installation.id}`)
    const afterUninstall = await mcn.patch(`/v1/installations/${installation.id}`, { scopes: ['events:read'] })
    t.equal(afterUninstall.statusCode, 409)
    t.equal((await mcn.patch('/v1/installations/ins_01h00000000000000000000000', { scopes: [] })).statusCode, 404)
  },
)
