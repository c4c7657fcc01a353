import { eq, gte, lt, sql } from 'drizzle-orm'
import { type Static, Type } from 'typebox'
import { events } from '../../db/schema.js'
import { inTenant } from '../../db/tenancy.js'
import type { Ctx, TxCtx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import { newId } from '../../lib/ids.js'
import { defineJob } from '../../lib/jobs.js'
import { emit } from '../../lib/outbox.js'
import { mapPage, scoped, tenantRepository, type PageRequest } from '../../lib/repository.js'
import { Id } from '../../lib/schemas.js'
import { finishJob, markRunning, startJob } from '../jobs/index.js'
import { type AttemptRow, attemptMessage, type MessageRow, queueDelivery } from './delivery.js'
import { WEBHOOK_TEST } from './events.js'
import { installationGrants, markRelayed } from './relay.js'
import type { ReplayInput } from './schemas.js'
import { findEndpoint } from './service.js'
import { checkEventTypes, matches, ownerMayRead } from './subscriptions.js'
import { webhookAttempts, webhookMessages } from './tables.js'

const messageRepo = tenantRepository(webhookMessages, 'webhook message')
const attemptRepo = tenantRepository(webhookAttempts, 'webhook attempt')
const iso = (d: Date | null) => d?.toISOString() ?? null

export const presentMessage = (m: MessageRow) => ({
  id: m.id,
  endpoint_id: m.endpointId,
  event_id: m.eventId,
  event_type: m.eventType,
  state: m.state,
  round: m.round,
  attempts: m.attempts,
  next_attempt_at: iso(m.nextAttemptAt),
  last_attempt_at: iso(m.lastAttemptAt),
  last_status: m.lastStatus,
  last_error: m.lastError,
  delivered_at: iso(m.deliveredAt),
  created_at: m.createdAt.toISOString(),
})

export const presentAttempt = (a: AttemptRow) => ({
  id: a.id,
  endpoint_id: a.endpointId,
  message_id: a.messageId,
  event_id: a.eventId,
  round: a.round,
  attempt: a.attempt,
  url: a.url,
  outcome: a.outcome,
  status_code: a.statusCode,
  latency_ms: a.latencyMs,
  response_snippet: a.responseSnippet,
  error: a.error,
  created_at: a.createdAt.toISOString(),
})

export function listAttempts(ctx: Ctx, endpointId: string, page: PageRequest) {
  return inTenant(ctx, async (tx) => {
    await findEndpoint(tx, endpointId)
    return mapPage(attemptRepo.list(tx, page, eq(webhookAttempts.endpointId, endpointId)), presentAttempt)
  })
}

export function listMessages(ctx: Ctx, endpointId: string, query: PageRequest & { state?: MessageRow['state'] }) {
  return inTenant(ctx, async (tx) => {
    await findEndpoint(tx, endpointId)
    return mapPage(
      messageRepo.list(
        tx,
        query,
        eq(webhookMessages.endpointId, endpointId),
        query.state ? eq(webhookMessages.state, query.state) : undefined,
      ),
      presentMessage,
    )
  })
}

/** Starts a new round for these events on the endpoint: owed again from the first attempt, whatever came before. */
async function newRound(tx: TxCtx, endpointId: string, rows: { id: string; type: string }[]): Promise<MessageRow[]> {
  if (rows.length === 0) return []
  return tx.tx
    .insert(webhookMessages)
    .values(
      rows.map((e) => ({
        tenantId: tx.tenantId,
        id: newId('webhookMessage'),
        endpointId,
        eventId: e.id,
        eventType: e.type,
        nextAttemptAt: sql`now()`,
      })),
    )
    .onConflictDoUpdate({
      target: [webhookMessages.tenantId, webhookMessages.endpointId, webhookMessages.eventId],
      set: {
        state: 'pending',
        round: sql`${webhookMessages.round} + 1`,
        attempts: 0,
        nextAttemptAt: sql`now()`,
        lastError: null,
        updatedAt: sql`now()`,
      },
    })
    .returning()
}

function requireEnabled(endpoint: { enabled: boolean; id: string }) {
  if (!endpoint.enabled)
    throw new AppError(
      'conflict',
      `The webhook endpoint ${endpoint.id} is disabled; enable it first (PATCH enabled: true).`,
    )
}

/** Sends one event to the endpoint again, as a new round from the first attempt. */
export async function resend(ctx: Ctx, endpointId: string, eventId: string) {
  const message = await inTenant(ctx, async (tx) => {
    const endpoint = await findEndpoint(tx, endpointId)
    requireEnabled(endpoint)
    const [existing] = await tx.tx
      .select()
      .from(webhookMessages)
      .where(
        scoped(tx, webhookMessages, eq(webhookMessages.endpointId, endpointId), eq(webhookMessages.eventId, eventId)),
      )
    if (!existing)
      throw new AppError('not_found', `The webhook endpoint ${endpointId} has no message for event ${eventId}.`)
    const [again] = await newRound(tx, endpointId, [{ id: existing.eventId, type: existing.eventType }])
    return again!
  })
  await queueDelivery(ctx, message)
  return presentMessage(message)
}

export const ReplayPayload = Type.Object({
  jobId: Id('job'),
  endpointId: Id('wep'),
  since: Type.String(),
  until: Type.String(),
  eventTypes: Type.Union([Type.Array(Type.String()), Type.Null()]),
})

const REPLAY_BATCH = 500

/** Every event of the range that the endpoint would receive (or of the named types), sent again. */
async function runReplay(ctx: Ctx, payload: Static<typeof ReplayPayload>) {
  await markRunning(ctx, payload.jobId)
  let cursor = ''
  let replayed = 0
  for (;;) {
    const batch = await inTenant(ctx, async (tx) => {
      const endpoint = await findEndpoint(tx, payload.endpointId)
      const grants = (await installationGrants(tx, [endpoint]))(endpoint)
      const rows = await tx.tx
        .select({ id: events.id, type: events.type })
        .from(events)
        .where(
          scoped(
            tx,
            events,
            gte(events.occurredAt, new Date(payload.since)),
            lt(events.occurredAt, new Date(payload.until)),
            cursor ? sql`${events.id} > ${cursor}` : undefined,
          ),
        )
        .orderBy(events.id)
        .limit(REPLAY_BATCH)
      const wanted = rows.filter(
        (e) =>
          matches(payload.eventTypes ?? endpoint.eventTypes, e.type) &&
          matches(endpoint.eventTypes, e.type) &&
          ownerMayRead(e.type, grants),
      )
      return { last: rows.at(-1)?.id, messages: await newRound(tx, endpoint.id, wanted) }
    })
    for (const m of batch.messages) await queueDelivery(ctx, m)
    replayed += batch.messages.length
    if (!batch.last) break
    cursor = batch.last
  }
  await finishJob(ctx, payload.jobId, { state: 'succeeded', result: { replayed }, total: replayed })
  return { replayed }
}

export const replayJob = defineJob({
  queue: 'webhooks',
  name: 'webhooks.replay',
  payload: ReplayPayload,
  handler: (ctx, payload) => runReplay(ctx, payload),
})

/** The replay as a job resource: 202 and GET /v1/jobs/{id} for its progress. */
export async function startReplay(ctx: Ctx, endpointId: string, input: ReplayInput) {
  const eventTypes = input.event_types === undefined ? null : checkEventTypes(input.event_types)
  const until = input.until ?? new Date().toISOString()
  if (Date.parse(until) <= Date.parse(input.since))
    throw new AppError('validation_failed', 'until must be later than since.', {
      errors: [{ pointer: '/body/until', detail: 'must be later than since' }],
    })
  await inTenant(ctx, async (tx) => requireEnabled(await findEndpoint(tx, endpointId)))
  return startJob(ctx, replayJob, { payload: { endpointId, since: input.since, until, eventTypes } })
}

/**
 * Sends a `webhook.test` event to this endpoint only, now, and answers with the attempt.
 * The event is a real one (GET /v1/events/{id} shows it, the body is that event); its
 * message is not retried.
 */
export async function sendTest(ctx: Ctx, endpointId: string) {
  const { message, endpoint } = await inTenant(ctx, async (tx) => {
    const endpoint = await findEndpoint(tx, endpointId)
    requireEnabled(endpoint)
    const eventId = await emit(
      tx,
      WEBHOOK_TEST,
      { type: 'webhook_endpoint', id: endpoint.id, version: endpoint.version },
      { endpoint_id: endpoint.id, message: 'A test delivery from Showrunner' },
    )
    // Its one message is made here and sent below: the relay must not fan it out (and send its message) again.
    await markRelayed(tx, eventId)
    const [message] = await tx.tx
      .insert(webhookMessages)
      .values({
        tenantId: tx.tenantId,
        id: newId('webhookMessage'),
        endpointId: endpoint.id,
        eventId,
        eventType: WEBHOOK_TEST,
        nextAttemptAt: null,
      })
      .returning()
    return { message: message!, endpoint }
  })
  // A second transaction: the event must be committed before the attempt, and the attempt is recorded apart from it.
  return inTenant(ctx, async (tx) => {
    const { attempt } = await attemptMessage(tx, message, endpoint, { final: true })
    return presentAttempt(attempt)
  })
}
