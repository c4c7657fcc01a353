/**
 * Bench-only route on the real app: GET /bench/events/:id calls the same service as
 * GET /v1/events/{id} (`getEvent(ctx, id)`: tenant transaction, set_config, RLS, the same
 * params validation and response serializer) with a fixed ctx for the seeded tenant
 * instead of one built from a bearer token. The difference between the two routes is the
 * cost of authentication. Never registered outside benches.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { Actor } from '../../src/lib/context.js'
import { IdParams, ref } from '../../src/lib/schemas.js'
import { Event } from '../../src/modules/events/schemas.js'
import { getEvent } from '../../src/modules/events/service.js'

export interface EventsDirectOptions {
  tenantId: string
  actor: Actor
}

const eventsDirect: FastifyPluginAsyncTypebox<EventsDirectOptions> = async (app, opts) => {
  const actor = Object.freeze({ ...opts.actor })
  app.get('/bench/events/:id', { schema: { params: IdParams('evt'), response: { 200: ref(Event) } } }, async (req) =>
    getEvent(
      { tenantId: opts.tenantId, actor, requestId: String(req.id), log: req.log, db: app.db, queues: app.queues },
      req.params.id,
    ),
  )
}
export default eventsDirect
