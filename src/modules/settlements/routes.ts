import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { expectedVersion, withEtag } from '../../lib/etag.js'
import { accepted } from '../../lib/http.js'
import { errors, IdParams, PageQuery, ref, responseExamples } from '../../lib/schemas.js'
import { requireScopes } from '../../lib/scopes.js'
import { Job, queuedJobExample } from '../jobs/index.js'
import * as S from './schemas.js'
import * as settlements from './service.js'

const tags = ['Settlements']
const read = requireScopes('settlements:read')
const write = requireScopes('settlements:write')
const anchorParams = IdParams('anc')

const settlementsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/anchors/:id/contracts',
    {
      schema: {
        operationId: 'createContract',
        tags,
        summary: 'Sign a contract (签约) with an anchor: the MCN’s share of the anchor’s commission over a period',
        description: 'A period that overlaps another contract of the anchor answers 409.',
        security: write,
        params: anchorParams,
        body: ref(S.CreateContract),
        response: { 201: ref(S.Contract), ...errors(404, 409, 422) },
      },
    },
    async (req, reply) =>
      reply.code(201).send(withEtag(reply, await settlements.createContract(req.ctx, req.params.id, req.body))),
  )
  app.get(
    '/anchors/:id/contracts',
    {
      schema: {
        operationId: 'listContracts',
        tags,
        summary: 'An anchor’s contracts',
        security: read,
        params: anchorParams,
        querystring: PageQuery,
        response: { 200: ref(S.ContractList), ...errors(404) },
      },
    },
    async (req) => settlements.listContracts(req.ctx, req.params.id, req.query),
  )
  app.get(
    '/contracts/:id',
    {
      schema: {
        operationId: 'getContract',
        tags,
        summary: 'Get an anchor contract',
        security: read,
        params: IdParams('ctr'),
        response: { 200: ref(S.Contract), ...errors(404) },
      },
    },
    async (req, reply) => withEtag(reply, await settlements.getContract(req.ctx, req.params.id)),
  )
  app.patch(
    '/contracts/:id',
    {
      schema: {
        operationId: 'updateContract',
        tags,
        summary: 'Change an anchor contract’s rate, period or note',
        description: 'Entries already booked keep the rate they were booked with. An overlap answers 409.',
        security: write,
        params: IdParams('ctr'),
        body: ref(S.UpdateContract),
        response: { 200: ref(S.Contract), ...errors(404, 409, 412, 422) },
      },
    },
    async (req, reply) =>
      withEtag(reply, await settlements.updateContract(req.ctx, req.params.id, expectedVersion(req), req.body)),
  )
  app.get(
    '/anchors/:id/earnings',
    {
      schema: {
        operationId: 'getAnchorEarnings',
        tags,
        summary: 'An anchor’s commission, the MCN’s share and the anchor’s net booked in a month, per order item',
        description:
          'Totals equal the sum of the lines, and the lines are the ledger entries booked in the period. Entries of a closed month that arrived later are booked into the next open month and counted in `adjustments`.',
        security: read,
        params: anchorParams,
        querystring: S.EarningsQuery,
        response: { 200: ref(S.Earnings), ...errors(404) },
      },
    },
    async (req) => settlements.anchorEarnings(req.ctx, req.params.id, req.query.period),
  )
  app.post(
    '/settlements',
    {
      schema: {
        operationId: 'closeSettlementPeriod',
        tags,
        summary: 'Close a month: a job writes its settlement statement, which never changes after',
        description:
          '202 with the job; its result names the statement. A month already closed or being closed answers 409; a month not started yet 422.',
        security: write,
        body: ref(S.CloseSettlement),
        ...responseExamples({ 202: queuedJobExample(settlements.CLOSE_PERIOD_JOB, 0) }),
        response: { 202: ref(Job), ...errors(409, 422) },
      },
    },
    async (req, reply) => accepted(reply, await settlements.closePeriod(req.ctx, req.body.period)),
  )
  app.get(
    '/settlements',
    {
      schema: {
        operationId: 'listSettlements',
        tags,
        summary: 'Settlement statements, newest first',
        security: read,
        querystring: S.SettlementListQuery,
        response: { 200: ref(S.SettlementList), ...errors() },
      },
    },
    async (req) => settlements.listSettlements(req.ctx, req.query),
  )
  app.get(
    '/settlements/:id',
    {
      schema: {
        operationId: 'getSettlement',
        tags,
        summary: 'Get a settlement statement',
        security: read,
        params: IdParams('stl'),
        response: { 200: ref(S.Settlement), ...errors(404) },
      },
    },
    async (req) => settlements.getSettlement(req.ctx, req.params.id),
  )
}

export default settlementsRoutes
