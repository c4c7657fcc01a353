import { and, eq, isNull, lt, sql } from 'drizzle-orm'
import { Type } from 'typebox'
import { events } from '../../db/schema.js'
import { inTenant } from '../../db/tenancy.js'
import { type Ctx, type SerializedCtx, systemCtx, type TxCtx } from '../../lib/context.js'
import { defineJob } from '../../lib/jobs.js'
import { EVENTS_CHANNEL } from '../../lib/outbox.js'
import { scoped } from '../../lib/repository.js'
import { Id } from '../../lib/schemas.js'
import { activeInstallationScopes } from '../identity/index.js'
import type { BackgroundDeps } from '../types.js'
import { queueDeliveries, queueDelivery, sendFirstAttempts, unsentMessages } from './delivery.js'
import { WEBHOOK_ENDPOINT_DISABLED } from './events.js'
import { matches, ownerMayRead } from './subscriptions.js'
import { webhookEndpoints, webhookMessages } from './tables.js'

/**
 * The relay: a committed event becomes one message per subscribed endpoint (rows, the
 * source of truth), then one delivery job per message. The queue job of the fan-out has
 * the event's id, so announcing an event twice (the LISTEN relay and the sweeper) is one job.
 */

export const FanOutPayload = Type.Object({ eventId: Id('evt') })

/** An event's tenant as the system acting in it: no client asked for the relay. */
const relayCtx = (tenantId: string): SerializedCtx => ({ ...systemCtx('webhooks-relay'), tenantId })

const fanOutJobOf = (tenantId: string, eventId: string) => ({
  name: fanOutJob.name,
  data: fanOutJob.envelope(relayCtx(tenantId), { eventId }),
  // A failed fan-out must not hold the id: the sweeper queues the event again under it.
  opts: { jobId: eventId, removeOnFail: true, attempts: 5 },
})

async function queueFanOut(deps: Pick<Ctx, 'queues'>, tenantId: string, eventId: string): Promise<void> {
  const job = fanOutJobOf(tenantId, eventId)
  await deps.queues.add(fanOutJob.queue, job.name, job.data, job.opts)
}

/**
 * The scopes each app-owned endpoint's installation holds now, read live: an app receives
 * what it is granted today, and nothing once uninstalled (a revoked installation holds none).
 */
export async function installationGrants(
  tx: TxCtx,
  endpoints: { installationId: string | null }[],
): Promise<(endpoint: { installationId: string | null }) => string[] | null> {
  const ids = [...new Set(endpoints.flatMap((e) => (e.installationId ? [e.installationId] : [])))]
  const granted = await activeInstallationScopes(tx, ids)
  return (e) => (e.installationId ? (granted.get(e.installationId) ?? []) : null)
}

/** The event's fan-out is done: its messages exist, and neither the relay nor the sweeper takes it again. */
export async function markRelayed(tx: TxCtx, eventId: string): Promise<void> {
  await tx.tx
    .update(events)
    .set({ relayedAt: sql`now()` })
    .where(scoped(tx, events, eq(events.id, eventId)))
}

export async function fanOut(ctx: Ctx, eventId: string): Promise<{ messages: number }> {
  const owed = await inTenant(ctx, async (tx) => {
    const [event] = await tx.tx
      .select()
      .from(events)
      .where(scoped(tx, events, eq(events.id, eventId)))
    if (!event) return []
    // A fan-out that ran before but whose delivery jobs were not all queued queues them now.
    if (event.relayedAt !== null)
      return (await unsentMessages(tx, eq(webhookMessages.eventId, event.id))).map((message) => ({ message }))
    const endpoints = await tx.tx
      .select()
      .from(webhookEndpoints)
      .where(scoped(tx, webhookEndpoints, eq(webhookEndpoints.enabled, true)))
    const grants = await installationGrants(tx, endpoints)
    const ownerOnly = event.type === WEBHOOK_ENDPOINT_DISABLED
    const eventOwner = ownerOnly ? ((event.data as { installation_id?: string | null }).installation_id ?? null) : null
    const targets = endpoints.filter(
      (e) =>
        matches(e.eventTypes, event.type) &&
        ownerMayRead(event.type, grants(e)) &&
        (!ownerOnly || e.installationId === eventOwner),
    )
    const unsent = targets.length ? await sendFirstAttempts(tx, event, targets) : []
    await markRelayed(tx, event.id)
    return unsent
  })
  // After the commit: a delivery job must find its message row.
  await queueDeliveries(ctx, owed)
  return { messages: owed.length }
}

