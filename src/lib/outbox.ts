import type { TxCtx } from './context.js'
import { events } from '../db/schema.js'
import { newId } from './ids.js'

/**
 * Writes a domain event in the caller's transaction (transactional outbox): the event
 * exists exactly when the change it describes was committed.
 */
export async function emit(
  ctx: TxCtx,
  type: string,
  resource: { type: string; id: string; version: number },
  data: unknown,
): Promise<string> {
  const id = newId('event')
  await ctx.tx.insert(events).values({
    tenantId: ctx.tenantId,
    id,
    type,
    resourceType: resource.type,
    resourceId: resource.id,
    resourceVersion: resource.version,
    data: data as object,
    requestId: ctx.requestId,
  })
  return id
}
