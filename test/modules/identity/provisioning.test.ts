import t from 'tap'
import type { FastifyInstance } from 'fastify'
import postgres from 'postgres'
import { buildTestApp, callerFor, createTenant } from '../../helper.js'

/**
 * The README's "First credentials", replayed through the API: from the operator's platform
 * client (the one step left to `showrunner admin`) to an MCN token and a provider app's
 * installation token, with the token requests made as the README's curl lines make them
 * (HTTP Basic, form-encoded body).
 */
async function token(app: FastifyInstance, clientId: string, secret: string, form = '') {
  const res = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    payload: `grant_type=client_credentials${form}`,
  })
  return res
}

t.test('the newcomer path: platform → MCN and provider with first clients → installation token', async (t) => {
  const { app } = await buildTestApp(t)
  const platform = await createTenant(app, { kind: 'platform', name: 'Operator' })

  const mcnRes = await platform.post('/v1/organizations', {
    kind: 'mcn',
    name: 'Acme MCN',
    first_client: { name: 'acme back office' },
  })
  t.equal(mcnRes.statusCode, 201, mcnRes.body)
  const mcnOrg = mcnRes.json()
  t.equal(mcnOrg.kind, 'mcn')
  t.equal(mcnOrg.first_client.client.organization_id, mcnOrg.id)
  t.match(mcnOrg.first_client.client_secret, /^sk_/, 'the secret is in the answer')
  t.ok(mcnOrg.first_client.client.scopes.includes('apps:write'), 'an MCN’s first client gets every scope…')
  t.notOk(mcnOrg.first_client.client.scopes.includes('organizations:write'), '…but organizations:write')

  const mcnToken = await token(app, mcnOrg.first_client.client.id, mcnOrg.first_client.client_secret)
  t.equal(mcnToken.statusCode, 200, mcnToken.body)
  const mcn = callerFor(app, mcnToken.json().access_token, {
    organizationId: mcnOrg.id,
    clientId: mcnOrg.first_client.client.id,
    clientSecret: mcnOrg.first_client.client_secret,
  })
  t.equal((await mcn.get('/v1/products')).statusCode, 200, 'the MCN token works')

  const providerRes = await platform.post('/v1/organizations', {
    kind: 'provider',
    name: 'Pick Tools',
    first_client: { name: 'pick tools dev', scopes: ['apps:read', 'apps:write'] },
  })
  t.equal(providerRes.statusCode, 201, providerRes.body)
  const providerOrg = providerRes.json()
  t.same(providerOrg.first_client.client.scopes, ['apps:read', 'apps:write'], 'named scopes are kept')
  const providerToken = await token(app, providerOrg.first_client.client.id, providerOrg.first_client.client_secret)
  t.equal(providerToken.statusCode, 200, providerToken.body)
  const provider = callerFor(app, providerToken.json().access_token, {
    organizationId: providerOrg.id,
    clientId: providerOrg.first_client.client.id,
    clientSecret: providerOrg.first_client.client_secret,
  })

  const registered = await provider.post('/v1/apps', {
    name: 'Pick',
    requested_scopes: ['catalog:read', 'anchors:read'],
  })
  t.equal(registered.statusCode, 201, registered.body)
  const { app: pick, client: pickClient, client_secret: pickSecret } = registered.json()

  const installed = await mcn.post('/v1/installations', { app_id: pick.id, scopes: ['catalog:read'] })
  t.equal(installed.statusCode, 201, installed.body)
  const installation = installed.json()

  const insToken = await token(app, pickClient.id, pickSecret, `&installation_id=${installation.id}`)
  t.equal(insToken.statusCode, 200, insToken.body)
  t.equal(insToken.json().scope, 'catalog:read', 'only the granted scope')
  const asInstallation = callerFor(app, insToken.json().access_token, {
    organizationId: providerOrg.id,
    clientId: pickClient.id,
    clientSecret: pickSecret,
  })
  t.equal((await asInstallation.get('/v1/products')).statusCode, 200, 'a granted call works')
  const refused = await asInstallation.get('/v1/anchors')
  t.equal(refused.statusCode, 403, 'a call for a scope not granted is refused')
  t.equal(refused.json().required_scope, 'anchors:read')
})

t.test('an organization without first_client is created as before, with no client', async (t) => {
  const { app } = await buildTestApp(t)
  const platform = await createTenant(app, { kind: 'platform' })
  const res = await platform.post('/v1/organizations', { kind: 'mcn', name: 'Bare MCN' })
  t.equal(res.statusCode, 201)
  t.notOk('first_client' in res.json())
  const clients = await platform.get(`/v1/organizations/${res.json().id}/clients`)
  t.equal(clients.statusCode, 200)
  t.same(clients.json().data, [])

  const refused = await platform.post('/v1/organizations', {
    kind: 'mcn',
    name: 'Greedy MCN',
    first_client: { name: 'x', scopes: ['organizations:write'] },
  })
  t.equal(refused.statusCode, 422, 'an MCN client cannot hold organizations:write')
  t.equal(refused.json().errors[0].pointer, '/body/first_client/scopes')
})