export const fanOutJob = defineJob({
  queue: 'webhooks',
  name: 'webhooks.fan-out',
  payload: FanOutPayload,
  handler: (ctx, payload) => fanOut(ctx, payload.eventId),
})

/** An event is left to the LISTEN relay this long before the sweeper queues it. */
export const UNRELAYED_AFTER_SECONDS = 10
/** A pending message this far past its due time is assumed to have lost its queue job. */
export const OVERDUE_AFTER_SECONDS = 60

/**
 * Queues what the database says is owed and the queue may not hold: events committed but
 * never fanned out (the relay was down, or its queue add failed) and messages past due.
 * System work across tenants: it runs as the owning role, not inside a tenant.
 */
export async function sweep(
  ctx: Ctx,
  opts: { unrelayedAfterSeconds?: number } = {},
): Promise<{ events: number; messages: number }> {
  const unrelayedAfter = opts.unrelayedAfterSeconds ?? UNRELAYED_AFTER_SECONDS
  const unrelayed = await ctx.db
    .select({ id: events.id, tenantId: events.tenantId })
    .from(events)
    .where(and(isNull(events.relayedAt), lt(events.occurredAt, sql`now() - make_interval(secs => ${unrelayedAfter})`)))
    .orderBy(events.occurredAt)
    .limit(1000)
  await ctx.queues.addBulk(
    fanOutJob.queue,
    unrelayed.map((e) => fanOutJobOf(e.tenantId, e.id)),
  )
  const overdue = await ctx.db
    .select({
      id: webhookMessages.id,
      tenantId: webhookMessages.tenantId,
      round: webhookMessages.round,
      attempts: webhookMessages.attempts,
    })
    .from(webhookMessages)
    .where(
      and(
        eq(webhookMessages.state, 'pending'),
        lt(webhookMessages.nextAttemptAt, sql`now() - make_interval(secs => ${OVERDUE_AFTER_SECONDS})`),
      ),
    )
    .orderBy(webhookMessages.nextAttemptAt)
    .limit(1000)
  const minute = Math.floor(Date.now() / 60000)
  for (const m of overdue) await queueDelivery({ ...ctx, ...relayCtx(m.tenantId) }, m, 0, `-s${minute}`)
  return { events: unrelayed.length, messages: overdue.length }
}

export const sweepJob = defineJob({
  queue: 'webhooks',
  name: 'webhooks.sweep',
  payload: Type.Object({}),
  schedule: { cron: '* * * * *', payload: {} },
  handler: async (ctx) => {
    const swept = await sweep(ctx)
    if (swept.events || swept.messages) ctx.log.warn(swept, 'webhooks sweeper queued owed work again')
    return swept
  },
})

/**
 * The LISTEN side of the relay: each event announced at its commit (lib/outbox.ts) is
 * queued for fan-out at once. On every (re)connect the sweep runs, since announcements
 * made while the connection was down are gone; the sweeper job covers the rest.
 */
export async function startRelay(deps: BackgroundDeps): Promise<() => Promise<void>> {
  const log = deps.log.child({ component: 'webhooks-relay' })
  const listener = await deps.database.sql.listen(
    EVENTS_CHANNEL,
    (payload) => {
      const [tenantId, eventId] = payload.split(' ')
      if (!tenantId || !eventId) return
      queueFanOut(deps, tenantId, eventId).catch((err) =>
        log.warn({ err, eventId }, 'could not queue the fan-out; the sweeper will'),
      )
    },
    () => {
      const ctx: Ctx = { ...systemCtx('webhooks-relay'), db: deps.database.db, queues: deps.queues, log }
      // Every event not relayed yet, however recent: one committed while this connection was
      // being made had its announcement go to no one. Queueing one twice is harmless (the
      // fan-out's job id is the event id, and a fan-out that already ran only sends what is unsent).
      sweep(ctx, { unrelayedAfterSeconds: 0 }).catch((err) => log.warn({ err }, 'relay catch-up sweep failed'))
    },
  )
  return () => listener.unlisten()
}
