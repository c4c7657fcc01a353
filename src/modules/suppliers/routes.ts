import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { expectedVersion, withEtag } from '../../lib/etag.js'
import { errors, IdParams, ref } from '../../lib/schemas.js'
import { requireScopes } from '../../lib/scopes.js'
import * as suppliers from './service.js'
import * as S from './schemas.js'

const tags = ['Suppliers']

const supplierRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/suppliers',
    {
      schema: {
        operationId: 'createSupplier',
        tags,
        summary: 'Create a supplier (brand, merchant, factory or farmer)',
        security: requireScopes('catalog:write'),
        body: ref(S.CreateSupplier),
        response: { 201: ref(S.Supplier), ...errors(422) },
      },
    },
    async (req, reply) => reply.code(201).send(withEtag(reply, await suppliers.createSupplier(req.ctx, req.body))),
  )

  app.get(
    '/suppliers',
    {
      schema: {
        operationId: 'listSuppliers',
        tags,
        summary: 'List suppliers, newest first',
        security: requireScopes('catalog:read'),
        querystring: S.SupplierListQuery,
        response: { 200: ref(S.SupplierList), ...errors() },
      },
    },
    async (req) => suppliers.listSuppliers(req.ctx, req.query),
  )

  app.get(
    '/suppliers/:id',
    {
      schema: {
        operationId: 'getSupplier',
        tags,
        summary: 'Get a supplier with its reputation',
        security: requireScopes('catalog:read'),
        params: IdParams('sup'),
        response: { 200: ref(S.Supplier), ...errors(404) },
      },
    },
    async (req, reply) => withEtag(reply, await suppliers.getSupplier(req.ctx, req.params.id)),
  )

  app.patch(
    '/suppliers/:id',
    {
      schema: {
        operationId: 'updateSupplier',
        tags,
        summary: 'Change a supplier; status moves only through admission and reviews',
        security: requireScopes('catalog:write'),
        params: IdParams('sup'),
        body: ref(S.UpdateSupplier),
        response: { 200: ref(S.Supplier), ...errors(404, 412) },
      },
    },
    async (req, reply) =>
      withEtag(reply, await suppliers.updateSupplier(req.ctx, req.params.id, expectedVersion(req), req.body)),
  )
}

export default supplierRoutes
