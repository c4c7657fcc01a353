import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { auditLog } from '../../db/schema.js'
import { inTenant } from '../../db/tenancy.js'
import type { Ctx } from '../../lib/context.js'
import { tenantRepository, type PageRequest } from '../../lib/repository.js'
import { errors, exampleId, Id, named, Page, PageQuery, ref, Timestamp } from '../../lib/schemas.js'
import { requireScopes } from '../../lib/scopes.js'

export const AuditEntry = named(
  'AuditEntry',
  Type.Object({
    id: Id('aud'),
    action: Type.String({ description: 'What happened, e.g. product.updated' }),
    actor: Type.Object({ client_id: Type.String(), installation_id: Type.Union([Type.String(), Type.Null()]) }),
    resource: Type.Object({ type: Type.String(), id: Type.String() }),
    changes: Type.Unknown(),
    request_id: Type.Union([Type.String(), Type.Null()]),
    at: Timestamp,
  }),
  {
    id: exampleId('aud'),
    action: 'product.updated',
    actor: { client_id: exampleId('cli'), installation_id: null },
    resource: { type: 'product', id: exampleId('prd') },
    changes: { list_price: { amount: 3590, currency: 'CNY' }, stock: 80 },
    request_id: exampleId('req', 3),
    at: '2026-11-30T09:41:27.105Z',
  },
)
export const AuditEntryList = Page(AuditEntry)

const repo = tenantRepository(auditLog, 'audit entry')

export function listAuditLog(ctx: Ctx, page: PageRequest) {
  return inTenant(ctx, async (tx) => {
    const result = await repo.list(tx, page)
    return {
      data: result.data.map((a) => ({
        id: a.id,
        action: a.action,
        actor: { client_id: a.actorClientId, installation_id: a.installationId },
        resource: { type: a.resourceType, id: a.resourceId },
        changes: a.changes,
        request_id: a.requestId,
        at: a.at.toISOString(),
      })),
      next_cursor: result.next_cursor,
    }
  })
}

const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/audit-log',
    {
      schema: {
        operationId: 'listAuditLog',
        tags: ['Audit'],
        summary: 'Who changed what in this tenant, newest first',
        security: requireScopes('audit:read'),
        querystring: PageQuery,
        response: { 200: ref(AuditEntryList), ...errors() },
      },
    },
    async (req) => listAuditLog(req.ctx, req.query),
  )
}
export default auditRoutes
