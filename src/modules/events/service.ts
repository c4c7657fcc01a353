import { eq, gt, sql } from 'drizzle-orm'
import { events } from '../../db/schema.js'
import { inTenant } from '../../db/tenancy.js'
import type { Ctx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import { eventTypes } from '../../lib/event-catalog.js'
import { tenantRepository, type PageRequest } from '../../lib/repository.js'

const repo = tenantRepository(events, 'event')
const RETENTION_DAYS = 30

export const presentEvent = (e: typeof events.$inferSelect) => ({
  id: e.id,
  type: e.type,
  occurred_at: e.occurredAt.toISOString(),
  tenant_id: e.tenantId,
  resource: { type: e.resourceType, id: e.resourceId, version: e.resourceVersion },
  data: e.data,
  request_id: e.requestId,
  sample: e.sample,
})

/** The last 30 days of the tenant's events, newest first, so subscribers can reconcile. */
export function listEvents(ctx: Ctx, query: PageRequest & { type?: string }) {
  // A misspelt type would otherwise filter everything out and look like "no events".
  if (query.type !== undefined && !eventTypes().includes(query.type))
    throw new AppError(
      'validation_failed',
      `"${query.type}" is not an event type; the known types are: ${eventTypes().join(', ')}.`,
      {
        errors: [{ pointer: '/query/type', detail: `must be one of: ${eventTypes().join(', ')}` }],
      },
    )
  return inTenant(ctx, async (tx) => {
    const page = await repo.list(
      tx,
      query,
      gt(events.occurredAt, sql`now() - make_interval(days => ${RETENTION_DAYS})`),
      query.type !== undefined ? eq(events.type, query.type) : undefined,
    )
    return { data: page.data.map(presentEvent), next_cursor: page.next_cursor }
  })
}

export async function getEvent(ctx: Ctx, id: string) {
  return presentEvent(await repo.read(ctx, id))
}
