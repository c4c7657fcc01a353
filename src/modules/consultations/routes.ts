import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { expectedVersion, withEtag } from '../../lib/etag.js'
import { errors, IdParams, PageQuery, ref } from '../../lib/schemas.js'
import { requireScopes } from '../../lib/scopes.js'
import * as S from './schemas.js'
import * as consultations from './service.js'

const tags = ['Consultations']
const read = requireScopes('consultations:read')
const write = requireScopes('consultations:write')
const params = IdParams('con')

const consultationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/consultations',
    {
      schema: {
        operationId: 'openConsultation',
        tags,
        summary: 'Open a ticket for a buyer’s question about a product outside live hours',
        description:
          'A question while the named anchor is live is accepted and flagged `during_live` with the live session, so a desk can route it to the live room. Emits consultation.opened.',
        security: write,
        body: ref(S.OpenConsultation),
        response: { 201: ref(S.Consultation), ...errors(422) },
      },
    },
    async (req, reply) =>
      reply.code(201).send(withEtag(reply, await consultations.openConsultation(req.ctx, req.body))),
  )
  app.get(
    '/consultations',
    {
      schema: {
        operationId: 'listConsultations',
        tags,
        summary: 'List tickets, newest first, by status, anchor or product',
        security: read,
        querystring: S.ConsultationListQuery,
        response: { 200: ref(S.ConsultationList), ...errors() },
      },
    },
    async (req) => consultations.listConsultations(req.ctx, req.query),
  )
  app.get(
    '/consultations/stats',
    {
      schema: {
        operationId: 'getConsultationStats',
        tags,
        summary: 'Tickets opened in a range and their median and p90 first-response seconds, per anchor or product',
        security: read,
        querystring: S.ConsultationStatsQuery,
        response: { 200: ref(S.ConsultationStats), ...errors() },
      },
    },
    async (req) => consultations.consultationStats(req.ctx, req.query),
  )
  app.get(
    '/consultations/:id',
    {
      schema: {
        operationId: 'getConsultation',
        tags,
        summary: 'Get a ticket',
        security: read,
        params,
        response: { 200: ref(S.Consultation), ...errors(404) },
      },
    },
    async (req, reply) => withEtag(reply, await consultations.getConsultation(req.ctx, req.params.id)),
  )
  app.get(
    '/consultations/:id/messages',
    {
      schema: {
        operationId: 'listConsultationMessages',
        tags,
        summary: 'A ticket’s conversation, newest first',
        security: read,
        params,
        querystring: PageQuery,
        response: { 200: ref(S.ConsultationMessageList), ...errors(404) },
      },
    },
    async (req) => consultations.listConsultationMessages(req.ctx, req.params.id, req.query),
  )
  app.post(
    '/consultations/:id/claim',
    {
      schema: {
        operationId: 'claimConsultation',
        tags,
        summary: 'Claim a ticket for a human desk or an AI agent, exclusively, until released or expired',
        description:
          'A ticket another agent holds answers 409 with `claimed_by` and `claim_expires_at`; of two claims at once exactly one wins. The same agent claiming again renews its claim.',
        security: write,
        params,
        body: ref(S.ClaimConsultation),
        response: { 200: ref(S.Consultation), ...errors(404, 409, 412) },
      },
    },
    async (req, reply) =>
      withEtag(reply, await consultations.claimConsultation(req.ctx, req.params.id, expectedVersion(req), req.body)),
  )
  app.post(
    '/consultations/:id/release',
    {
      schema: {
        operationId: 'releaseConsultation',
        tags,
        summary: 'Let go of a ticket you hold, so anyone may claim it',
        security: write,
        params,
        response: { 200: ref(S.Consultation), ...errors(404, 409, 412) },
      },
    },
    async (req, reply) =>
      withEtag(reply, await consultations.releaseConsultation(req.ctx, req.params.id, expectedVersion(req))),
  )
  app.post(
    '/consultations/:id/messages',
    {
      schema: {
        operationId: 'answerConsultation',
        tags,
        summary: 'Answer a ticket you hold; the first answer records its first-response time',
        description: 'Needs a live claim of the caller (409 otherwise). Emits consultation.answered.',
        security: write,
        params,
        body: ref(S.AnswerConsultation),
        response: { 201: ref(S.ConsultationMessage), ...errors(404, 409) },
      },
    },
    async (req, reply) =>
      reply.code(201).send(await consultations.answerConsultation(req.ctx, req.params.id, req.body)),
  )
  app.post(
    '/consultations/:id/close',
    {
      schema: {
        operationId: 'closeConsultation',
        tags,
        summary: 'Close a ticket; closed is final',
        security: write,
        params,
        body: ref(S.CloseConsultation),
        response: { 200: ref(S.Consultation), ...errors(404, 409, 412) },
      },
    },
    async (req, reply) =>
      withEtag(reply, await consultations.closeConsultation(req.ctx, req.params.id, expectedVersion(req), req.body)),
  )
}

export default consultationRoutes
