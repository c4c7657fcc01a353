import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { expectedVersion, withEtag } from '../../lib/etag.js'
import { errors, IdParams, PageQuery, ref } from '../../lib/schemas.js'
import { requireScopes } from '../../lib/scopes.js'
import * as hooks from './hook.js'
import * as S from './schemas.js'
import * as interaction from './service.js'

const tags = ['Interaction']
const sessionParams = IdParams('ses')

const interactionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/sessions/:id/interactions/batch',
    {
      schema: {
        operationId: 'ingestInteractions',
        tags,
        summary: 'Send up to 1,000 audience events (comments, likes, joins, gifts, …) of a live session',
        description:
          '202 once the accepted events are durably written; each bad event is listed by `index` with its `errors` and never stops the others. An `event_id` the session already has is a no-op (counted in `duplicates`), so a batch can be re-sent safely. Live counters follow within about 2 s.',
        security: requireScopes('interactions:write'),
        params: sessionParams,
        body: ref(S.InteractionBatch),
        response: { 202: ref(S.InteractionBatchResult), ...errors(404, 422) },
      },
    },
    async (req, reply) => reply.code(202).send(await interaction.ingestBatch(req.ctx, req.params.id, req.body)),
  )
  app.get(
    '/sessions/:id/live-stats',
    {
      schema: {
        operationId: 'getSessionLiveStats',
        tags,
        summary: 'A session’s live counters: viewers now and peak, interactions per minute, likes, gift value',
        security: requireScopes('interactions:read'),
        params: sessionParams,
        response: { 200: ref(S.SessionLiveStats), ...errors(404) },
      },
    },
    async (req) => interaction.liveStats(req.ctx, req.params.id),
  )
  app.get(
    '/sessions/:id/comments',
    {
      schema: {
        operationId: 'listSessionComments',
        tags,
        summary: 'A session’s comments, oldest first; `state=hidden` lists the hidden ones with their reason',
        security: requireScopes('interactions:read'),
        params: sessionParams,
        querystring: S.SessionCommentQuery,
        response: { 200: ref(S.SessionCommentList), ...errors(404) },
      },
    },
    async (req) => interaction.listComments(req.ctx, req.params.id, req.query),
  )

  const moderationTags = ['Moderation']
  app.post(
    '/moderation/blocked-words',
    {
      schema: {
        operationId: 'addBlockedWord',
        tags: moderationTags,
        summary: 'Block a word: comments containing it (compared after NFKC and case folding) are hidden',
        security: requireScopes('moderation:write'),
        body: ref(S.CreateBlockedWord),
        response: { 201: ref(S.BlockedWord), ...errors(409) },
      },
    },
    async (req, reply) => reply.code(201).send(await interaction.addBlockedWord(req.ctx, req.body)),
  )
  app.get(
    '/moderation/blocked-words',
    {
      schema: {
        operationId: 'listBlockedWords',
        tags: moderationTags,
        summary: 'The tenant’s blocked words, newest first',
        security: requireScopes('moderation:read'),
        querystring: PageQuery,
        response: { 200: ref(S.BlockedWordList), ...errors() },
      },
    },
    async (req) => interaction.listBlockedWords(req.ctx, req.query),
  )
  app.get(
    '/moderation/blocked-words/:id',
    {
      schema: {
        operationId: 'getBlockedWord',
        tags: moderationTags,
        summary: 'Get a blocked word',
        security: requireScopes('moderation:read'),
        params: IdParams('bwd'),
        response: { 200: ref(S.BlockedWord), ...errors(404) },
      },
    },
    async (req) => interaction.getBlockedWord(req.ctx, req.params.id),
  )
  app.delete(
    '/moderation/blocked-words/:id',
    {
      schema: {
        operationId: 'removeBlockedWord',
        tags: moderationTags,
        summary: 'Unblock a word; comments already hidden stay hidden with their reason',
        security: requireScopes('moderation:write'),
        params: IdParams('bwd'),
        response: { 204: Type.Null({ description: 'Removed' }), ...errors(404) },
      },
    },
    async (req, reply) => {
      await interaction.removeBlockedWord(req.ctx, req.params.id)
      return reply.code(204).send(null)
    },
  )

  app.put(
    '/moderation/hook',
    {
      schema: {
        operationId: 'putModerationHook',
        tags: moderationTags,
        summary: 'Set the tenant’s moderation hook: an installed app that allows, hides or replaces each comment',
        description:
          'Each batch’s comments are POSTed to `url`, signed (Standard Webhooks) with the hook’s secret, before they are moved; the app answers a verdict per comment within `timeout_ms`, else `on_timeout` applies. 201 with the secret when the hook is created, 200 when it is changed (a new secret only when it moves to another installation). The installation must be installed in this tenant and granted interactions:read; an installed app may set only a hook naming itself. Takes If-Match.',
        security: requireScopes('moderation:write'),
        body: ref(S.PutModerationHook),
        response: {
          200: ref(S.ModerationHookWithSecret),
          201: ref(S.ModerationHookWithSecret),
          ...errors(409, 412, 422),
        },
      },
    },
    async (req, reply) => {
      const { created, ...answer } = await hooks.putHook(req.ctx, expectedVersion(req), req.body)
      reply.header('etag', `"${answer.hook.version}"`)
      return reply.code(created ? 201 : 200).send(answer)
    },
  )
  app.get(
    '/moderation/hook',
    {
      schema: {
        operationId: 'getModerationHook',
        tags: moderationTags,
        summary: 'The tenant’s moderation hook, with whether its installation still lets it run',
        security: requireScopes('moderation:read'),
        response: { 200: ref(S.ModerationHook), ...errors(404) },
      },
    },
    async (req, reply) => withEtag(reply, await hooks.getHook(req.ctx)),
  )
  app.delete(
    '/moderation/hook',
    {
      schema: {
        operationId: 'deleteModerationHook',
        tags: moderationTags,
        summary: 'Remove the moderation hook; batches are moved without it from then on. Takes If-Match.',
        security: requireScopes('moderation:write'),
        response: { 204: Type.Null({ description: 'Removed' }), ...errors(404, 412) },
      },
    },
    async (req, reply) => {
      await hooks.deleteHook(req.ctx, expectedVersion(req))
      return reply.code(204).send(null)
    },
  )
}

export default interactionRoutes
