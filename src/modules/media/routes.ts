import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { withEtag } from '../../lib/etag.js'
import { AppError } from '../../lib/errors.js'
import { errors, IdParams, PageQuery, ref, StringEnum } from '../../lib/schemas.js'
import { requireScopes } from '../../lib/scopes.js'
import { CallbackRefused } from './adapter.js'
import { currentAdapter, registerMedia } from './jobs.js'
import * as S from './schemas.js'
import * as media from './service.js'

const tags = ['Media']

/** The body as the transcoder signed it: the signature covers these bytes, not the parsed object. */
const rawBodies = new WeakMap<FastifyRequest, string>()

const mediaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/sessions/:id/media',
    {
      schema: {
        operationId: 'registerMedia',
        tags,
        summary: 'Register a recording or clip of a session; its transcode starts in the background',
        description:
          'Answers 202 with the media in `pending`; follow `state` on GET /v1/media/{id} or subscribe to `media.transcoded` and `media.failed`. The source must be an http(s) URL; private, loopback and link-local addresses are refused, also when the worker resolves the host.',
        security: requireScopes('media:write'),
        params: IdParams('ses'),
        body: ref(S.RegisterMedia),
        response: { 202: ref(S.Media), ...errors(404, 422) },
      },
    },
    async (req, reply) => reply.code(202).send(withEtag(reply, await registerMedia(req.ctx, req.params.id, req.body))),
  )
  app.get(
    '/sessions/:id/media',
    {
      schema: {
        operationId: 'listSessionMedia',
        tags,
        summary: 'The recordings and clips of a session, newest first',
        security: requireScopes('media:read'),
        params: IdParams('ses'),
        querystring: PageQuery,
        response: { 200: ref(S.MediaList), ...errors(404) },
      },
    },
    async (req) => media.listSessionMedia(req.ctx, req.params.id, req.query),
  )
  app.get(
    '/media/:id',
    {
      schema: {
        operationId: 'getMedia',
        tags,
        summary: 'Get a recording or clip with its transcode state and outputs',
        security: requireScopes('media:read'),
        params: IdParams('med'),
        response: { 200: ref(S.Media), ...errors(404) },
      },
    },
    async (req, reply) => withEtag(reply, await media.getMedia(req.ctx, req.params.id)),
  )

  // Its own context, so only this route keeps the raw body its signature is checked against.
  await app.register(async (plain) => {
    const callbacks = plain.withTypeProvider<TypeBoxTypeProvider>()
    const parseJson = callbacks.getDefaultJsonParser('error', 'error')
    callbacks.removeContentTypeParser('application/json')
    callbacks.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
      const raw = String(body)
      // As the app's own parser does: PostgreSQL refuses a NUL in text, so it is bad input here.
      if (/\\u0000/i.test(raw))
        return done(new AppError('bad_request', 'The body contains a NUL character.'), undefined)
      rawBodies.set(request, raw)
      parseJson(request, raw, done)
    })
    callbacks.post(
      '/media/callbacks/:adapter',
      {
        schema: {
          operationId: 'receiveTranscoderCallback',
          tags,
          summary: 'A transcoder reports progress, outputs or failure (signed, no bearer token)',
          description:
            'Called by the transcoder, not by API clients: the body is signed like a Standard Webhooks message (`webhook-id`, `webhook-timestamp`, `webhook-signature`) with TRANSCODER_SECRET. A missing or bad signature, or a timestamp more than five minutes off, is 401 and changes nothing. A report that repeats one already applied, or would move the media backwards, is answered with `applied: false`.',
          // No token: the signature authenticates it; listed in publicV1Routes (src/app.ts) with the reason.
          security: [],
          params: Type.Object({ adapter: StringEnum(['http'] as const) }, { additionalProperties: false }),
          body: ref(S.TranscoderCallback),
          response: { 200: ref(S.CallbackReceipt), ...errors(401, 404, 409) },
        },
        // Before validation: an unsigned body is refused as unsigned, whatever it holds.
        preValidation: async (req) => {
          const adapter = currentAdapter()
          if (adapter.name !== req.params.adapter || !adapter.verifyCallback)
            throw new AppError('not_found', `No ${req.params.adapter} transcoder is configured on this instance.`)
          try {
            adapter.verifyCallback(rawBodies.get(req) ?? '', req.headers)
          } catch (err) {
            if (err instanceof CallbackRefused)
              throw new AppError('unauthenticated', `The callback’s signature was refused: ${err.message}.`)
            throw err
          }
        },
      },
      async (req) =>
        media.applyCallback(
          { requestId: req.id, log: req.log, db: app.db, queues: app.queues },
          req.params.adapter,
          req.body,
        ),
    )
  })
}

export default mediaRoutes
