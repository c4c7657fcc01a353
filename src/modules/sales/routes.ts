import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { accepted } from '../../lib/http.js'
import { errors, IdParams, ref } from '../../lib/schemas.js'
import { requireScopes } from '../../lib/scopes.js'
import { importContentTypes, Job } from '../jobs/index.js'
import { startSalesImport } from './import.js'
import * as sales from './service.js'
import * as S from './schemas.js'

/** Sales history is read and written per anchor, so it shares the Anchors tag. */
const tags = ['Anchors']

const salesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/anchors/:id/sales',
    {
      schema: {
        operationId: 'listAnchorSales',
        tags,
        summary: 'An anchor’s sales history, newest first',
        security: requireScopes('anchors:read'),
        params: IdParams('anc'),
        querystring: S.AnchorSalesQuery,
        response: { 200: ref(S.AnchorSaleList), ...errors(404) },
      },
    },
    async (req) => sales.listSales(req.ctx, req.params.id, req.query),
  )

  app.post(
    '/anchor-sales/imports',
    {
      schema: {
        operationId: 'importAnchorSales',
        tags,
        summary:
          'Import sales history (anchor, product, quantity, date) until orders feed it; progress and per-row errors at the job',
        security: requireScopes('anchors:write'),
        consumes: Object.keys(importContentTypes),
        body: S.SalesImportBody,
        response: { 202: ref(Job), ...errors(422) },
      },
    },
    async (req, reply) => accepted(reply, await startSalesImport(req.ctx, req.headers['content-type'], req.body)),
  )
}

export default salesRoutes
