import t from 'tap'
import type { AddressInfo } from 'node:net'
import { buildTestApp, createTenant } from '../helper.js'
import {
  ClientCredentials,
  getApp,
  getHealth,
  listApps,
  listAuditLog,
  OAuthError,
  registerApp,
  Showrunner,
  ShowrunnerProblemError,
  type TokenProvider,
} from '../../sdk/src/index.js'

/**
 * The SDK runtime against the real app over real HTTP: tokens, 401 refresh, problem
 * errors, pagination and idempotency keys.
 */
const { app } = await buildTestApp(t)
await app.listen({ port: 0, host: '127.0.0.1' })
const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`

/** A fetch that records each request it sends (a clone, so bodies stay readable). */
function recordingFetch() {
  const sent: Request[] = []
  const fetchImpl: typeof fetch = async (input, init) => {
    const request = new Request(input, init)
    sent.push(request.clone())
    return fetch(request)
  }
  const to = (path: string) => sent.filter((r) => new URL(r.url).pathname === path)
  return { sent, fetch: fetchImpl, to }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

const provider = await createTenant(app, { kind: 'provider', name: 'SDK Tools' })
const creds = { baseUrl, clientId: provider.clientId, clientSecret: provider.clientSecret }

t.test('fetches a token with client_secret_basic, reuses it, and refreshes it before it expires', async (t) => {
  const rec = recordingFetch()
  let now = Date.now()
  const sr = new Showrunner({ ...creds, fetch: rec.fetch, now: () => now })

  await Promise.all([listApps({ client: sr.client }), listApps({ client: sr.client }), listApps({ client: sr.client })])
  await listApps({ client: sr.client })
  t.equal(rec.to('/oauth/token').length, 1, 'one token request for concurrent and later calls')
  const tokenRequest = rec.to('/oauth/token')[0]!
  t.match(tokenRequest.headers.get('authorization'), /^Basic /, 'client_secret_basic')
  t.equal(tokenRequest.headers.get('content-type'), 'application/x-www-form-urlencoded')
  t.equal(await tokenRequest.text(), 'grant_type=client_credentials')
  const firstToken = rec.to('/v1/apps')[0]!.headers.get('authorization')
  t.match(firstToken, /^Bearer ey/)
  t.ok(
    rec.to('/v1/apps').every((r) => r.headers.get('authorization') === firstToken),
    'every call carried the cached token',
  )

  // Tokens live 900 s here; 30 s before expiry the SDK takes a new one.
  now += 869_000
  await listApps({ client: sr.client })
  t.equal(rec.to('/oauth/token').length, 1, 'still cached 31 s before expiry')
  now += 2_000
  await listApps({ client: sr.client })
  t.equal(rec.to('/oauth/token').length, 2, 'refreshed within the margin')

  await getHealth({ client: sr.client })
  t.equal(rec.to('/healthz')[0]!.headers.get('authorization'), null, 'public operations carry no token')
})

t.test('a 401 drops the token, fetches a new one and retries once', async (t) => {
  const rec = recordingFetch()
  const real = new ClientCredentials({
    tokenUrl: `${baseUrl}/oauth/token`,
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
  })
  let stale: string | undefined = 'eyJ.stale.token'
  // Hands out a token the API refuses (as after a key rotation) until it is invalidated.
  const tokens: TokenProvider = {
    getToken: async () => stale ?? real.getToken(),
    invalidate: (token) => {
      if (token === stale) stale = undefined
      real.invalidate(token)
    },
  }
  const sr = new Showrunner({ baseUrl, tokenProvider: tokens, fetch: rec.fetch })
  const { data } = await listApps({ client: sr.client })
  t.ok(Array.isArray(data.data))
  const calls = rec.to('/v1/apps')
  t.equal(calls.length, 2)
  t.equal(calls[0]!.headers.get('authorization'), 'Bearer eyJ.stale.token')
  t.not(calls[1]!.headers.get('authorization'), 'Bearer eyJ.stale.token')

  // A token refused again is not retried forever: the 401 surfaces as a problem.
  const rec2 = recordingFetch()
  const broken = new Showrunner({
    baseUrl,
    tokenProvider: { getToken: async () => 'eyJ.never.valid', invalidate: () => {} },
    fetch: rec2.fetch,
  })
  const err = await listApps({ client: broken.client }).catch((e: unknown) => e)
  t.type(err, ShowrunnerProblemError)
  t.match(err, { status: 401, code: 'unauthenticated' })
  t.equal(rec2.to('/v1/apps').length, 1, 'the same token is not sent twice')
})

t.test('errors are typed: problem details with the request id, and OAuth errors', async (t) => {
  const sr = new Showrunner(creds)
  const missing = await getApp({ client: sr.client, path: { id: 'app_00000000000000000000000000' } }).catch(
    (e: unknown) => e,
  )
  t.type(missing, ShowrunnerProblemError)
  const problem = missing as ShowrunnerProblemError
  t.match(problem, {
    status: 404,
    code: 'not_found',
    title: 'Not found',
    type: 'https://showrunner.dev/problems/not-found',
  })
  t.match(problem.requestId, /^req_/)
  t.equal(problem.requestId, problem.headers.get('request-id'), 'the request-id header')
  t.equal(problem.problem.request_id, problem.requestId, 'the body repeats it')
  t.match(problem.message, problem.requestId!)

  const invalid = (await listApps({ client: sr.client, query: { limit: 1000 } }).catch(
    (e: unknown) => e,
  )) as ShowrunnerProblemError
  t.type(invalid, ShowrunnerProblemError)
  t.match(invalid, { status: 400, code: 'validation_failed' })
  t.match(invalid.errors, [{ pointer: '/querystring/limit' }])

  const narrow = new Showrunner({ ...creds, scope: ['apps:read'] })
  const forbidden = await registerApp({
    client: narrow.client,
    body: { name: 'x', requested_scopes: ['events:read'] },
  }).catch((e: unknown) => e)
  t.match(forbidden, { status: 403, code: 'insufficient_scope' }, 'the scope option narrows the token')

  const wrongSecret = new Showrunner({ ...creds, clientSecret: 'not-the-secret' })
  const oauth = await listApps({ client: wrongSecret.client }).catch((e: unknown) => e)
  t.type(oauth, OAuthError)
  t.match(oauth, { status: 401, error: 'invalid_client' })
  t.match((oauth as OAuthError).requestId, /^req_/)
})

t.test('paginate follows next_cursor across pages', async (t) => {
  const lister = await createTenant(app, { kind: 'provider', name: 'Many Apps' })
  const rec = recordingFetch()
  const sr = new Showrunner({ baseUrl, clientId: lister.clientId, clientSecret: lister.clientSecret, fetch: rec.fetch })
  const created: string[] = []
  for (let i = 0; i < 5; i++) {
    const { data } = await registerApp({
      client: sr.client,
      body: { name: `App ${i}`, requested_scopes: ['events:read'] },
    })
    created.push(data.app.id)
  }
  const seen: string[] = []
  for await (const item of sr.paginate(listApps, { limit: 2 })) seen.push(item.id)
  t.same([...seen].sort(), [...created].sort(), 'every app once')
  const pages = rec.to('/v1/apps').filter((r) => r.method === 'GET')
  t.equal(pages.length, 3, '2 + 2 + 1')
  t.equal(new URL(pages[0]!.url).searchParams.get('cursor'), null)
  t.ok(
    pages
      .slice(1)
      .every((r) => new URL(r.url).searchParams.get('limit') === '2' && new URL(r.url).searchParams.get('cursor')),
    'later pages pass the cursor',
  )

  // Stopping early fetches no further page.
  const early = recordingFetch()
  const sr2 = new Showrunner({
    baseUrl,
    clientId: lister.clientId,
    clientSecret: lister.clientSecret,
    fetch: early.fetch,
  })
  for await (const item of sr2.paginate(listApps, { limit: 2 })) {
    t.ok(item.id)
    break
  }
  t.equal(early.to('/v1/apps').length, 1)

  // The audit log (another list) pages the same way.
  let entries = 0
  for await (const entry of sr.paginate(listAuditLog, { limit: 2 }))
    entries += entry.action === 'app.registered' ? 1 : 0
  t.equal(entries, 5)
})

t.test('every POST carries an Idempotency-Key, and a replay returns the first result', async (t) => {
  const rec = recordingFetch()
  const sr = new Showrunner({ ...creds, fetch: rec.fetch })
  await registerApp({ client: sr.client, body: { name: 'Keyed', requested_scopes: ['events:read'] } })
  await registerApp({ client: sr.client, body: { name: 'Keyed', requested_scopes: ['events:read'] } })
  const keys = rec.to('/v1/apps').map((r) => r.headers.get('idempotency-key'))
  t.equal(keys.length, 2)
  t.ok(
    keys.every((k) => UUID.test(k ?? '')),
    'a random UUID',
  )
  t.not(keys[0], keys[1], 'a new key per call')
  t.equal(rec.to('/oauth/token')[0]!.headers.get('idempotency-key'), null, 'not on the token request')

  const key = 'sdk-test-replay-1'
  const first = await registerApp({
    client: sr.client,
    body: { name: 'Once', requested_scopes: ['events:read'] },
    headers: { 'Idempotency-Key': key },
  })
  const replay = await registerApp({
    client: sr.client,
    body: { name: 'Once', requested_scopes: ['events:read'] },
    headers: { 'Idempotency-Key': key },
  })
  t.equal(replay.data.app.id, first.data.app.id, 'the same app, not a second one')
  t.equal(replay.data.client_secret, first.data.client_secret)
  t.equal(replay.response.headers.get('idempotent-replayed'), 'true')
  const reused = await registerApp({
    client: sr.client,
    body: { name: 'Other', requested_scopes: ['events:read'] },
    headers: { 'Idempotency-Key': key },
  }).catch((e: unknown) => e)
  t.match(reused, { status: 422, code: 'idempotency_key_reused' })
})

t.test('an app acts in an installation with installationId', async (t) => {
  const mcn = await createTenant(app, { kind: 'mcn', name: 'SDK MCN' })
  const providerSdk = new Showrunner(creds)
  const { data: registered } = await registerApp({
    client: providerSdk.client,
    body: { name: 'Reader', requested_scopes: ['audit:read'] },
  })
  const install = await mcn.post('/v1/installations', { app_id: registered.app.id })
  t.equal(install.statusCode, 201)
  const asApp = new Showrunner({
    baseUrl,
    clientId: registered.client.id,
    clientSecret: registered.client_secret,
    installationId: install.json().id,
  })
  const { data } = await listAuditLog({ client: asApp.client })
  t.ok(
    data.data.some((e) => e.action === 'installation.created'),
    'reads the MCN’s audit log',
  )
})
