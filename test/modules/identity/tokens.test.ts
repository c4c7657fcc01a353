import t from 'tap'
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, importJWK, jwtVerify, SignJWT, type JWK } from 'jose'
import { desc } from 'drizzle-orm'
import { signingKeys } from '../../../src/db/schema.js'
import { buildTestApp, createTenant, fetchToken } from '../../helper.js'

t.test('client credentials: both authentication methods, claims, RFC 6749 errors', async (t) => {
  const { app, config } = await buildTestApp(t)
  const mcn = await createTenant(app)

  const basic = Buffer.from(`${mcn.clientId}:${mcn.clientSecret}`).toString('base64')
  const viaBasic = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    payload: 'grant_type=client_credentials&scope=catalog:read%20events:read',
  })
  t.equal(viaBasic.statusCode, 200, 'client_secret_basic with a form body')
  t.equal(viaBasic.headers['cache-control'], 'no-store')
  const body = viaBasic.json()
  t.match(body, { token_type: 'Bearer', expires_in: config.TOKEN_TTL_SECONDS, scope: 'catalog:read events:read' })

  const header = decodeProtectedHeader(body.access_token)
  t.equal(header.typ, 'at+jwt')
  t.equal(header.alg, 'ES256')
  t.ok(header.kid)
  const claims = decodeJwt(body.access_token)
  t.match(claims, {
    iss: config.publicUrl,
    aud: config.publicUrl,
    sub: mcn.clientId,
    client_id: mcn.clientId,
    scope: 'catalog:read events:read',
    tenant: mcn.organizationId,
  })
  t.ok(claims.jti && claims.iat && claims.exp)
  t.equal(claims.exp! - claims.iat!, config.TOKEN_TTL_SECONDS)

  const viaPost = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    payload: { grant_type: 'client_credentials', client_id: mcn.clientId, client_secret: mcn.clientSecret },
  })
  t.equal(viaPost.statusCode, 200, 'client_secret_post with a JSON body')

  const wrongSecret = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { authorization: `Basic ${Buffer.from(`${mcn.clientId}:nope`).toString('base64')}` },
    payload: { grant_type: 'client_credentials' },
  })
  t.equal(wrongSecret.statusCode, 401)
  t.same(wrongSecret.json(), { error: 'invalid_client', error_description: 'Client authentication failed.' })
  t.match(wrongSecret.headers['www-authenticate'], /^Basic/)

  const unknownClient = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    payload: { grant_type: 'client_credentials', client_id: 'cli_nope', client_secret: 'x' },
  })
  t.equal(unknownClient.json().error, 'invalid_client')

  const badGrant = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    payload: { grant_type: 'password', client_id: mcn.clientId, client_secret: mcn.clientSecret },
  })
  t.equal(badGrant.statusCode, 400)
  t.equal(badGrant.json().error, 'unsupported_grant_type')

  const badScope = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    payload: {
      grant_type: 'client_credentials',
      client_id: mcn.clientId,
      client_secret: mcn.clientSecret,
      scope: 'organizations:write',
    },
  })
  t.equal(badScope.statusCode, 400)
  t.equal(badScope.json().error, 'invalid_scope')

  const both = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: { authorization: `Basic ${basic}` },
    payload: { grant_type: 'client_credentials', client_secret: mcn.clientSecret },
  })
  t.equal(both.json().error, 'invalid_request')
})

