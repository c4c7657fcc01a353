import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { sql } from 'drizzle-orm'
import { errorResponses, named, ref, responseExamples } from '../../lib/schemas.js'

export const Health = named('Health', Type.Object({ status: Type.Literal('ok') }), { status: 'ok' })
export const Readiness = named(
  'Readiness',
  Type.Object({
    status: Type.Union([Type.Literal('ready'), Type.Literal('unavailable')]),
    checks: Type.Object({
      database: Type.Union([Type.Literal('ok'), Type.Literal('failing')]),
      queue: Type.Union([Type.Literal('ok'), Type.Literal('failing')]),
    }),
    queue_backend: Type.Union([Type.Literal('redis'), Type.Literal('postgres')]),
  }),
  { status: 'ready', checks: { database: 'ok', queue: 'ok' }, queue_backend: 'redis' },
)

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref())])

const systemRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // A newcomer who opens the bare address lands on the reference.
  app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/docs/', 302))

  app.get(
    '/healthz',
    {
      schema: {
        operationId: 'getHealth',
        tags: ['System'],
        summary: 'The process is alive',
        security: [],
        response: { 200: ref(Health), 500: errorResponses[500] },
      },
    },
    async () => ({ status: 'ok' as const }),
  )

  app.get(
    '/readyz',
    {
      schema: {
        operationId: 'getReadiness',
        tags: ['System'],
        summary: 'The database and the queue backend answer',
        security: [],
        response: { 200: ref(Readiness), 503: ref(Readiness) },
        ...responseExamples({
          503: { status: 'unavailable', checks: { database: 'ok', queue: 'failing' }, queue_backend: 'redis' },
        }),
      },
    },
    async (_req, reply) => {
      const [database, queue] = await Promise.all([
        withTimeout(app.db.execute(sql`select 1`), 2000).then(
          () => 'ok' as const,
          () => 'failing' as const,
        ),
        withTimeout(app.queues.ping(), 2000).then(
          () => 'ok' as const,
          () => 'failing' as const,
        ),
      ])
      const ready = database === 'ok' && queue === 'ok'
      return reply.code(ready ? 200 : 503).send({
        status: ready ? 'ready' : 'unavailable',
        checks: { database, queue },
        queue_backend: app.queues.backend,
      })
    },
  )
}

export default systemRoutes