t.test('organizations: the platform sees those it manages, anyone else its own', async (t) => {
  const { app } = await buildTestApp(t)
  const platform = await createTenant(app, { kind: 'platform' })
  const otherPlatform = await createTenant(app, { kind: 'platform' })
  const mcn = await createTenant(app, { kind: 'mcn' })
  const provider = await createTenant(app, { kind: 'provider' })

  const ids = async (caller: typeof mcn) => {
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const res = await caller.get(`/v1/organizations?limit=1${cursor ? `&cursor=${cursor}` : ''}`)
      t.equal(res.statusCode, 200, res.body)
      seen.push(...res.json().data.map((o: { id: string }) => o.id))
      cursor = res.json().next_cursor
    } while (cursor)
    return seen.sort()
  }
  t.same(await ids(platform), [platform.organizationId, mcn.organizationId, provider.organizationId].sort())
  t.same(await ids(mcn), [mcn.organizationId])

  t.equal((await platform.get(`/v1/organizations/${mcn.organizationId}`)).json().kind, 'mcn')
  t.equal((await platform.get(`/v1/organizations/${otherPlatform.organizationId}`)).statusCode, 404)
  t.equal((await mcn.get(`/v1/organizations/${provider.organizationId}`)).statusCode, 404)
  t.equal((await mcn.get(`/v1/organizations/${mcn.organizationId}`)).json().id, mcn.organizationId)
})

t.test('the platform creates, reads, rotates and revokes a client of an organization it manages', async (t) => {
  const { app, databaseUrl } = await buildTestApp(t)
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} })
  t.teardown(() => sql.end())
  const platform = await createTenant(app, { kind: 'platform' })
  const mcn = await createTenant(app, { kind: 'mcn' })
  const provider = await createTenant(app, { kind: 'provider' })

  const created = await platform.post(`/v1/organizations/${mcn.organizationId}/clients`, {
    name: 'made by the operator',
    scopes: ['catalog:read'],
  })
  t.equal(created.statusCode, 201, created.body)
  const { client, client_secret } = created.json()
  t.equal(client.organization_id, mcn.organizationId)
  t.equal((await token(app, client.id, client_secret)).statusCode, 200, 'its secret works')

  t.equal((await platform.get(`/v1/clients/${client.id}`)).json().id, client.id)
  t.equal((await mcn.get(`/v1/clients/${client.id}`)).json().name, 'made by the operator', 'the MCN sees it too')
  t.equal((await provider.get(`/v1/clients/${client.id}`)).statusCode, 404, 'another organization does not')
  t.equal(
    (await provider.post(`/v1/organizations/${mcn.organizationId}/clients`, { name: 'x' })).statusCode,
    404,
    'nor can it make one there',
  )

  const rotated = await platform.post(`/v1/clients/${client.id}/rotate-secret`, { overlap_seconds: 0 })
  t.equal(rotated.statusCode, 200, rotated.body)
  t.equal((await token(app, client.id, client_secret)).statusCode, 401, 'the old secret stops at once')
  t.equal((await token(app, client.id, rotated.json().client_secret)).statusCode, 200, 'the new one works')

  t.equal((await provider.post(`/v1/clients/${client.id}/revoke`)).statusCode, 404)
  const revoked = await platform.post(`/v1/clients/${client.id}/revoke`)
  t.equal(revoked.statusCode, 200)
  t.ok(revoked.json().revoked_at)
  t.equal((await token(app, client.id, rotated.json().client_secret)).statusCode, 401, 'revoked')

  const audited = await sql`select action, changes->>'organization_id' as org from audit_log
    where tenant_id = ${platform.organizationId} and resource_id = ${client.id} order by created_at, id`
  t.same(
    audited.map((r) => [r.action, r.org]),
    [
      ['client.created', mcn.organizationId],
      ['client.secret_rotated', mcn.organizationId],
      ['client.revoked', mcn.organizationId],
    ],
    'each write has its audit row, in the platform’s log, naming the organization',
  )

  const narrow = callerFor(
    app,
    (await token(app, platform.clientId, platform.clientSecret, '&scope=clients:write')).json().access_token,
    platform,
  )
  const noOrgScope = await narrow.post(`/v1/organizations/${mcn.organizationId}/clients`, { name: 'x' })
  t.equal(noOrgScope.statusCode, 403, 'another organization’s clients also need organizations:write')
  t.equal(noOrgScope.json().required_scope, 'organizations:write')
  t.equal((await narrow.post(`/v1/clients/${mcn.clientId}/revoke`)).statusCode, 403)
  t.equal((await narrow.post(`/v1/organizations/${platform.organizationId}/clients`, { name: 'own' })).statusCode, 201)
})
