import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { expectedVersion, withEtag } from '../../lib/etag.js'
import { errors, IdParams, PageQuery, ref } from '../../lib/schemas.js'
import { requireScopes } from '../../lib/scopes.js'
import * as S from './schemas.js'
import * as lt from './service.js'

const tags = ['Live tools']
const read = requireScopes('live_tools:read')
const write = requireScopes('live_tools:write')

const liveToolRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/sessions/:id/questions',
    {
      schema: {
        operationId: 'askSessionQuestion',
        tags,
        summary: 'Ask a question in a live session’s Q&A',
        security: write,
        params: IdParams('ses'),
        body: ref(S.AskQuestion),
        response: { 201: ref(S.LiveQuestion), ...errors(404) },
      },
    },
    async (req, reply) => reply.code(201).send(withEtag(reply, await lt.askQuestion(req.ctx, req.params.id, req.body))),
  )
  app.get(
    '/sessions/:id/questions',
    {
      schema: {
        operationId: 'listSessionQuestions',
        tags,
        summary: 'List a session’s questions, newest first, answered or unanswered',
        security: read,
        params: IdParams('ses'),
        querystring: S.QuestionListQuery,
        response: { 200: ref(S.LiveQuestionList), ...errors(404) },
      },
    },
    async (req) => lt.listQuestions(req.ctx, req.params.id, req.query),
  )
  app.get(
    '/questions/:id',
    {
      schema: {
        operationId: 'getQuestion',
        tags,
        summary: 'Get a question',
        security: read,
        params: IdParams('qst'),
        response: { 200: ref(S.LiveQuestion), ...errors(404) },
      },
    },
    async (req, reply) => withEtag(reply, await lt.getQuestion(req.ctx, req.params.id)),
  )
  app.post(
    '/questions/:id/answer',
    {
      schema: {
        operationId: 'answerQuestion',
        tags,
        summary: 'Answer a question, once; answered_by is the caller and the crew member named',
        description:
          'A second answer is 409 (`reason: already_answered`); an unknown crew member 422. Emits question.answered.',
        security: write,
        params: IdParams('qst'),
        body: ref(S.AnswerQuestion),
        response: { 200: ref(S.LiveQuestion), ...errors(404, 409, 412, 422) },
      },
    },
    async (req, reply) =>
      withEtag(reply, await lt.answerQuestion(req.ctx, req.params.id, expectedVersion(req), req.body)),
  )
  app.post(
    '/sessions/:id/polls',
    {
      schema: {
        operationId: 'createSessionPoll',
        tags,
        summary: 'Create a poll in a session, as a draft or open at once',
        security: write,
        params: IdParams('ses'),
        body: ref(S.CreatePoll),
        response: { 201: ref(S.Poll), ...errors(404) },
      },
    },
    async (req, reply) => reply.code(201).send(withEtag(reply, await lt.createPoll(req.ctx, req.params.id, req.body))),
  )
  app.get(
    '/sessions/:id/polls',
    {
      schema: {
        operationId: 'listSessionPolls',
        tags,
        summary: 'List a session’s polls with their tallies, newest first',
        security: read,
        params: IdParams('ses'),
        querystring: PageQuery,
        response: { 200: ref(S.PollList), ...errors(404) },
      },
    },
    async (req) => lt.listPolls(req.ctx, req.params.id, req.query),
  )
  app.get(
    '/polls/:id',
    {
      schema: {
        operationId: 'getPoll',
        tags,
        summary: 'Get a poll and its tally, live or final',
        security: read,
        params: IdParams('pol'),
        response: { 200: ref(S.Poll), ...errors(404) },
      },
    },
    async (req, reply) => withEtag(reply, await lt.getPoll(req.ctx, req.params.id)),
  )
  app.post(
    '/polls/:id/open',
    {
      schema: {
        operationId: 'openPoll',
        tags,
        summary: 'Open a draft poll for votes',
        description: 'Emits poll.opened.',
        security: write,
        params: IdParams('pol'),
        response: { 200: ref(S.Poll), ...errors(404, 409, 412) },
      },
    },
    async (req, reply) => withEtag(reply, await lt.openPoll(req.ctx, req.params.id, expectedVersion(req))),
  )
  app.post(
    '/polls/:id/close',
    {
      schema: {
        operationId: 'closePoll',
        tags,
        summary: 'Close a poll; its tally is final',
        description: 'Emits poll.closed with the final tally.',
        security: write,
        params: IdParams('pol'),
        response: { 200: ref(S.Poll), ...errors(404, 409, 412) },
      },
    },
    async (req, reply) => withEtag(reply, await lt.closePoll(req.ctx, req.params.id, expectedVersion(req))),
  )
  app.post(
    '/polls/:id/votes',
    {
      schema: {
        operationId: 'castPollVote',
        tags,
        summary: 'Vote in an open poll; a buyer’s re-vote replaces their earlier one',
        description:
          'One vote per buyer: voting again while open replaces the choice (`replaced: true`). A draft or closed poll answers 409 (`reason: poll_draft` / `poll_closed`); an option out of range 422.',
        security: write,
        params: IdParams('pol'),
        body: ref(S.CastVote),
        response: { 200: ref(S.PollVote), ...errors(404, 409, 422) },
      },
    },
    async (req) => lt.castVote(req.ctx, req.params.id, req.body),
  )
  app.post(
    '/coupons',
    {
      schema: {
        operationId: 'createCoupon',
        tags,
        summary: 'Create a coupon for a session or product, with a total and a per-buyer limit',
        description: 'Emits coupon.created.',
        security: write,
        body: ref(S.CreateCoupon),
        response: { 201: ref(S.Coupon), ...errors(422) },
      },
    },
    async (req, reply) => reply.code(201).send(withEtag(reply, await lt.createCoupon(req.ctx, req.body))),
  )
  app.get(
    '/coupons',
    {
      schema: {
        operationId: 'listCoupons',
        tags,
        summary: 'List coupons, newest first, optionally of one session',
        security: read,
        querystring: S.CouponListQuery,
        response: { 200: ref(S.CouponList), ...errors() },
      },
    },
    async (req) => lt.listCoupons(req.ctx, req.query),
  )
  app.get(
    '/coupons/:id',
    {
      schema: {
        operationId: 'getCoupon',
        tags,
        summary: 'Get a coupon with how many are issued',
        security: read,
        params: IdParams('cpn'),
        response: { 200: ref(S.Coupon), ...errors(404) },
      },
    },
    async (req, reply) => withEtag(reply, await lt.getCoupon(req.ctx, req.params.id)),
  )
  app.post(
    '/coupons/:id/close',
    {
      schema: {
        operationId: 'closeCoupon',
        tags,
        summary: 'Close a coupon: it takes no more claims; what was issued stays issued',
        security: write,
        params: IdParams('cpn'),
        response: { 200: ref(S.Coupon), ...errors(404, 409, 412) },
      },
    },
    async (req, reply) => withEtag(reply, await lt.closeCoupon(req.ctx, req.params.id, expectedVersion(req))),
  )
  app.post(
    '/coupons/:id/claims',
    {
      schema: {
        operationId: 'claimCoupon',
        tags,
        summary: 'Claim a coupon for a buyer; never over-issued, also under concurrency',
        description:
          'Refusals are 409 with a `reason`: `coupon_exhausted` (total reached), `buyer_limit_reached` (per-buyer limit), `coupon_not_started`, `coupon_ended`, `coupon_closed`. Emits coupon.claimed.',
        security: write,
        params: IdParams('cpn'),
        body: ref(S.ClaimCoupon),
        response: { 201: ref(S.CouponClaim), ...errors(404, 409) },
      },
    },
    async (req, reply) => reply.code(201).send(await lt.claimCoupon(req.ctx, req.params.id, req.body)),
  )
  app.post(
    '/sessions/:id/draws',
    {
      schema: {
        operationId: 'createSessionDraw',
        tags,
        summary: 'Open a provably fair lucky draw; only the SHA-256 commitment of its secret seed is published',
        description: 'Emits draw.created carrying the commitment.',
        security: write,
        params: IdParams('ses'),
        body: ref(S.CreateDraw),
        response: { 201: ref(S.Draw), ...errors(404) },
      },
    },
    async (req, reply) => reply.code(201).send(withEtag(reply, await lt.createDraw(req.ctx, req.params.id, req.body))),
  )
  app.get(
    '/sessions/:id/draws',
    {
      schema: {
        operationId: 'listSessionDraws',
        tags,
        summary: 'List a session’s draws, newest first',
        security: read,
        params: IdParams('ses'),
        querystring: PageQuery,
        response: { 200: ref(S.DrawList), ...errors(404) },
      },
    },
    async (req) => lt.listDraws(req.ctx, req.params.id, req.query),
  )
  app.get(
    '/draws/:id',
    {
      schema: {
        operationId: 'getDraw',
        tags,
        summary: 'Get a draw',
        security: read,
        params: IdParams('drw'),
        response: { 200: ref(S.Draw), ...errors(404) },
      },
    },
    async (req, reply) => withEtag(reply, await lt.getDraw(req.ctx, req.params.id)),
  )
  app.post(
    '/draws/:id/entries',
    {
      schema: {
        operationId: 'enterDraw',
        tags,
        summary: 'Enter a buyer into an open draw, once',
        description:
          'A second entry of the same buyer is 409 (`reason: already_entered`); a closed draw 409 (`reason: draw_closed`).',
        security: write,
        params: IdParams('drw'),
        body: ref(S.EnterDraw),
        response: { 201: ref(S.DrawEntry), ...errors(404, 409) },
      },
    },
    async (req, reply) => reply.code(201).send(await lt.enterDraw(req.ctx, req.params.id, req.body)),
  )
  app.get(
    '/draws/:id/entries',
    {
      schema: {
        operationId: 'listDrawEntries',
        tags,
        summary: 'List a draw’s entries, newest first',
        security: read,
        params: IdParams('drw'),
        querystring: PageQuery,
        response: { 200: ref(S.DrawEntryList), ...errors(404) },
      },
    },
    async (req) => lt.listDrawEntries(req.ctx, req.params.id, req.query),
  )
  app.post(
    '/draws/:id/close',
    {
      schema: {
        operationId: 'closeDraw',
        tags,
        summary: 'Close a draw: its entry list is frozen and fingerprinted',
        description: 'Emits draw.closed.',
        security: write,
        params: IdParams('drw'),
        response: { 200: ref(S.Draw), ...errors(404, 409, 412) },
      },
    },
    async (req, reply) => withEtag(reply, await lt.closeDraw(req.ctx, req.params.id, expectedVersion(req))),
  )
  app.post(
    '/draws/:id/draw',
    {
      schema: {
        operationId: 'runDraw',
        tags,
        summary: 'Draw the winners of a closed draw and reveal its seed',
        description: 'Winners follow showrunner-draw-v1 (docs/live-tools.md). Emits draw.completed.',
        security: write,
        params: IdParams('drw'),
        response: { 200: ref(S.Draw), ...errors(404, 409, 412) },
      },
    },
    async (req, reply) => withEtag(reply, await lt.runDraw(req.ctx, req.params.id, expectedVersion(req))),
  )
  app.get(
    '/draws/:id/proof',
    {
      schema: {
        operationId: 'getDrawProof',
        tags,
        summary:
          'Everything needed to recompute a draw’s winners: commitment, seed (once drawn), entries, algorithm, winners',
        description: 'Recompute it with examples/verify-draw.ts.',
        security: read,
        params: IdParams('drw'),
        response: { 200: ref(S.DrawProof), ...errors(404) },
      },
    },
    async (req) => lt.getDrawProof(req.ctx, req.params.id),
  )
}

export default liveToolRoutes
