import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { accepted } from '../../lib/http.js'
import { expectedVersion, withEtag } from '../../lib/etag.js'
import { errors, IdParams, PageQuery, ref } from '../../lib/schemas.js'
import { requireScopes } from '../../lib/scopes.js'
import { Job } from '../jobs/index.js'
import * as admission from './admission.js'
import * as quality from './quality.js'
import * as reputation from './reputation.js'
import { supplierReview } from './jobs.js'
import * as S from './schemas.js'

/** Admission, inspections, surveys and reviews live under the Suppliers tag with supplier CRUD. */
const tags = ['Suppliers']

const supplierGovernanceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/suppliers/:id/applications',
    {
      schema: {
        operationId: 'applyForAdmission',
        tags,
        summary: 'Check a supplier against admission criteria (入围): admitted, or refused with every failed criterion',
        security: requireScopes('governance:write'),
        params: IdParams('sup'),
        body: ref(S.CreateSupplierApplication),
        response: { 201: ref(S.SupplierApplication), ...errors(404, 422) },
      },
    },
    async (req, reply) => reply.code(201).send(await admission.applyForAdmission(req.ctx, req.params.id, req.body)),
  )

  app.get(
    '/suppliers/:id/applications',
    {
      schema: {
        operationId: 'listSupplierApplications',
        tags,
        summary: 'A supplier’s admission applications, newest first',
        security: requireScopes('governance:read'),
        params: IdParams('sup'),
        querystring: PageQuery,
        response: { 200: ref(S.SupplierApplicationList), ...errors(404) },
      },
    },
    async (req) => admission.listApplications(req.ctx, req.params.id, req.query),
  )

  app.get(
    '/supplier-applications/:id',
    {
      schema: {
        operationId: 'getSupplierApplication',
        tags,
        summary: 'Get an admission application and its decision',
        security: requireScopes('governance:read'),
        params: IdParams('apl'),
        response: { 200: ref(S.SupplierApplication), ...errors(404) },
      },
    },
    async (req) => admission.getApplication(req.ctx, req.params.id),
  )

  app.post(
    '/admission-criteria',
    {
      schema: {
        operationId: 'createAdmissionCriteria',
        tags,
        summary: 'Define admission criteria (入围标准) as data',
        security: requireScopes('governance:write'),
        body: ref(S.CreateAdmissionCriteria),
        response: { 201: ref(S.AdmissionCriteria), ...errors(422) },
      },
    },
    async (req, reply) => reply.code(201).send(withEtag(reply, await admission.createCriteria(req.ctx, req.body))),
  )

  app.get(
    '/admission-criteria',
    {
      schema: {
        operationId: 'listAdmissionCriteria',
        tags,
        summary: 'List admission criteria',
        security: requireScopes('governance:read'),
        querystring: PageQuery,
        response: { 200: ref(S.AdmissionCriteriaList), ...errors() },
      },
    },
    async (req) => admission.listCriteria(req.ctx, req.query),
  )

  app.get(
    '/admission-criteria/:id',
    {
      schema: {
        operationId: 'getAdmissionCriteria',
        tags,
        summary: 'Get admission criteria',
        security: requireScopes('governance:read'),
        params: IdParams('crt'),
        response: { 200: ref(S.AdmissionCriteria), ...errors(404) },
      },
    },
    async (req, reply) => withEtag(reply, await admission.getCriteria(req.ctx, req.params.id)),
  )

  app.patch(
    '/admission-criteria/:id',
    {
      schema: {
        operationId: 'updateAdmissionCriteria',
        tags,
        summary: 'Change admission criteria; past decisions keep what they were checked against',
        security: requireScopes('governance:write'),
        params: IdParams('crt'),
        body: ref(S.UpdateAdmissionCriteria),
        response: { 200: ref(S.AdmissionCriteria), ...errors(404, 412) },
      },
    },
    async (req, reply) =>
      withEtag(reply, await admission.updateCriteria(req.ctx, req.params.id, expectedVersion(req), req.body)),
  )

  app.post(
    '/inspections',
    {
      schema: {
        operationId: 'createInspection',
        tags,
        summary: 'Record a spot inspection before sale (抽检)',
        security: requireScopes('catalog:write'),
        body: ref(S.CreateInspection),
        response: { 201: ref(S.Inspection), ...errors(422) },
      },
    },
    async (req, reply) => reply.code(201).send(await quality.createInspection(req.ctx, req.body)),
  )

  app.get(
    '/inspections',
    {
      schema: {
        operationId: 'listInspections',
        tags,
        summary: 'List inspections, newest first',
        security: requireScopes('catalog:read'),
        querystring: S.QualityListQuery,
        response: { 200: ref(S.InspectionList), ...errors() },
      },
    },
    async (req) => quality.listInspections(req.ctx, req.query),
  )

  app.get(
    '/inspections/:id',
    {
      schema: {
        operationId: 'getInspection',
        tags,
        summary: 'Get an inspection',
        security: requireScopes('catalog:read'),
        params: IdParams('insp'),
        response: { 200: ref(S.Inspection), ...errors(404) },
      },
    },
    async (req) => quality.getInspection(req.ctx, req.params.id),
  )

  app.post(
    '/surveys',
    {
      schema: {
        operationId: 'createSurvey',
        tags,
        summary: 'Record buyers’ ratings after sale (调查)',
        security: requireScopes('catalog:write'),
        body: ref(S.CreateSurvey),
        response: { 201: ref(S.Survey), ...errors(422) },
      },
    },
    async (req, reply) => reply.code(201).send(await quality.createSurvey(req.ctx, req.body)),
  )

  app.get(
    '/surveys',
    {
      schema: {
        operationId: 'listSurveys',
        tags,
        summary: 'List surveys, newest first',
        security: requireScopes('catalog:read'),
        querystring: S.QualityListQuery,
        response: { 200: ref(S.SurveyList), ...errors() },
      },
    },
    async (req) => quality.listSurveys(req.ctx, req.query),
  )

  app.get(
    '/surveys/:id',
    {
      schema: {
        operationId: 'getSurvey',
        tags,
        summary: 'Get a survey',
        security: requireScopes('catalog:read'),
        params: IdParams('srv'),
        response: { 200: ref(S.Survey), ...errors(404) },
      },
    },
    async (req) => quality.getSurvey(req.ctx, req.params.id),
  )

  app.get(
    '/supplier-policy',
    {
      schema: {
        operationId: 'getSupplierPolicy',
        tags,
        summary: 'How reputation is computed and the elimination threshold (defaults until changed)',
        security: requireScopes('governance:read'),
        response: { 200: ref(S.SupplierPolicy), ...errors() },
      },
    },
    async (req, reply) => withEtag(reply, await reputation.getSupplierPolicy(req.ctx)),
  )

  app.patch(
    '/supplier-policy',
    {
      schema: {
        operationId: 'updateSupplierPolicy',
        tags,
        summary: 'Change the reputation weights, window or elimination threshold',
        security: requireScopes('governance:write'),
        body: ref(S.UpdateSupplierPolicy),
        response: { 200: ref(S.SupplierPolicy), ...errors(412) },
      },
    },
    async (req, reply) =>
      withEtag(reply, await reputation.updateSupplierPolicy(req.ctx, expectedVersion(req), req.body)),
  )

  app.post(
    '/supplier-reviews',
    {
      schema: {
        operationId: 'startSupplierReview',
        tags,
        summary: 'Recompute every supplier’s reputation now and apply probation and elimination (also runs daily)',
        security: requireScopes('governance:write'),
        response: { 202: ref(Job), ...errors() },
      },
    },
    async (req, reply) => accepted(reply, await supplierReview.start(req.ctx)),
  )
}

export default supplierGovernanceRoutes
