import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { expectedVersion, withEtag } from '../../lib/etag.js'
import { accepted } from '../../lib/http.js'
import { errors, IdParams, PageQuery, ref, requestExamples, responseExamples } from '../../lib/schemas.js'
import { requireScopes } from '../../lib/scopes.js'
import { importContentTypes, ImportQuery, Job, queuedJobExample, uploadExamples } from '../jobs/index.js'
import {
  ORDER_IMPORT_TEMPLATE_COLUMNS,
  ORDER_IMPORT_EXAMPLE,
  ORDER_IMPORT_FORMAT,
  ORDER_IMPORT_JOB,
  startOrderImport,
} from './import.js'
import { ORDER_ACTIONS, type OrderAction } from './rules.js'
import * as S from './schemas.js'
import * as orders from './service.js'

const tags = ['Orders']
const read = requireScopes('orders:read')
const write = requireScopes('orders:write')
const orderParams = IdParams('ord')

const ACTION_SUMMARY: Record<OrderAction, string> = {
  pay: 'Mark an order paid: its lines draw down slot supply caps and pool supply limits',
  ship: 'Mark a paid order shipped',
  deliver: 'Mark a shipped order delivered',
  complete: 'Mark a delivered order completed',
  cancel: 'Cancel an unshipped order; a paid one gives back what it drew from supply caps and limits',
}

const ordersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/orders',
    {
      schema: {
        operationId: 'createOrder',
        tags,
        summary: 'Record an order from a selling platform; a re-send (same platform and external_order_id) updates it',
        description:
          '201 when the order is new, 200 when it was known (unchanged, or moved along to the status the platform reports). A status the order cannot legally reach, or a change to a paid order’s content, is 409.',
        security: write,
        body: ref(S.CreateOrder),
        response: { 200: ref(S.Order), 201: ref(S.Order), ...errors(409, 422) },
      },
    },
    async (req, reply) => {
      const { order, created } = await orders.receiveOrder(req.ctx, req.body)
      return reply.code(created ? 201 : 200).send(withEtag(reply, order))
    },
  )
  app.get(
    '/orders',
    {
      schema: {
        operationId: 'listOrders',
        tags,
        summary: 'List orders, newest first, by status, anchor, session, buyer or placed time',
        security: read,
        querystring: S.OrderQuery,
        response: { 200: ref(S.OrderList), ...errors() },
      },
    },
    async (req) => orders.listOrders(req.ctx, req.query),
  )
  app.get(
    '/orders/:id',
    {
      schema: {
        operationId: 'getOrder',
        tags,
        summary: 'Get an order with its lines',
        security: read,
        params: orderParams,
        response: { 200: ref(S.Order), ...errors(404) },
      },
    },
    async (req, reply) => withEtag(reply, await orders.getOrder(req.ctx, req.params.id)),
  )
  for (const action of ORDER_ACTIONS)
    app.post(
      `/orders/:id/${action}`,
      {
        schema: {
          operationId: `${action}Order`,
          tags,
          summary: ACTION_SUMMARY[action],
          description:
            'An action the order’s status does not allow answers 409 with `order_status` and the `allowed` actions; a stale If-Match 412.',
          security: write,
          params: orderParams,
          body: Type.Optional(ref(S.OrderTransition)),
          response: { 200: ref(S.Order), ...errors(404, 409, 412, 422) },
        },
        // The body is optional: a POST without one means "now".
        preValidation: async (req) => {
          req.body ??= {}
        },
      },
      async (req, reply) =>
        withEtag(
          reply,
          await orders.transitionOrder(req.ctx, req.params.id, action, expectedVersion(req), req.body ?? {}),
        ),
    )

  app.post(
    '/orders/imports',
    {
      schema: {
        operationId: 'importOrders',
        tags,
        summary: 'Bulk import platform orders from JSON lines or CSV; idempotent on (platform, external_order_id)',
        description: ORDER_IMPORT_FORMAT,
        security: write,
        consumes: Object.keys(importContentTypes),
        querystring: ImportQuery,
        body: S.OrderImportBody,
        ...requestExamples(uploadExamples(ORDER_IMPORT_TEMPLATE_COLUMNS, [ORDER_IMPORT_EXAMPLE])),
        ...responseExamples({ 202: queuedJobExample(ORDER_IMPORT_JOB, 1) }),
        response: { 202: ref(Job), ...errors(422) },
      },
    },
    async (req, reply) =>
      accepted(
        reply,
        await startOrderImport(req.ctx, req.headers['content-type'], req.body, req.query.dry_run ?? false),
      ),
  )

  app.get(
    '/buyers/:id/orders',
    {
      schema: {
        operationId: 'listBuyerOrders',
        tags,
        summary: 'A pseudonymous buyer’s orders over time, newest first',
        security: read,
        params: IdParams('buy'),
        querystring: PageQuery,
        response: { 200: ref(S.OrderList), ...errors(404) },
      },
    },
    async (req) => orders.listBuyerOrders(req.ctx, req.params.id, req.query),
  )
  app.get(
    '/buyers/:id/order-facts',
    {
      schema: {
        operationId: 'getBuyerOrderFacts',
        tags,
        summary: 'A buyer’s order count, first and last order, and repurchase count (复购次数)',
        security: read,
        params: IdParams('buy'),
        response: { 200: ref(S.BuyerOrderFacts), ...errors(404) },
      },
    },
    async (req) => orders.buyerOrderFacts(req.ctx, req.params.id),
  )
}

export default ordersRoutes
