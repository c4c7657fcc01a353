import t from 'tap'
import { eq } from 'drizzle-orm'
import { apiClients } from '../../../src/db/schema.js'
import { legacyHashSecret } from '../../../src/modules/identity/secrets.js'
import { FAILED_ATTEMPTS_MAX } from '../../../src/modules/identity/failed-attempts.js'
import { buildTestApp, createTenant } from '../../helper.js'
import { startApp, testAppConfig } from '../../support/app.js'
import type { FastifyInstance } from 'fastify'

const tokenRequest = (app: FastifyInstance, clientId: string, secret: string) =>
  app.inject({
    method: 'POST',
    url: '/oauth/token',
    payload: { grant_type: 'client_credentials', client_id: clientId, client_secret: secret },
  })

async function storedHashes(app: FastifyInstance, clientId: string) {
  const [row] = await app.db.select().from(apiClients).where(eq(apiClients.id, clientId))
  return row!.secretHashes.map((h) => h.hash)
}

/** Puts the client back to a secret stored as scrypt, the way every client was stored before SHA-256. */
async function makeLegacy(app: FastifyInstance, clientId: string, secret: string) {
  const hash = await legacyHashSecret(secret)
  await app.db
    .update(apiClients)
    .set({ secretHashes: [{ hash, createdAt: new Date().toISOString(), expiresAt: null }] })
    .where(eq(apiClients.id, clientId))
}

t.test('new secrets are stored as SHA-256; an scrypt-stored client still gets a token and is upgraded', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app)
  t.match(await storedHashes(app, mcn.clientId), [/^sha256\$[A-Za-z0-9_-]{43}$/])

  await makeLegacy(app, mcn.clientId, mcn.clientSecret)
  const wrong = await tokenRequest(app, mcn.clientId, 'sk_wrong')
  t.equal(wrong.statusCode, 401, 'a wrong secret is still refused by the scrypt hash')
  t.match(await storedHashes(app, mcn.clientId), [/^scrypt\$/], 'a failure upgrades nothing')

  const first = await tokenRequest(app, mcn.clientId, mcn.clientSecret)
  t.equal(first.statusCode, 200, 'the old hash verifies')
  t.match(await storedHashes(app, mcn.clientId), [/^sha256\$/], 're-stored as SHA-256')
  const again = await tokenRequest(app, mcn.clientId, mcn.clientSecret)
  t.equal(again.statusCode, 200, 'and the secret works against the new hash')
  t.equal((await tokenRequest(app, mcn.clientId, `${mcn.clientSecret}x`)).statusCode, 401)
})

t.test('failed authentications are limited per client id across processes; the right secret still works', async (t) => {
  const { app, config, databaseUrl } = await buildTestApp(t)
  // A second process on the same database and Redis namespace.
  const other = await startApp(testAppConfig(databaseUrl, { overrides: { QUEUE_PREFIX: config.QUEUE_PREFIX } }))
  t.teardown(() => other.close())
  const mcn = await createTenant(app)
  const bystander = await createTenant(app)

  for (let i = 0; i < FAILED_ATTEMPTS_MAX; i++) {
    const res = await tokenRequest(i % 2 ? other.app : app, mcn.clientId, `sk_guess${i}`)
    t.equal(res.statusCode, 401, `failure ${i + 1} is an ordinary invalid_client`)
  }
  const limited = await tokenRequest(other.app, mcn.clientId, 'sk_one_more')
  t.equal(limited.statusCode, 429, 'the failures of both processes count together')
  t.match(limited.headers['retry-after'], /^\d+$/)
  t.ok(Number(limited.headers['retry-after']) >= 1 && Number(limited.headers['retry-after']) <= 60)
  t.match(limited.json(), {
    status: 429,
    code: 'rate_limited',
    error: 'invalid_client',
    error_description: /retry after/,
  })
  t.equal((await tokenRequest(app, mcn.clientId, 'sk_and_another')).statusCode, 429, 'on the first process too')

  t.equal((await tokenRequest(app, mcn.clientId, mcn.clientSecret)).statusCode, 200, 'nobody locks a client out')
  t.equal(
    (await tokenRequest(app, bystander.clientId, 'sk_wrong')).statusCode,
    401,
    'other clients keep their own count',
  )
})

t.test('an scrypt-stored client over its failure limit is refused without verifying', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app)
  await makeLegacy(app, mcn.clientId, mcn.clientSecret)
  for (let i = 0; i < FAILED_ATTEMPTS_MAX; i++) await tokenRequest(app, mcn.clientId, `sk_guess${i}`)
  const limited = await tokenRequest(app, mcn.clientId, mcn.clientSecret)
  t.equal(limited.statusCode, 429, 'no scrypt runs for it until the window ends, so no right secret either')
  t.match(await storedHashes(app, mcn.clientId), [/^scrypt\$/])
})

t.test('without Redis the limit holds in the process', async (t) => {
  const { app } = await buildTestApp(t, { redis: false })
  const mcn = await createTenant(app)
  for (let i = 0; i < FAILED_ATTEMPTS_MAX; i++)
    t.equal((await tokenRequest(app, mcn.clientId, `sk_guess${i}`)).statusCode, 401)
  t.equal((await tokenRequest(app, mcn.clientId, 'sk_guess')).statusCode, 429)
})
