import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { errors, IdParams, PageQuery, ref } from '../../lib/schemas.js'
import { requireScopes } from '../../lib/scopes.js'
import * as service from './service.js'
import { Job, JobList } from './schemas.js'

const jobRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/jobs/:id',
    {
      schema: {
        operationId: 'getJob',
        tags: ['Jobs'],
        summary: 'A job’s state, progress counts, result and per-row error report',
        security: requireScopes('jobs:read'),
        params: IdParams('job'),
        response: { 200: ref(Job), ...errors(404) },
      },
    },
    async (req) => service.getJob(req.ctx, req.params.id),
  )

  app.get(
    '/jobs',
    {
      schema: {
        operationId: 'listJobs',
        tags: ['Jobs'],
        summary: 'List the tenant’s jobs, newest first',
        security: requireScopes('jobs:read'),
        querystring: PageQuery,
        response: { 200: ref(JobList), ...errors() },
      },
    },
    async (req) => service.listJobs(req.ctx, req.query),
  )
}
export default jobRoutes
