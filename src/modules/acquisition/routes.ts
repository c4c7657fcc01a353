import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { expectedVersion, withEtag } from '../../lib/etag.js'
import { errors, IdParams, PageQuery, ref } from '../../lib/schemas.js'
import { requireScopes } from '../../lib/scopes.js'
import * as reports from './reports.js'
import * as S from './schemas.js'
import * as acquisition from './service.js'
import { recordTouchBatch } from './touches.js'

const tags = ['Acquisition']
const read = requireScopes('acquisition:read')
const write = requireScopes('acquisition:write')
const campaignParams = IdParams('cmp')

const acquisitionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/campaigns',
    {
      schema: {
        operationId: 'createCampaign',
        tags,
        summary: 'Create a campaign with its goal, channel, budget and dates',
        security: write,
        body: ref(S.CreateCampaign),
        response: { 201: ref(S.Campaign), ...errors(422) },
      },
    },
    async (req, reply) => reply.code(201).send(withEtag(reply, await acquisition.createCampaign(req.ctx, req.body))),
  )
  app.get(
    '/campaigns',
    {
      schema: {
        operationId: 'listCampaigns',
        tags,
        summary: 'List campaigns, newest first, by status or channel',
        security: read,
        querystring: S.CampaignListQuery,
        response: { 200: ref(S.CampaignList), ...errors() },
      },
    },
    async (req) => acquisition.listCampaigns(req.ctx, req.query),
  )
  app.get(
    '/campaigns/:id',
    {
      schema: {
        operationId: 'getCampaign',
        tags,
        summary: 'Get a campaign',
        security: read,
        params: campaignParams,
        response: { 200: ref(S.Campaign), ...errors(404) },
      },
    },
    async (req, reply) => withEtag(reply, await acquisition.getCampaign(req.ctx, req.params.id)),
  )
  app.patch(
    '/campaigns/:id',
    {
      schema: {
        operationId: 'updateCampaign',
        tags,
        summary: 'Change a campaign, or move it draft → active → ended',
        description:
          'A budget below what placements committed answers 422; an illegal status move or a change to an ended campaign 409.',
        security: write,
        params: campaignParams,
        body: ref(S.UpdateCampaign),
        response: { 200: ref(S.Campaign), ...errors(404, 409, 412, 422) },
      },
    },
    async (req, reply) =>
      withEtag(reply, await acquisition.updateCampaign(req.ctx, req.params.id, expectedVersion(req), req.body)),
  )
  app.get(
    '/campaigns/:id/attribution',
    {
      schema: {
        operationId: 'getCampaignAttribution',
        tags,
        summary: 'Visits, follows, orders, GMV, cost and ROI a campaign brought, under a named attribution model',
        description:
          'The model is the campaign’s own (`attribution_model`, last_touch by default) unless `model` names another; the answer always names the one it used. `from`/`to` bound the conversions and visits counted.',
        security: read,
        params: campaignParams,
        querystring: S.AttributionQuery,
        response: { 200: ref(S.CampaignAttribution), ...errors(404) },
      },
    },
    async (req) => reports.campaignAttribution(req.ctx, req.params.id, req.query),
  )

  app.post(
    '/campaigns/:id/placements',
    {
      schema: {
        operationId: 'createPlacement',
        tags,
        summary: 'Book a paid placement (流量投放, 挂榜) of a session within the campaign’s budget',
        description:
          'The costs of a campaign’s placements never exceed its budget: a cost that does not fit answers 422 with what is `remaining`, also when two placements race for the last of it.',
        security: write,
        params: campaignParams,
        body: ref(S.CreatePlacement),
        response: { 201: ref(S.Placement), ...errors(404, 409, 422) },
      },
    },
    async (req, reply) =>
      reply.code(201).send(withEtag(reply, await acquisition.createPlacement(req.ctx, req.params.id, req.body))),
  )
  app.get(
    '/campaigns/:id/placements',
    {
      schema: {
        operationId: 'listPlacements',
        tags,
        summary: 'A campaign’s placements, newest first',
        security: read,
        params: campaignParams,
        querystring: PageQuery,
        response: { 200: ref(S.PlacementList), ...errors(404) },
      },
    },
    async (req) => acquisition.listPlacements(req.ctx, req.params.id, req.query),
  )
  app.get(
    '/placements/:id',
    {
      schema: {
        operationId: 'getPlacement',
        tags,
        summary: 'Get a placement with the traffic it brought',
        security: read,
        params: IdParams('plc'),
        response: { 200: ref(S.Placement), ...errors(404) },
      },
    },
    async (req, reply) => withEtag(reply, await acquisition.getPlacement(req.ctx, req.params.id)),
  )
  app.patch(
    '/placements/:id',
    {
      schema: {
        operationId: 'updatePlacement',
        tags,
        summary: 'Change a placement’s cost or window, or report the traffic the ad platform counted',
        security: write,
        params: IdParams('plc'),
        body: ref(S.UpdatePlacement),
        response: { 200: ref(S.Placement), ...errors(404, 409, 412, 422) },
      },
    },
    async (req, reply) =>
      withEtag(reply, await acquisition.updatePlacement(req.ctx, req.params.id, expectedVersion(req), req.body)),
  )

  app.post(
    '/campaigns/:id/links',
    {
      schema: {
        operationId: 'createTrackedLink',
        tags,
        summary: 'Issue a tracked link or code pointing at a session, an anchor or a product',
        security: write,
        params: campaignParams,
        body: ref(S.CreateTrackedLink),
        response: { 201: ref(S.TrackedLink), ...errors(404, 409, 422) },
      },
    },
    async (req, reply) => reply.code(201).send(await acquisition.createTrackedLink(req.ctx, req.params.id, req.body)),
  )
  app.get(
    '/campaigns/:id/links',
    {
      schema: {
        operationId: 'listTrackedLinks',
        tags,
        summary: 'A campaign’s tracked links, newest first',
        security: read,
        params: campaignParams,
        querystring: PageQuery,
        response: { 200: ref(S.TrackedLinkList), ...errors(404) },
      },
    },
    async (req) => acquisition.listTrackedLinks(req.ctx, req.params.id, req.query),
  )
  app.get(
    '/links/:id',
    {
      schema: {
        operationId: 'getTrackedLink',
        tags,
        summary: 'Get a tracked link',
        security: read,
        params: IdParams('lnk'),
        response: { 200: ref(S.TrackedLink), ...errors(404) },
      },
    },
    async (req) => acquisition.getTrackedLink(req.ctx, req.params.id),
  )

  app.post(
    '/touches',
    {
      schema: {
        operationId: 'recordTouches',
        tags,
        summary: 'Record visits, follows and fan-group joins, with the code they came through if any (up to 1,000)',
        description:
          'All or nothing: one touch that names an unknown code, session or anchor, or a follow that reaches no anchor, refuses the batch with 422 and a pointer to each. A touch whose `external_id` was recorded before counts as a duplicate and is not written again.',
        security: write,
        body: ref(S.RecordTouches),
        response: { 200: ref(S.TouchesRecorded), ...errors(422) },
      },
    },
    async (req) => recordTouchBatch(req.ctx, req.body),
  )
  app.get(
    '/anchors/:id/audience-growth',
    {
      schema: {
        operationId: 'getAnchorAudienceGrowth',
        tags,
        summary: '公域 → 私域: follows and fan-group joins of an anchor in a time range, per day',
        security: read,
        params: IdParams('anc'),
        querystring: S.AudienceGrowthQuery,
        response: { 200: ref(S.AudienceGrowth), ...errors(404) },
      },
    },
    async (req) => reports.audienceGrowth(req.ctx, req.params.id, req.query),
  )
  app.get(
    '/sessions/:id/conversion',
    {
      schema: {
        operationId: 'getSessionConversion',
        tags,
        summary: 'The share of a session’s viewers who became followers of its host',
        security: read,
        params: IdParams('ses'),
        querystring: S.SessionConversionQuery,
        response: { 200: ref(S.SessionConversion), ...errors(404) },
      },
    },
    async (req) => reports.sessionConversion(req.ctx, req.params.id, req.query),
  )
}

export default acquisitionRoutes
