import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { expectedVersion, withEtag } from '../../lib/etag.js'
import { accepted } from '../../lib/http.js'
import { errors, IdParams, PageQuery, ref, responseExamples } from '../../lib/schemas.js'
import { requireScopes } from '../../lib/scopes.js'
import { Job } from '../jobs/index.js'
import { tierReview } from './jobs.js'
import * as S from './schemas.js'
import * as standards from './standards.js'
import * as tiers from './tiers.js'
import * as violations from './violations.js'

/** Standards, violations, suspensions and tiers sit beside the anchors they govern. */
const tags = ['Anchors']

const anchorGovernanceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/anchor-standards',
    {
      schema: {
        operationId: 'publishAnchorStandard',
        tags,
        summary: 'Publish the next version of the anchor standards (主播规范标准); platform only',
        description:
          'The new version supersedes the last at once: violations recorded from now on name its rules, and strikes use its window and threshold.',
        security: requireScopes('governance:write'),
        body: ref(S.CreateAnchorStandard),
        response: { 201: ref(S.AnchorStandard), ...errors(409, 422) },
      },
    },
    async (req, reply) => reply.code(201).send(await standards.publishStandard(req.ctx, req.body)),
  )

  app.get(
    '/anchor-standards',
    {
      schema: {
        operationId: 'listAnchorStandards',
        tags,
        summary: 'Every version of the platform’s anchor standards, newest first',
        security: requireScopes('governance:read'),
        querystring: PageQuery,
        response: { 200: ref(S.AnchorStandardList), ...errors() },
      },
    },
    async (req) => standards.listStandards(req.ctx, req.query),
  )

  app.get(
    '/anchor-standards/current',
    {
      schema: {
        operationId: 'getCurrentAnchorStandard',
        tags,
        summary: 'The version of the anchor standards in force now',
        security: requireScopes('governance:read'),
        response: { 200: ref(S.AnchorStandard), ...errors(404) },
      },
    },
    async (req) => standards.getCurrentStandard(req.ctx),
  )

  app.post(
    '/anchors/:id/violations',
    {
      schema: {
        operationId: 'recordAnchorViolation',
        tags,
        summary: 'Record a violation of a rule of the standards; strikes reaching the threshold suspend the anchor',
        security: requireScopes('governance:write'),
        params: IdParams('anc'),
        body: ref(S.RecordAnchorViolation),
        response: { 201: ref(S.AnchorViolation), ...errors(404, 422) },
      },
    },
    async (req, reply) => reply.code(201).send(await violations.recordViolation(req.ctx, req.params.id, req.body)),
  )

  app.get(
    '/anchors/:id/violations',
    {
      schema: {
        operationId: 'listAnchorViolations',
        tags,
        summary: 'An anchor’s violations, newest first',
        security: requireScopes('governance:read'),
        params: IdParams('anc'),
        querystring: PageQuery,
        response: { 200: ref(S.AnchorViolationList), ...errors(404) },
      },
    },
    async (req) => violations.listViolations(req.ctx, req.params.id, req.query),
  )

  app.get(
    '/anchors/:id/suspensions',
    {
      schema: {
        operationId: 'listAnchorSuspensions',
        tags,
        summary: 'An anchor’s suspensions, in force and lifted, newest first',
        security: requireScopes('governance:read'),
        params: IdParams('anc'),
        querystring: PageQuery,
        response: { 200: ref(S.AnchorSuspensionList), ...errors(404) },
      },
    },
    async (req) => violations.listSuspensions(req.ctx, req.params.id, req.query),
  )

  app.post(
    '/anchors/:id/reinstatement',
    {
      schema: {
        operationId: 'reinstateAnchor',
        tags,
        summary: 'Lift an anchor’s suspension, recording who and why; the anchor is active again',
        security: requireScopes('governance:write'),
        params: IdParams('anc'),
        body: ref(S.ReinstateAnchor),
        response: { 200: ref(S.AnchorSuspension), ...errors(404, 409) },
        ...responseExamples({ 200: S.LiftedSuspensionExample }),
      },
    },
    async (req) => violations.reinstateAnchor(req.ctx, req.params.id, req.body),
  )

  app.get(
    '/anchors/:id/standing',
    {
      schema: {
        operationId: 'getAnchorStanding',
        tags,
        summary: 'An anchor’s governance standing: strikes, suspension, tier and rank',
        security: requireScopes('governance:read'),
        params: IdParams('anc'),
        response: { 200: ref(S.AnchorStanding), ...errors(404) },
      },
    },
    async (req) => violations.getStanding(req.ctx, req.params.id),
  )

  app.get(
    '/anchors/:id/tier-history',
    {
      schema: {
        operationId: 'listAnchorTierHistory',
        tags,
        summary: 'An anchor’s promotions and demotions with their reasons, newest first',
        security: requireScopes('governance:read'),
        params: IdParams('anc'),
        querystring: PageQuery,
        response: { 200: ref(S.AnchorTierChangeList), ...errors(404) },
      },
    },
    async (req) => tiers.listTierHistory(req.ctx, req.params.id, req.query),
  )

  app.get(
    '/anchor-tier-ranking',
    {
      schema: {
        operationId: 'getAnchorTierRanking',
        tags,
        summary: 'The anchors of a tier in rank order at the last review (anchors never reviewed are not ranked yet)',
        security: requireScopes('governance:read'),
        querystring: S.TierRankingQuery,
        response: { 200: ref(S.AnchorTierRankList), ...errors() },
      },
    },
    async (req) => tiers.tierRanking(req.ctx, req.query),
  )

  app.get(
    '/anchor-tier-rules',
    {
      schema: {
        operationId: 'getAnchorTierRules',
        tags,
        summary: 'How tiers are measured, ranked and changed, and the support weights (defaults until changed)',
        security: requireScopes('governance:read'),
        response: { 200: ref(S.AnchorTierRules), ...errors() },
      },
    },
    async (req, reply) => withEtag(reply, await tiers.getTierRules(req.ctx)),
  )

  app.patch(
    '/anchor-tier-rules',
    {
      schema: {
        operationId: 'updateAnchorTierRules',
        tags,
        summary: 'Change the tier thresholds, weights, per-review limit or support weights',
        security: requireScopes('governance:write'),
        body: ref(S.UpdateAnchorTierRules),
        response: { 200: ref(S.AnchorTierRules), ...errors(412, 422) },
      },
    },
    async (req, reply) => withEtag(reply, await tiers.updateTierRules(req.ctx, expectedVersion(req), req.body)),
  )

  app.post(
    '/anchor-tier-reviews',
    {
      schema: {
        operationId: 'startAnchorTierReview',
        tags,
        summary:
          'Review every anchor’s tier now: rank inside tiers, then promote or demote one step (also runs weekly)',
        security: requireScopes('governance:write'),
        response: { 202: ref(Job), ...errors() },
      },
    },
    async (req, reply) => accepted(reply, await tierReview.start(req.ctx)),
  )
}

export default anchorGovernanceRoutes