t.test('the API refuses tokens that are missing, forged, expired, or of the wrong kind', async (t) => {
  const { app, config } = await buildTestApp(t)
  const mcn = await createTenant(app)
  const ok = await mcn.get('/v1/events')
  t.equal(ok.statusCode, 200)

  const none = await app.inject({ url: '/v1/events' })
  t.equal(none.statusCode, 401)
  t.equal(none.json().code, 'unauthenticated')
  t.equal(none.headers['www-authenticate'], 'Bearer')

  const [key] = await app.db.select().from(signingKeys).orderBy(desc(signingKeys.createdAt)).limit(1)
  const privateKey = await importJWK(key!.privateJwk as JWK, 'ES256')
  const claims = decodeJwt(mcn.token)
  const forge = (
    header: Record<string, unknown>,
    overrides: Record<string, unknown> = {},
    exp: string | number = '5m',
  ) =>
    new SignJWT({ ...claims, ...overrides })
      .setProtectedHeader({ alg: 'ES256', kid: key!.kid, typ: 'at+jwt', ...header } as never)
      .setExpirationTime(exp)
      .sign(privateKey)

  const call = (token: string) => app.inject({ url: '/v1/events', headers: { authorization: `Bearer ${token}` } })
  t.equal((await call(await forge({}))).statusCode, 200, 'a correctly made token is accepted (control)')
  t.equal((await call(await forge({ typ: 'JWT' }))).statusCode, 401, 'wrong typ')
  t.equal((await call(await forge({}, { iss: 'https://evil.example' }))).statusCode, 401, 'wrong iss')
  t.equal((await call(await forge({}, { aud: 'https://other.example' }))).statusCode, 401, 'wrong aud')
  t.equal((await call(await forge({}, {}, Math.floor(Date.now() / 1000) - 10))).statusCode, 401, 'expired')

  const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${Buffer.from(JSON.stringify({ ...claims, iss: config.publicUrl })).toString('base64url')}.`
  t.equal((await call(unsigned)).statusCode, 401, 'alg none')
  const tampered = mcn.token.split('.')
  tampered[1] = Buffer.from(JSON.stringify({ ...claims, tenant: 'org_someoneelse' })).toString('base64url')
  const res = await call(tampered.join('.'))
  t.equal(res.statusCode, 401, 'tampered payload')
  t.match(res.headers['www-authenticate'], /invalid_token/)
})

t.test('missing scope is 403 naming the scope', async (t) => {
  const { app } = await buildTestApp(t)
  const reader = await createTenant(app, { scopes: ['catalog:read'] })
  const res = await reader.get('/v1/events')
  t.equal(res.statusCode, 403)
  t.match(res.json(), { code: 'insufficient_scope', required_scope: 'events:read' })
  t.match(res.json().detail, /events:read/)
})

t.test('signing keys rotate: published before use, old tokens stay valid', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app)
  const oldKid = decodeProtectedHeader(mcn.token).kid

  const pending = await app.keys.rotate(600)
  const jwks = (await app.inject({ url: '/.well-known/jwks.json' })).json()
  t.ok(
    jwks.keys.some((k: { kid: string }) => k.kid === pending.kid),
    'the new key is published at once',
  )
  t.ok(
    jwks.keys.every((k: Record<string, unknown>) => !('d' in k)),
    'no private parts are published',
  )
  const beforeActivation = await fetchToken(app, { client_id: mcn.clientId, client_secret: mcn.clientSecret })
  t.equal(decodeProtectedHeader(beforeActivation).kid, oldKid, 'it does not sign before its activation time')

  const active = await app.keys.rotate(0)
  const after = await fetchToken(app, { client_id: mcn.clientId, client_secret: mcn.clientSecret })
  t.equal(decodeProtectedHeader(after).kid, active.kid, 'an activated key signs new tokens')
  t.equal((await mcn.get('/v1/events')).statusCode, 200, 'a token from the retired key still verifies')
})

t.test('secrets rotate with an overlap; revoking a client stops its tokens at once', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app)
  const created = await mcn.post('/v1/clients', { name: 'deploy bot', scopes: ['events:read'] })
  t.equal(created.statusCode, 201)
  const { client, client_secret } = created.json()
  t.same(client.scopes, ['events:read'])
  t.notOk('secret_hashes' in client, 'hashes never leave the server')

  const rotated = await mcn.post(`/v1/clients/${client.id}/rotate-secret`, { overlap_seconds: 60 })
  t.equal(rotated.statusCode, 200)
  const newSecret = rotated.json().client_secret
  t.not(newSecret, client_secret)
  t.ok(await fetchToken(app, { client_id: client.id, client_secret }), 'the old secret works during the overlap')
  const botToken = await fetchToken(app, { client_id: client.id, client_secret: newSecret })

  const noOverlap = await mcn.post(`/v1/clients/${client.id}/rotate-secret`, { overlap_seconds: 0 })
  const newest = noOverlap.json().client_secret
  const old = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    payload: { grant_type: 'client_credentials', client_id: client.id, client_secret: newSecret },
  })
  t.equal(old.statusCode, 401, 'without overlap the previous secret stops at once')
  t.ok(await fetchToken(app, { client_id: client.id, client_secret: newest }))

  const cannotEscalate = await mcn.post('/v1/clients', { name: 'x', scopes: ['organizations:write'] })
  t.equal(cannotEscalate.statusCode, 403)

  const revoked = await mcn.post(`/v1/clients/${client.id}/revoke`)
  t.equal(revoked.statusCode, 200)
  t.ok(revoked.json().revoked_at)
  const refused = await app.inject({ url: '/v1/events', headers: { authorization: `Bearer ${botToken}` } })
  t.equal(refused.statusCode, 401, 'a token issued before revocation is refused on its next use')
  const noNewTokens = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    payload: { grant_type: 'client_credentials', client_id: client.id, client_secret: newest },
  })
  t.equal(noNewTokens.statusCode, 401)

  const other = await createTenant(app)
  t.equal(
    (await other.post(`/v1/clients/${client.id}/revoke`)).statusCode,
    404,
    'another org’s client does not exist for you',
  )
  const listed = (await mcn.get('/v1/clients')).json()
  t.ok(listed.data.some((c: { id: string }) => c.id === client.id))
})

t.test('an issued token verifies with jose against the published JWKS alone', async (t) => {
  const { app, config } = await buildTestApp(t)
  const mcn = await createTenant(app)
  const jwks = createLocalJWKSet((await app.inject({ url: '/.well-known/jwks.json' })).json())
  const { payload, protectedHeader } = await jwtVerify(mcn.token, jwks, {
    algorithms: ['ES256'],
    typ: 'at+jwt',
    issuer: config.publicUrl,
    audience: config.publicUrl,
  })
  t.equal(protectedHeader.alg, 'ES256')
  t.equal(payload.client_id, mcn.clientId)
  t.equal(payload.exp! - payload.iat!, config.TOKEN_TTL_SECONDS)
  t.equal(Buffer.from(mcn.token.split('.')[2]!, 'base64url').length, 64, 'R || S (RFC 7518 §3.4), not DER')
})
