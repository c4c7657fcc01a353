import { sql } from 'drizzle-orm'
import type { TxCtx } from './context.js'
import { events } from '../db/schema.js'
import { newId } from './ids.js'

/**
 * The channel a committed event is announced on. PostgreSQL delivers a NOTIFY only when
 * its transaction commits, so a listener (the webhooks relay) hears of exactly the
 * events that exist; one it misses is still in the table for the sweeper.
 */
export const EVENTS_CHANNEL = 'showrunner_events'

/**
 * Writes a domain event in the caller's transaction (transactional outbox): the event
 * exists exactly when the change it describes was committed, and is announced on
 * EVENTS_CHANNEL as `<tenant> <event id>` at that commit.
 */
export async function emit(
  ctx: TxCtx,
  type: string,
  resource: { type: string; id: string; version: number },
  data: unknown,
  opts: { sample?: boolean } = {},
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
    sample: opts.sample ?? false,
  })
  await ctx.tx.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${`${ctx.tenantId} ${id}`})`)
  return id
}
