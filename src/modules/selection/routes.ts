import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { expectedVersion, withEtag } from '../../lib/etag.js'
import { errors, IdParams, ref } from '../../lib/schemas.js'
import { requireScopes } from '../../lib/scopes.js'
import { configureCandidateCache, configureRecommendationCache } from './cache.js'
import * as selection from './service.js'
import * as S from './schemas.js'

const tags = ['Selection']

const selectionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // REST and GraphQL reach the service with this app's database handle, and share its cache.
  configureRecommendationCache(app.db, { enabled: app.config.RECOMMENDATION_CACHE === 'on' })
  configureCandidateCache(app.db, { enabled: app.config.RECOMMENDATION_CACHE !== 'off' })

  app.get(
    '/anchors/:id/recommendations',
    {
      schema: {
        operationId: 'recommendForAnchor',
        tags,
        summary: 'Ranked products for an anchor (选品), each score broken down into named parts',
        description:
          'Candidates are the eligible products (active, in stock, supplier admitted or on probation — never eliminated) in the pools the anchor may draw from, including pools shared with the tenant. ' +
          'score = Σ weight × part: audience_fit (audience interests, categories covered, past sales by category), supplier_quality (reputation / 100; 0.5 before a first review), expected_margin (commission per unit, log-scaled, 1 at ¥200), ' +
          'long_term_value (repurchase rate), micro_supplier_boost (1 for a micro supplier), exposure_fairness (−head-anchor units / (units + 20) over 90 days; head anchors are the top 20% by GMV), ' +
          'diversity (−similarity to what the anchor sold in 30 days or to what is higher on the list, −0.25 per product of the same category already listed). No category exceeds max_category_share of the list while others have candidates.',
        security: requireScopes('selection:read'),
        params: IdParams('anc'),
        querystring: S.RecommendationQuery,
        response: { 200: ref(S.RecommendationList), ...errors(404) },
      },
    },
    async (req) => selection.recommendForAnchor(req.ctx, req.params.id, req.query),
  )

  app.get(
    '/selection/weights',
    {
      schema: {
        operationId: 'getSelectionWeights',
        tags,
        summary: 'The tenant’s recommendation weights (documented defaults until changed)',
        security: requireScopes('selection:read'),
        response: { 200: ref(S.SelectionWeights), ...errors() },
      },
    },
    async (req, reply) => withEtag(reply, await selection.getWeights(req.ctx)),
  )

  app.patch(
    '/selection/weights',
    {
      schema: {
        operationId: 'updateSelectionWeights',
        tags,
        summary: 'Change some weights; the rest keep their values',
        security: requireScopes('selection:write'),
        body: ref(S.UpdateSelectionWeights),
        response: { 200: ref(S.SelectionWeights), ...errors(412) },
      },
    },
    async (req, reply) => withEtag(reply, await selection.updateWeights(req.ctx, expectedVersion(req), req.body)),
  )

  app.post(
    '/selection/brand-tier-checks',
    {
      schema: {
        operationId: 'checkBrandTier',
        tags,
        summary:
          'Check a planned price or offer against the product’s brand-tier strategy (premium / mature / emerging)',
        security: requireScopes('selection:read'),
        body: ref(S.CreateBrandTierCheck),
        response: { 200: ref(S.BrandTierCheck), ...errors(422) },
      },
    },
    async (req) => selection.checkBrandTier(req.ctx, req.body),
  )
}

export default selectionRoutes
