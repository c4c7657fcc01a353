import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { expectedVersion, withEtag } from '../../lib/etag.js'
import { errors, IdParams, PageQuery, ref, requestExamples, responseExamples } from '../../lib/schemas.js'
import { requireScopes } from '../../lib/scopes.js'
import { accepted } from '../../lib/http.js'
import { csvTemplate, importContentTypes, ImportQuery, Job, queuedJobExample, uploadExamples } from '../jobs/index.js'
import { PRODUCT_IMPORT_JOB, startProductImport } from './import.js'
import * as catalog from './service.js'
import * as S from './schemas.js'

const tags = ['Products']
const productTemplate = csvTemplate(S.PRODUCT_IMPORT_TEMPLATE_COLUMNS, [S.PRODUCT_IMPORT_EXAMPLE])

const catalogRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/products',
    {
      schema: {
        operationId: 'createProduct',
        tags,
        summary: 'Create a product',
        security: requireScopes('catalog:write'),
        body: ref(S.CreateProduct),
        response: { 201: ref(S.Product), ...errors(409, 422) },
      },
    },
    async (req, reply) => reply.code(201).send(withEtag(reply, await catalog.createProduct(req.ctx, req.body))),
  )

  app.get(
    '/products',
    {
      schema: {
        operationId: 'listProducts',
        tags,
        summary: 'List products, newest first',
        security: requireScopes('catalog:read'),
        querystring: S.ProductListQuery,
        response: { 200: ref(S.ProductList), ...errors() },
      },
    },
    async (req) => catalog.listProducts(req.ctx, req.query),
  )

  app.get(
    '/products/:id',
    {
      schema: {
        operationId: 'getProduct',
        tags,
        summary: 'Get a product',
        security: requireScopes('catalog:read'),
        params: IdParams('prd'),
        response: { 200: ref(S.Product), ...errors(404) },
      },
    },
    async (req, reply) => withEtag(reply, await catalog.getProduct(req.ctx, req.params.id)),
  )

  app.patch(
    '/products/:id',
    {
      schema: {
        operationId: 'updateProduct',
        tags,
        summary: 'Change a product; archive it to take it out of selection',
        security: requireScopes('catalog:write'),
        params: IdParams('prd'),
        body: ref(S.UpdateProduct),
        response: { 200: ref(S.Product), ...errors(404, 409, 412) },
      },
    },
    async (req, reply) =>
      withEtag(reply, await catalog.updateProduct(req.ctx, req.params.id, expectedVersion(req), req.body)),
  )

  app.post(
    '/products/imports',
    {
      schema: {
        operationId: 'importProducts',
        tags,
        summary:
          'Bulk import products from CSV or JSON lines; upserts on external_id; progress and per-row errors at the job',
        description: S.PRODUCT_IMPORT_FORMAT,
        security: requireScopes('catalog:write'),
        consumes: Object.keys(importContentTypes),
        querystring: ImportQuery,
        body: S.ImportBody,
        ...requestExamples(uploadExamples(S.PRODUCT_IMPORT_TEMPLATE_COLUMNS, [S.PRODUCT_IMPORT_EXAMPLE])),
        ...responseExamples({ 202: queuedJobExample(PRODUCT_IMPORT_JOB, 1) }),
        response: { 202: ref(Job), ...errors(422) },
      },
    },
    async (req, reply) =>
      accepted(
        reply,
        await startProductImport(req.ctx, req.headers['content-type'], req.body, req.query.dry_run ?? false),
      ),
  )

  app.get(
    '/products/imports/template',
    {
      schema: {
        operationId: 'getProductImportTemplate',
        tags,
        summary: 'A CSV template for the product import: the header and an example row',
        security: requireScopes('catalog:read'),
        produces: ['text/csv'],
        response: {
          200: {
            description: 'The header line and one example row',
            content: { 'text/csv': { schema: Type.String(), example: productTemplate } },
          },
          ...errors(),
        },
      },
    },
    async (_req, reply) =>
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="products-import-template.csv"')
        .send(productTemplate),
  )

  app.post(
    '/products/:id/skus',
    {
      schema: {
        operationId: 'createSku',
        tags,
        summary: 'Add a SKU; the product’s stock becomes the sum of its SKUs',
        security: requireScopes('catalog:write'),
        params: IdParams('prd'),
        body: ref(S.CreateSku),
        response: { 201: ref(S.Sku), ...errors(404, 409, 422) },
      },
    },
    async (req, reply) =>
      reply.code(201).send(withEtag(reply, await catalog.createSku(req.ctx, req.params.id, req.body))),
  )

  app.get(
    '/products/:id/skus',
    {
      schema: {
        operationId: 'listSkus',
        tags,
        summary: 'A product’s SKUs',
        security: requireScopes('catalog:read'),
        params: IdParams('prd'),
        querystring: PageQuery,
        response: { 200: ref(S.SkuList), ...errors(404) },
      },
    },
    async (req) => catalog.listSkus(req.ctx, req.params.id, req.query),
  )

  app.get(
    '/skus/:id',
    {
      schema: {
        operationId: 'getSku',
        tags,
        summary: 'Get a SKU',
        security: requireScopes('catalog:read'),
        params: IdParams('sku'),
        response: { 200: ref(S.Sku), ...errors(404) },
      },
    },
    async (req, reply) => withEtag(reply, await catalog.getSku(req.ctx, req.params.id)),
  )

  app.patch(
    '/skus/:id',
    {
      schema: {
        operationId: 'updateSku',
        tags,
        summary: 'Change a SKU’s price, stock or attributes',
        security: requireScopes('catalog:write'),
        params: IdParams('sku'),
        body: ref(S.UpdateSku),
        response: { 200: ref(S.Sku), ...errors(404, 412, 422) },
      },
    },
    async (req, reply) =>
      withEtag(reply, await catalog.updateSku(req.ctx, req.params.id, expectedVersion(req), req.body)),
  )
}

export default catalogRoutes
