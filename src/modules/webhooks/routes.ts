import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { expectedVersion, withEtag } from '../../lib/etag.js'
import { accepted } from '../../lib/http.js'
import { errors, IdParams, PageQuery, ref } from '../../lib/schemas.js'
import { requireScopes } from '../../lib/scopes.js'
import { Event } from '../events/index.js'
import { Job } from '../jobs/index.js'
import * as recovery from './recovery.js'
import { triggerSample } from './samples.js'
import * as S from './schemas.js'
import * as endpoints from './service.js'

const tags = ['Webhooks']
const read = requireScopes('webhooks:read')
const write = requireScopes('webhooks:write')
const params = IdParams(S.ENDPOINT)

const webhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/webhook-endpoints',
    {
      schema: {
        operationId: 'createWebhookEndpoint',
        tags,
        summary: 'Register a webhook endpoint; its signing secret is in this answer only',
        security: write,
        body: ref(S.CreateWebhookEndpoint),
        response: { 201: ref(S.WebhookEndpointWithSecret), ...errors(422) },
      },
    },
    async (req, reply) => reply.code(201).send(await endpoints.createEndpoint(req.ctx, req.body)),
  )

  app.get(
    '/webhook-endpoints',
    {
      schema: {
        operationId: 'listWebhookEndpoints',
        tags,
        summary: 'List webhook endpoints, newest first (an installed app sees its own)',
        security: read,
        querystring: PageQuery,
        response: { 200: ref(S.WebhookEndpointList), ...errors() },
      },
    },
    async (req) => endpoints.listEndpoints(req.ctx, req.query),
  )

  app.get(
    '/webhook-endpoints/:id',
    {
      schema: {
        operationId: 'getWebhookEndpoint',
        tags,
        summary: 'Get a webhook endpoint',
        security: read,
        params,
        response: { 200: ref(S.WebhookEndpoint), ...errors(404) },
      },
    },
    async (req, reply) => withEtag(reply, await endpoints.getEndpoint(req.ctx, req.params.id)),
  )

  app.patch(
    '/webhook-endpoints/:id',
    {
      schema: {
        operationId: 'updateWebhookEndpoint',
        tags,
        summary: 'Change a webhook endpoint’s URL, event types, description, or turn it off and on',
        security: write,
        params,
        body: ref(S.UpdateWebhookEndpoint),
        response: { 200: ref(S.WebhookEndpoint), ...errors(404, 412, 422) },
      },
    },
    async (req, reply) =>
      withEtag(reply, await endpoints.updateEndpoint(req.ctx, req.params.id, expectedVersion(req), req.body)),
  )

  app.delete(
    '/webhook-endpoints/:id',
    {
      schema: {
        operationId: 'deleteWebhookEndpoint',
        tags,
        summary: 'Delete a webhook endpoint with its messages and attempts',
        security: write,
        params,
        response: { 204: Type.Null({ description: 'Deleted' }), ...errors(404) },
      },
    },
    async (req, reply) => {
      await endpoints.deleteEndpoint(req.ctx, req.params.id)
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/webhook-endpoints/:id/rotate-secret',
    {
      schema: {
        operationId: 'rotateWebhookSecret',
        tags,
        summary: 'Issue a new signing secret; the old one keeps signing too for the overlap',
        security: write,
        params,
        body: Type.Optional(ref(S.RotateWebhookSecret)),
        response: { 200: ref(S.WebhookEndpointWithSecret), ...errors(404) },
      },
    },
    async (req) => endpoints.rotateSecret(req.ctx, req.params.id, req.body?.overlap_seconds),
  )

  app.get(
    '/webhook-endpoints/:id/attempts',
    {
      schema: {
        operationId: 'listWebhookAttempts',
        tags,
        summary: 'List delivery attempts to the endpoint, newest first',
        security: read,
        params,
        querystring: PageQuery,
        response: { 200: ref(S.WebhookAttemptList), ...errors(404) },
      },
    },
    async (req) => recovery.listAttempts(req.ctx, req.params.id, req.query),
  )

  app.get(
    '/webhook-endpoints/:id/messages',
    {
      schema: {
        operationId: 'listWebhookMessages',
        tags,
        summary: 'List the events owed or delivered to the endpoint, each with its state',
        security: read,
        params,
        querystring: S.WebhookMessageListQuery,
        response: { 200: ref(S.WebhookMessageList), ...errors(404) },
      },
    },
    async (req) => recovery.listMessages(req.ctx, req.params.id, req.query),
  )

  app.post(
    '/webhook-endpoints/:id/messages/:event_id/resend',
    {
      schema: {
        operationId: 'resendWebhookMessage',
        tags,
        summary: 'Send one event to the endpoint again, from the first attempt',
        security: write,
        params: S.EndpointEventParams,
        response: { 202: ref(S.WebhookMessage), ...errors(404, 409) },
      },
    },
    async (req, reply) => reply.code(202).send(await recovery.resend(req.ctx, req.params.id, req.params.event_id)),
  )

  app.post(
    '/webhook-endpoints/:id/replay',
    {
      schema: {
        operationId: 'replayWebhookMessages',
        tags,
        summary: 'Send again every event of a time range (and of some types) to the endpoint, as a job',
        security: write,
        params,
        body: ref(S.ReplayWebhookMessages),
        response: { 202: ref(Job), ...errors(404, 409, 422) },
      },
    },
    async (req, reply) => accepted(reply, await recovery.startReplay(req.ctx, req.params.id, req.body)),
  )

  app.post(
    '/webhook-endpoints/:id/test',
    {
      schema: {
        operationId: 'testWebhookEndpoint',
        tags,
        summary: 'Send a webhook.test event to the endpoint now and answer with the attempt',
        security: write,
        params,
        response: { 200: ref(S.WebhookAttempt), ...errors(404, 409) },
      },
    },
    async (req) => recovery.sendTest(req.ctx, req.params.id),
  )

  app.post(
    '/webhook-samples',
    {
      schema: {
        operationId: 'createWebhookSample',
        tags,
        summary:
          'Emit the catalog example of an event type as a sample event (`sample: true`), delivered to every endpoint subscribed to it',
        security: write,
        body: ref(S.CreateWebhookSample),
        response: { 201: ref(Event), ...errors(403, 422) },
      },
    },
    async (req, reply) => reply.code(201).send(await triggerSample(req.ctx, req.body.type)),
  )
}

export default webhookRoutes
