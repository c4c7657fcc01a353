import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { TSchema } from 'typebox'
import { expectedVersion, withEtag } from '../../lib/etag.js'
import { errors, IdParams, PageQuery, ref } from '../../lib/schemas.js'
import { requireScopes } from '../../lib/scopes.js'
import * as disputes from './disputes.js'
import * as refunds from './refunds.js'
import type { RefundActionInput } from './refunds.js'
import type { RefundAction } from './rules.js'
import * as reviews from './reviews.js'
import * as S from './schemas.js'

const tags = ['After-sales']
const read = requireScopes('aftersales:read')
const write = requireScopes('aftersales:write')
const refundParams = IdParams('rfd')
const disputeParams = IdParams('dsp')
const reviewParams = IdParams('rev')
const transitionNote =
  'An action the refund’s status does not allow answers 409 with `refund_status` and the `allowed` actions; a stale If-Match 412.'

/** The refund's actions, one route each; the body (when there is one) is the action's input. */
const REFUND_ACTIONS: {
  path: string
  action: RefundAction
  operationId: string
  summary: string
  body?: TSchema & { $id: string }
}[] = [
  { path: 'approve', action: 'approve', operationId: 'approveRefund', summary: 'Approve a requested refund' },
  {
    path: 'refuse',
    action: 'refuse',
    operationId: 'refuseRefund',
    summary: 'Refuse a requested refund with a reason; its reserved amount is released',
    body: S.RefuseRefund,
  },
  {
    path: 'return-shipment',
    action: 'ship_return',
    operationId: 'shipRefundReturn',
    summary: 'Record the return parcel of an approved refund with return',
    body: S.ReturnShipment,
  },
  {
    path: 'complete',
    action: 'complete',
    operationId: 'completeRefund',
    summary: 'The money went back to the buyer: complete an approved refund (after the return, when there is one)',
  },
]

const aftersalesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/orders/:id/refunds',
    {
      schema: {
        operationId: 'requestRefund',
        tags,
        summary: 'Ask for a refund (退款) on a paid order or one of its lines, with or without a return (退货)',
        description:
          'The amount is reserved against what was paid, atomically: a refund that would take the order’s (or the line’s) refunds past what was paid answers 422 `refund_exceeds_paid` with the `refundable` amount left. An order that is not paid (or is cancelled) answers 409.',
        security: write,
        params: IdParams('ord'),
        body: ref(S.RequestRefund),
        response: { 201: ref(S.Refund), ...errors(404, 409, 422) },
      },
    },
    async (req, reply) =>
      reply.code(201).send(withEtag(reply, await refunds.requestRefund(req.ctx, req.params.id, req.body))),
  )
  app.get(
    '/orders/:id/refunds',
    {
      schema: {
        operationId: 'listOrderRefunds',
        tags,
        summary: 'An order’s refunds, newest first',
        security: read,
        params: IdParams('ord'),
        querystring: PageQuery,
        response: { 200: ref(S.RefundList), ...errors(404) },
      },
    },
    async (req) => refunds.listOrderRefunds(req.ctx, req.params.id, req.query),
  )
  app.get(
    '/refunds',
    {
      schema: {
        operationId: 'listRefunds',
        tags,
        summary: 'List refunds, newest first, by order or status',
        security: read,
        querystring: S.RefundQuery,
        response: { 200: ref(S.RefundList), ...errors() },
      },
    },
    async (req) => refunds.listRefunds(req.ctx, req.query),
  )
  app.get(
    '/refunds/:id',
    {
      schema: {
        operationId: 'getRefund',
        tags,
        summary: 'Get a refund',
        security: read,
        params: refundParams,
        response: { 200: ref(S.Refund), ...errors(404) },
      },
    },
    async (req, reply) => withEtag(reply, await refunds.getRefund(req.ctx, req.params.id)),
  )
  for (const a of REFUND_ACTIONS)
    app.post(
      `/refunds/:id/${a.path}`,
      {
        schema: {
          operationId: a.operationId,
          tags,
          summary: a.summary,
          description: transitionNote,
          security: write,
          params: refundParams,
          ...(a.body && { body: ref(a.body) }),
          response: { 200: ref(S.Refund), ...errors(404, 409, 412) },
        },
      },
      async (req, reply) =>
        withEtag(
          reply,
          await refunds.transitionRefund(
            req.ctx,
            req.params.id,
            a.action,
            expectedVersion(req),
            req.body as RefundActionInput | undefined,
          ),
        ),
    )

  app.post(
    '/disputes',
    {
      schema: {
        operationId: 'openDispute',
        tags,
        summary: 'Record a buyer’s dispute (纠纷) on an order or one of its refunds, with the buyer’s evidence',
        description:
          'The dispute starts at merchant_response with a 48-hour deadline; an unanswered stage escalates to platform intervention (第三方介入).',
        security: write,
        body: ref(S.OpenDispute),
        response: { 201: ref(S.Dispute), ...errors(404, 422) },
      },
    },
    async (req, reply) => reply.code(201).send(withEtag(reply, await disputes.openDispute(req.ctx, req.body))),
  )
  app.get(
    '/disputes',
    {
      schema: {
        operationId: 'listDisputes',
        tags,
        summary: 'List disputes, newest first, by order or stage',
        security: read,
        querystring: S.DisputeQuery,
        response: { 200: ref(S.DisputeList), ...errors() },
      },
    },
    async (req) => disputes.listDisputes(req.ctx, req.query),
  )
  app.get(
    '/disputes/:id',
    {
      schema: {
        operationId: 'getDispute',
        tags,
        summary: 'Get a dispute with every step (who, what, evidence, when)',
        description: 'The platform organization reads any tenant’s dispute, to decide it.',
        security: read,
        params: disputeParams,
        response: { 200: ref(S.Dispute), ...errors(404) },
      },
    },
    async (req, reply) => withEtag(reply, await disputes.getDispute(req.ctx, req.params.id)),
  )
  for (const [path, party, summary] of [
    [
      'merchant-response',
      'merchant',
      'The merchant answers a dispute with evidence (merchant_response → buyer_reply, 48 h)',
    ],
    ['buyer-reply', 'buyer', 'The buyer replies to the merchant’s answer and keeps the dispute up (→ platform_review)'],
  ] as const)
    app.post(
      `/disputes/:id/${path}`,
      {
        schema: {
          operationId: party === 'merchant' ? 'answerDispute' : 'replyToDispute',
          tags,
          summary,
          description: 'At any other stage 409 with `dispute_stage`; a stale If-Match 412.',
          security: write,
          params: disputeParams,
          body: ref(S.DisputeAnswer),
          response: { 200: ref(S.Dispute), ...errors(404, 409, 412) },
        },
      },
      async (req, reply) =>
        withEtag(
          reply,
          await disputes.answerDispute(req.ctx, req.params.id, party, expectedVersion(req), req.body.evidence),
        ),
    )
  app.post(
    '/disputes/:id/withdraw',
    {
      schema: {
        operationId: 'withdrawDispute',
        tags,
        summary: 'The buyer withdraws a dispute not yet decided',
        security: write,
        params: disputeParams,
        response: { 200: ref(S.Dispute), ...errors(404, 409, 412) },
      },
    },
    async (req, reply) => withEtag(reply, await disputes.withdrawDispute(req.ctx, req.params.id, expectedVersion(req))),
  )
  app.post(
    '/disputes/:id/decision',
    {
      schema: {
        operationId: 'decideDispute',
        tags,
        summary: 'The platform decides an escalated dispute: refund_buyer, side_with_merchant or split',
        description:
          'Only the platform organization (its own client, not an installed app) decides, on any tenant’s dispute at platform_review. A refund it decides is made through the order’s refund ledger: past what was paid it answers 422 `refund_exceeds_paid`.',
        security: write,
        params: disputeParams,
        body: ref(S.DisputeDecision),
        response: { 200: ref(S.Dispute), ...errors(403, 404, 409, 412, 422) },
      },
    },
    async (req, reply) =>
      withEtag(reply, await disputes.decideDispute(req.ctx, req.params.id, expectedVersion(req), req.body)),
  )
  app.post(
    '/reviews',
    {
      schema: {
        operationId: 'createReview',
        tags,
        summary: 'Post a buyer’s review (评价) of one order line: a rating of 1–5 and optional words',
        description:
          'One review per order line, once its order is delivered or completed. An unknown line answers 404 pointing at `order_item_id`; an order not yet delivered (or cancelled) 409 with `order_status`; a second review of the line 409 with the first one’s `review_id`. The review counts at once in the supplier’s survey signal (one respondent, 1 star → 0, 5 stars → 100), which the next reputation review uses.',
        security: write,
        body: ref(S.CreateReview),
        response: { 201: ref(S.Review), ...errors(404, 409) },
      },
    },
    async (req, reply) => reply.code(201).send(withEtag(reply, await reviews.createReview(req.ctx, req.body))),
  )
  app.get(
    '/reviews',
    {
      schema: {
        operationId: 'listReviews',
        tags,
        summary: 'List reviews, newest first, by product, supplier (at review time), anchor or order',
        security: read,
        querystring: S.ReviewQuery,
        response: { 200: ref(S.ReviewList), ...errors() },
      },
    },
    async (req) => reviews.listReviews(req.ctx, req.query),
  )
  app.get(
    '/reviews/:id',
    {
      schema: {
        operationId: 'getReview',
        tags,
        summary: 'Get a review',
        security: read,
        params: reviewParams,
        response: { 200: ref(S.Review), ...errors(404) },
      },
    },
    async (req, reply) => withEtag(reply, await reviews.getReview(req.ctx, req.params.id)),
  )
  for (const [subject, path, prefix, operationId] of [
    ['product', 'products', 'prd', 'getProductReviewSummary'],
    ['supplier', 'suppliers', 'sup', 'getSupplierReviewSummary'],
    ['anchor', 'anchors', 'anc', 'getAnchorReviewSummary'],
  ] as const)
    app.get(
      `/${path}/:id/review-summary`,
      {
        schema: {
          operationId,
          tags,
          summary: `How a ${subject}’s reviews add up: count, average rating and how many gave each rating`,
          description:
            subject === 'supplier'
              ? 'Over all time, by the supplier of each product at the time of its review.'
              : 'Over all time.',
          security: read,
          params: IdParams(prefix),
          response: { 200: ref(S.ReviewSummary), ...errors(404) },
        },
      },
      async (req) => reviews.reviewSummary(req.ctx, subject, req.params.id),
    )
}

export default aftersalesRoutes
