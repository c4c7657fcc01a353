import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errors, IdParams, ref } from '../../lib/schemas.js'
import { requireScopes } from '../../lib/scopes.js'
import * as service from './service.js'
import { Event, EventList, EventListQuery } from './schemas.js'

const eventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/events',
    {
      schema: {
        operationId: 'listEvents',
        tags: ['Events'],
        summary: 'List the tenant’s events of the last 30 days',
        security: requireScopes('events:read'),
        querystring: EventListQuery,
        response: { 200: ref(EventList), ...errors() },
      },
    },
    async (req) => service.listEvents(req.ctx, req.query),
  )

  app.get(
    '/events/:id',
    {
      schema: {
        operationId: 'getEvent',
        tags: ['Events'],
        summary: 'Get one event',
        security: requireScopes('events:read'),
        params: IdParams('evt'),
        response: { 200: ref(Event), ...errors(404) },
      },
    },
    async (req) => service.getEvent(req.ctx, req.params.id),
  )
}
export default eventRoutes
