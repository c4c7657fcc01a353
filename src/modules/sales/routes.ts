import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { accepted } from '../../lib/http.js'
import { errors, IdParams, ref, requestExamples, responseExamples } from '../../lib/schemas.js'
import { requireScopes } from '../../lib/scopes.js'
import { csvTemplate, importContentTypes, ImportQuery, Job, queuedJobExample, uploadExamples } from '../jobs/index.js'
import { SALES_IMPORT_JOB, startSalesImport } from './import.js'
import * as sales from './service.js'
import * as S from './schemas.js'

/** Sales history is read and written per anchor, so it shares the Anchors tag. */
const tags = ['Anchors']
const salesTemplate = csvTemplate(S.SALE_IMPORT_TEMPLATE_COLUMNS, [S.SALE_IMPORT_EXAMPLE])

const salesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/anchors/:id/sales',
    {
      schema: {
        operationId: 'listAnchorSales',
        tags,
        summary: 'An anchor’s sales, imported and from paid orders, newest first',
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
        description: S.SALE_IMPORT_FORMAT,
        security: requireScopes('anchors:write'),
        consumes: Object.keys(importContentTypes),
        querystring: ImportQuery,
        body: S.SalesImportBody,
        ...requestExamples(uploadExamples(S.SALE_IMPORT_TEMPLATE_COLUMNS, [S.SALE_IMPORT_EXAMPLE])),
        ...responseExamples({ 202: queuedJobExample(SALES_IMPORT_JOB, 1) }),
        response: { 202: ref(Job), ...errors(422) },
      },
    },
    async (req, reply) =>
      accepted(
        reply,
        await startSalesImport(req.ctx, req.headers['content-type'], req.body, req.query.dry_run ?? false),
      ),
  )

  app.get(
    '/anchor-sales/imports/template',
    {
      schema: {
        operationId: 'getAnchorSalesImportTemplate',
        tags,
        summary: 'A CSV template for the sales-history import: the header and an example row',
        security: requireScopes('anchors:read'),
        produces: ['text/csv'],
        response: {
          200: {
            description: 'The header line and one example row',
            content: { 'text/csv': { schema: Type.String(), example: salesTemplate } },
          },
          ...errors(),
        },
      },
    },
    async (_req, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="anchor-sales-import-template.csv"')
        .send(salesTemplate),
  )
}

export default salesRoutes
