import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { expectedVersion, withEtag } from '../../lib/etag.js'
import { errors, IdParams, PageQuery, ref } from '../../lib/schemas.js'
import { requireScopes } from '../../lib/scopes.js'
import * as anchors from './service.js'
import * as S from './schemas.js'

const tags = ['Anchors']

const anchorRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/anchors',
    {
      schema: {
        operationId: 'createAnchor',
        tags,
        summary: 'Create an anchor (主播)',
        security: requireScopes('anchors:write'),
        body: ref(S.CreateAnchor),
        response: { 201: ref(S.Anchor), ...errors(422) },
      },
    },
    async (req, reply) => reply.code(201).send(withEtag(reply, await anchors.createAnchor(req.ctx, req.body))),
  )

  app.get(
    '/anchors',
    {
      schema: {
        operationId: 'listAnchors',
        tags,
        summary: 'List anchors, newest first',
        security: requireScopes('anchors:read'),
        querystring: PageQuery,
        response: { 200: ref(S.AnchorList), ...errors() },
      },
    },
    async (req) => anchors.listAnchors(req.ctx, req.query),
  )

  app.get(
    '/anchors/:id',
    {
      schema: {
        operationId: 'getAnchor',
        tags,
        summary: 'Get an anchor',
        security: requireScopes('anchors:read'),
        params: IdParams('anc'),
        response: { 200: ref(S.Anchor), ...errors(404) },
      },
    },
    async (req, reply) => withEtag(reply, await anchors.getAnchor(req.ctx, req.params.id)),
  )

  app.patch(
    '/anchors/:id',
    {
      schema: {
        operationId: 'updateAnchor',
        tags,
        summary: 'Change an anchor’s handles, categories or audience profile',
        security: requireScopes('anchors:write'),
        params: IdParams('anc'),
        body: ref(S.UpdateAnchor),
        response: { 200: ref(S.Anchor), ...errors(404, 412) },
      },
    },
    async (req, reply) =>
      withEtag(reply, await anchors.updateAnchor(req.ctx, req.params.id, expectedVersion(req), req.body)),
  )
}

export default anchorRoutes
