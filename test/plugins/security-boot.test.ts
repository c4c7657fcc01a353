import t, { type Test } from 'tap'
import pino from 'pino'
import type { FastifyInstance } from 'fastify'
import { publicV1Routes, buildApp } from '../../src/app.js'
import { loadConfig } from '../../src/config.js'
import { startRuntime } from '../../src/runtime.js'
import { buildTestApp, createTestDatabase } from '../helper.js'

/**
 * Security fails closed: a `/v1` route without a security declaration stops the app at
 * boot. The app is built here rather than with buildTestApp, whose teardown is registered
 * only once the app is ready, so an app that refuses to boot is still closed.
 */
async function boot(t: Test, addRoutes: (app: FastifyInstance) => void): Promise<void> {
  const databaseUrl = await createTestDatabase(t)
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: databaseUrl })
  const log = pino({ level: 'silent' })
  const runtime = await startRuntime(config, log, { migrate: false })
  let app: FastifyInstance | undefined
  t.teardown(async () => {
    await app?.close()
    await runtime.close()
  })
  app = await buildApp({ config, database: runtime.database, queues: runtime.queues, logger: log })
  addRoutes(app)
  await app.ready()
}

const answer = async () => ({ ok: true })

t.test('a /v1 route without a security declaration stops the app, naming the method and url', async (t) => {
  await t.rejects(
    boot(t, (app) =>
      app.register(
        async (v1) => {
          v1.get('/unsecured', { schema: { summary: 'forgot its scopes' } }, answer)
        },
        { prefix: '/v1' },
      ),
    ),
    { message: /^GET \/v1\/unsecured declares no security/ },
  )
})

t.test('a /v1 route without any schema stops the app', async (t) => {
  await t.rejects(
    boot(t, (app) =>
      app.register(
        async (v1) => {
          v1.post('/bare/:id', answer)
        },
        { prefix: '/v1' },
      ),
    ),
    { message: /^POST \/v1\/bare\/:id declares no security/ },
  )
})

t.test('`security: []` does not make a /v1 route public', async (t) => {
  await t.rejects(
    boot(t, (app) =>
      app.register(
        async (v1) => {
          v1.route({ method: ['PUT', 'DELETE'], url: '/open', schema: { security: [] }, handler: answer })
        },
        { prefix: '/v1' },
      ),
    ),
    { message: /^PUT \/v1\/open declares no security/ },
  )
})

t.test('routes outside /v1 need no declaration', async (t) => {
  await boot(t, (app) => {
    app.get('/v1x/status', answer)
    app.get('/status', answer)
  })
  t.pass('booted')
})

t.test('every route the modules declare boots, and every /v1 operation is secured', async (t) => {
  // Each public /v1 route is listed in src/app.ts with the reason it needs no token; a new one is a decision.
  t.same(
    [...publicV1Routes],
    ['POST /v1/media/callbacks/:adapter'],
    'the only public /v1 route: the signed transcoder callback',
  )
  // Redis adds nothing to the routes; a Redis connection closed right after start-up can
  // stay open (the queue's shared connection), which keeps the test process alive.
  const { app } = await buildTestApp(t, { redis: false })
  const doc = app.openapiDocument()
  const v1 = Object.entries<any>(doc.paths)
    .filter(([path]) => path.startsWith('/v1/'))
    .flatMap(([path, item]) => Object.entries<any>(item).map(([method, op]) => ({ path, method, op })))
  t.ok(v1.length > 10, `${v1.length} /v1 operations`)
  const unsecured = v1.filter(({ op }) => !op.security?.length).map(({ method, path }) => `${method} ${path}`)
  const listed = [...publicV1Routes].map((r) => {
    const [method, path] = r.split(' ')
    return `${method!.toLowerCase()} ${path!.replace(/:(\w+)/g, '{$1}')}`
  })
  t.same(
    unsecured,
    listed,
    'every /v1 operation in the document has a security requirement, but the listed public ones',
  )
})
