/**
 * Child entry: the floor to compare the app with. A bare Fastify 5 server and a
 * postgres.js pool (same size as the app's) answering GET /events/:id with the same
 * single indexed SELECT by primary key and the same JSON shape, without auth, tenant
 * transaction, RLS, rate limiting, schemas or hooks.
 */
import Fastify from 'fastify'
import postgres from 'postgres'
import { childFailed, childInput, childReady, onStop } from './lib/server.js'

export interface BaselineInput {
  databaseUrl: string
  tenantId: string
  poolMax: number
}

interface EventRow {
  id: string
  type: string
  occurred_at: Date
  tenant_id: string
  resource_type: string
  resource_id: string
  resource_version: number
  data: unknown
  request_id: string | null
  sample: boolean
}

async function main() {
  const input = childInput<BaselineInput>()
  const sql = postgres(input.databaseUrl, {
    max: input.poolMax,
    onnotice: () => {},
    connection: { application_name: 'showrunner_bench_baseline' },
  })
  const app = Fastify({ logger: false })

  app.get<{ Params: { id: string } }>('/events/:id', async (req, reply) => {
    const [e] = await sql<EventRow[]>`
      select id, type, occurred_at, tenant_id, resource_type, resource_id, resource_version, data, request_id, sample
      from events where tenant_id = ${input.tenantId} and id = ${req.params.id}`
    if (!e) return reply.code(404).send({ status: 404 })
    return {
      id: e.id,
      type: e.type,
      occurred_at: e.occurred_at.toISOString(),
      tenant_id: e.tenant_id,
      resource: { type: e.resource_type, id: e.resource_id, version: e.resource_version },
      data: e.data,
      request_id: e.request_id,
      sample: e.sample,
    }
  })

  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (!address || typeof address === 'string') throw new Error('not listening on TCP')
  onStop(async () => {
    await app.close()
    await sql.end({ timeout: 5 })
  })
  childReady(`http://127.0.0.1:${address.port}`, { pid: process.pid })
}

main().catch(childFailed)
