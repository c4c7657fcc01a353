import type { ControlPlaneCtx, TxCtx } from './context.js'
import { asTenantWithin } from '../db/control-plane.js'
import { auditLog } from '../db/schema.js'
import { newId } from './ids.js'

/**
 * Records who changed what, in the same transaction as the change itself: a tenant
 * transaction, or a control-plane one, where the row is written as the tenant so
 * row-level security checks it the same way.
 */
export async function audit(
  ctx: TxCtx | ControlPlaneCtx,
  action: string,
  resource: { type: string; id: string },
  changes?: unknown,
): Promise<void> {
  if ('owner' in ctx) return asTenantWithin(ctx, (tx) => audit(tx, action, resource, changes))
  await ctx.tx.insert(auditLog).values({
    tenantId: ctx.tenantId,
    id: newId('audit'),
    actorClientId: ctx.actor.clientId,
    installationId: ctx.actor.installationId ?? null,
    requestId: ctx.requestId,
    action,
    resourceType: resource.type,
    resourceId: resource.id,
    changes: changes ?? null,
  })
}
