import t from 'tap'
import { buildTestApp, callerFor, createTenant, fetchToken } from '../../helper.js'

t.test('a provider app installed by an MCN calls only that MCN’s data with only granted scopes', async (t) => {
  const { app } = await buildTestApp(t)
  const provider = await createTenant(app, { kind: 'provider', name: 'Data Tools Ltd' })
  const mcn = await createTenant(app, { kind: 'mcn', name: 'Star MCN' })
  const otherMcn = await createTenant(app, { kind: 'mcn', name: 'Other MCN' })

  const registered = await provider.post('/v1/apps', {
    name: 'Audience insights',
    requested_scopes: ['events:read', 'jobs:read', 'audit:read'],
  })
  t.equal(registered.statusCode, 201)
  const { app: appRecord, client, client_secret } = registered.json()
  t.equal(client.app_id, appRecord.id)
  t.equal(
    (await provider.post('/v1/apps', { name: 'Greedy', requested_scopes: ['clients:write'] })).statusCode,
    422,
    'credential scopes cannot be requested',
  )
  t.equal(
    (await mcn.post('/v1/apps', { name: 'Not a provider', requested_scopes: ['events:read'] })).statusCode,
    403,
    'only providers publish apps',
  )

  const notRequested = await mcn.post('/v1/installations', {
    app_id: appRecord.id,
    scopes: ['events:read', 'catalog:write'],
  })
  t.equal(notRequested.statusCode, 400)
  t.match(notRequested.json().errors, [{ pointer: '/body/scopes' }])

  const installed = await mcn.post('/v1/installations', { app_id: appRecord.id, scopes: ['events:read', 'audit:read'] })
  t.equal(installed.statusCode, 201)
  const installation = installed.json()
  t.match(installation, {
    mcn_id: mcn.organizationId,
    provider_id: provider.organizationId,
    granted_scopes: ['events:read', 'audit:read'],
    revoked_at: null,
  })
  t.equal(installed.headers.etag, '"1"')

  const appNoInstallation = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    payload: { grant_type: 'client_credentials', client_id: client.id, client_secret },
  })
  t.equal(appNoInstallation.json().error, 'invalid_request', 'an app client must name its installation')
  const orgClientWithInstallation = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    payload: {
      grant_type: 'client_credentials',
      client_id: provider.clientId,
      client_secret: provider.clientSecret,
      installation_id: installation.id,
    },
  })
  t.equal(orgClientWithInstallation.json().error, 'unauthorized_client')

  const token = await fetchToken(app, { client_id: client.id, client_secret, installation_id: installation.id })
  const asApp = callerFor(app, token, {
    organizationId: provider.organizationId,
    clientId: client.id,
    clientSecret: client_secret,
  })
  const tooMuch = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    payload: {
      grant_type: 'client_credentials',
      client_id: client.id,
      client_secret,
      installation_id: installation.id,
      scope: 'jobs:read',
    },
  })
  t.equal(tooMuch.json().error, 'invalid_scope', 'a requested-but-not-granted scope is refused')

  // The MCN's audit log holds the installation; the app reads it in the MCN's tenant.
  const audit = await asApp.get('/v1/audit-log')
  t.equal(audit.statusCode, 200)
  t.ok(
    audit
      .json()
      .data.some(
        (e: { action: string; resource: { id: string } }) =>
          e.action === 'installation.created' && e.resource.id === installation.id,
      ),
  )
  t.equal((await asApp.get('/v1/jobs')).statusCode, 403, 'jobs:read was not granted')
  t.match((await asApp.get('/v1/jobs')).json(), { required_scope: 'jobs:read' })
  t.equal(
    (await asApp.post('/v1/clients', { name: 'sneaky' })).statusCode,
    403,
    'installation tokens cannot mint credentials',
  )

  const otherInstall = await otherMcn.post('/v1/installations', { app_id: appRecord.id })
  t.equal(otherInstall.statusCode, 201)
  t.same(
    otherInstall.json().granted_scopes,
    ['events:read', 'jobs:read', 'audit:read'],
    'default grant is every requested scope',
  )
  const otherAudit = (await asApp.get('/v1/audit-log')).json().data
  t.notOk(
    otherAudit.some((e: { resource: { id: string } }) => e.resource.id === otherInstall.json().id),
    'the other MCN’s data is invisible to this installation',
  )
  t.equal(
    (await asApp.get(`/v1/installations/${otherInstall.json().id}`)).statusCode,
    403,
    'apps:read was never granted',
  )

  const providerView = (await provider.get('/v1/installations')).json().data.map((i: { id: string }) => i.id)
  t.ok(
    providerView.includes(installation.id) && providerView.includes(otherInstall.json().id),
    'the provider sees the installations of its app',
  )
  t.equal(
    (await otherMcn.get(`/v1/installations/${installation.id}`)).statusCode,
    404,
    'an MCN does not see another MCN’s installation',
  )

  const uninstalled = await mcn.delete(`/v1/installations/${installation.id}`)
  t.equal(uninstalled.statusCode, 200)
  t.ok(uninstalled.json().revoked_at)
  const afterUninstall = await asApp.get('/v1/audit-log')
  t.equal(afterUninstall.statusCode, 401, 'a token issued before uninstalling is refused on its next use')
  const noNewToken = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    payload: {
      grant_type: 'client_credentials',
      client_id: client.id,
      client_secret,
      installation_id: installation.id,
    },
  })
  t.equal(noNewToken.json().error, 'invalid_grant')
})

t.test('only the platform creates organizations', async (t) => {
  const { app } = await buildTestApp(t)
  const platform = await createTenant(app, { kind: 'platform' })
  const mcn = await createTenant(app, { kind: 'mcn' })
  const created = await platform.post('/v1/organizations', { kind: 'mcn', name: 'New MCN' })
  t.equal(created.statusCode, 201)
  t.match(created.json(), { kind: 'mcn', name: 'New MCN', id: /^org_/ })
  t.equal((await mcn.post('/v1/organizations', { kind: 'mcn', name: 'x' })).statusCode, 403)
  const invalid = await platform.post('/v1/organizations', { kind: 'bank', name: 'x', extra: 1 })
  t.equal(invalid.statusCode, 400)
  t.match(invalid.json(), {
    code: 'validation_failed',
    errors: [
      { pointer: '/body/extra', detail: 'unknown property "extra"' },
      { pointer: '/body/kind', detail: 'must be one of: mcn, provider, platform' },
    ],
  })
})
