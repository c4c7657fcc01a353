import type { TxCtx } from './context.js'
import { auditLog } from '../db/schema.js'
import { newId } from './ids.js'

/** Records who changed what, in the same transaction as the change itself. */
export async function audit(
  ctx: TxCtx,
  action: string,
  resource: { type: string; id: string },
  changes?: unknown,
): Promise<void> {
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
