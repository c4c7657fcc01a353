import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { expectedVersion, withEtag } from '../../lib/etag.js'
import { errors, exampleOf, IdParams, PageQuery, ref, responseExamples } from '../../lib/schemas.js'
import { requireScopes } from '../../lib/scopes.js'
import * as pools from './service.js'
import * as S from './schemas.js'

const tags = ['Supply pools']

const poolRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/supply-pools',
    {
      schema: {
        operationId: 'createSupplyPool',
        tags,
        summary: 'Create a supply pool (主播专供商品池)',
        security: requireScopes('catalog:write'),
        body: ref(S.CreateSupplyPool),
        response: { 201: ref(S.SupplyPool), ...errors(422) },
      },
    },
    async (req, reply) => reply.code(201).send(withEtag(reply, await pools.createPool(req.ctx, req.body))),
  )

  app.get(
    '/supply-pools',
    {
      schema: {
        operationId: 'listSupplyPools',
        tags,
        summary: 'List the tenant’s own supply pools',
        security: requireScopes('catalog:read'),
        querystring: S.PoolListQuery,
        response: { 200: ref(S.SupplyPoolList), ...errors() },
      },
    },
    async (req) => pools.listPools(req.ctx, req.query),
  )

  app.get(
    '/supply-pools/:id',
    {
      schema: {
        operationId: 'getSupplyPool',
        tags,
        summary: 'Get a supply pool',
        security: requireScopes('catalog:read'),
        params: IdParams('pool'),
        response: { 200: ref(S.SupplyPool), ...errors(404) },
      },
    },
    async (req, reply) => withEtag(reply, await pools.getPool(req.ctx, req.params.id)),
  )

  app.patch(
    '/supply-pools/:id',
    {
      schema: {
        operationId: 'updateSupplyPool',
        tags,
        summary: 'Change a pool’s name, access or status',
        security: requireScopes('catalog:write'),
        params: IdParams('pool'),
        body: ref(S.UpdateSupplyPool),
        response: { 200: ref(S.SupplyPool), ...errors(404, 412, 422) },
      },
    },
    async (req, reply) =>
      withEtag(reply, await pools.updatePool(req.ctx, req.params.id, expectedVersion(req), req.body)),
  )

  app.post(
    '/supply-pools/:id/items',
    {
      schema: {
        operationId: 'addPoolItem',
        tags,
        summary: 'Put a product in the pool with an optional pool price and supply limit',
        security: requireScopes('catalog:write'),
        params: IdParams('pool'),
        body: ref(S.AddPoolItem),
        response: { 201: ref(S.PoolItem), ...errors(404, 409, 422) },
      },
    },
    async (req, reply) => reply.code(201).send(withEtag(reply, await pools.addItem(req.ctx, req.params.id, req.body))),
  )

  app.get(
    '/supply-pools/:id/items',
    {
      schema: {
        operationId: 'listPoolItems',
        tags,
        summary: 'The products in a pool',
        security: requireScopes('catalog:read'),
        params: IdParams('pool'),
        querystring: PageQuery,
        response: { 200: ref(S.PoolItemList), ...errors(404) },
      },
    },
    async (req) => pools.listItems(req.ctx, req.params.id, req.query),
  )

  app.get(
    '/pool-items/:id',
    {
      schema: {
        operationId: 'getPoolItem',
        tags,
        summary: 'Get a pool item',
        security: requireScopes('catalog:read'),
        params: IdParams('pitm'),
        response: { 200: ref(S.PoolItem), ...errors(404) },
      },
    },
    async (req, reply) => withEtag(reply, await pools.getItem(req.ctx, req.params.id)),
  )

  app.patch(
    '/pool-items/:id',
    {
      schema: {
        operationId: 'updatePoolItem',
        tags,
        summary: 'Change a pool item’s price or supply limit',
        security: requireScopes('catalog:write'),
        params: IdParams('pitm'),
        body: ref(S.UpdatePoolItem),
        response: { 200: ref(S.PoolItem), ...errors(404, 412, 422) },
      },
    },
    async (req, reply) =>
      withEtag(reply, await pools.updateItem(req.ctx, req.params.id, expectedVersion(req), req.body)),
  )

  app.delete(
    '/pool-items/:id',
    {
      schema: {
        operationId: 'deletePoolItem',
        tags,
        summary: 'Take a product out of a pool',
        security: requireScopes('catalog:write'),
        params: IdParams('pitm'),
        response: { 204: Type.Null({ description: 'Removed' }), ...errors(404) },
      },
    },
    async (req, reply) => {
      await pools.removeItem(req.ctx, req.params.id)
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/supply-pools/:id/grants',
    {
      schema: {
        operationId: 'createPoolGrant',
        tags,
        summary: 'Share the pool with an MCN: its anchors may then draw from it (read-only for the MCN)',
        security: requireScopes('catalog:write'),
        params: IdParams('pool'),
        body: ref(S.CreatePoolGrant),
        response: { 201: ref(S.PoolGrant), ...errors(404, 422) },
      },
    },
    async (req, reply) => reply.code(201).send(await pools.grantPool(req.ctx, req.params.id, req.body)),
  )

  app.get(
    '/supply-pools/:id/grants',
    {
      schema: {
        operationId: 'listPoolGrants',
        tags,
        summary: 'Whom the pool is shared with',
        security: requireScopes('catalog:read'),
        params: IdParams('pool'),
        querystring: PageQuery,
        response: { 200: ref(S.PoolGrantList), ...errors(404) },
      },
    },
    async (req) => pools.listGrants(req.ctx, req.params.id, req.query),
  )

  app.post(
    '/supply-pools/:id/grants/revoke',
    {
      schema: {
        operationId: 'revokePoolGrant',
        tags,
        summary: 'Stop sharing the pool with an MCN; its recommendations drop the pool at once',
        security: requireScopes('catalog:write'),
        params: IdParams('pool'),
        body: ref(S.CreatePoolGrant),
        response: { 200: ref(S.PoolGrant), ...errors(404) },
        ...responseExamples({ 200: { ...exampleOf(S.PoolGrant), revoked_at: '2026-12-01T09:12:45.377Z', version: 2 } }),
      },
    },
    async (req) => pools.revokeGrant(req.ctx, req.params.id, req.body),
  )

  app.get(
    '/shared-supply-pools',
    {
      schema: {
        operationId: 'listSharedSupplyPools',
        tags,
        summary: 'Pools other organizations (platform, providers) shared with the caller',
        security: requireScopes('catalog:read'),
        querystring: PageQuery,
        response: { 200: ref(S.SharedSupplyPoolList), ...errors() },
      },
    },
    async (req) => pools.listSharedPools(req.ctx, req.query),
  )
}

export default poolRoutes
