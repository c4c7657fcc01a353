import { and, eq, isNotNull, sql } from 'drizzle-orm'
import { Webhook } from 'standardwebhooks'
import { Type } from 'typebox'
import { events } from '../../db/schema.js'
import { inTenant, transactionClient } from '../../db/tenancy.js'
import type { Ctx, TxCtx } from '../../lib/context.js'
import { publish } from '../../lib/hooks.js'
import { newId } from '../../lib/ids.js'
import { defineJob } from '../../lib/jobs.js'
import { scoped } from '../../lib/repository.js'
import { Id } from '../../lib/schemas.js'
import { presentEvent } from '../events/index.js'
import { webhookEndpointDisabled } from './changes.js'
import { checkDestination, RefusedDestination } from './guard.js'
import { delivered, send, type SendResult } from './http.js'
import { judgeAttempt, type Verdict } from './retry.js'
import { type EndpointRow, liveSecrets } from './service.js'
import { deliverySettings } from './settings.js'
import { webhookAttempts, webhookEndpoints, webhookMessages } from './tables.js'

export type MessageRow = typeof webhookMessages.$inferSelect
export type AttemptRow = typeof webhookAttempts.$inferSelect
type EventRow = typeof events.$inferSelect

export const DeliveryPayload = Type.Object({
  messageId: Id('wmsg'),
  round: Type.Integer({ minimum: 1 }),
  attempt: Type.Integer({ minimum: 1 }),
})

/** A delivery that found its endpoint's slots taken waits this long (plus jitter) and tries again. */
const BUSY_RETRY_MS = 1000

type OwedMessage = { id: string; round: number; attempts: number }

/**
 * The queue job of a message's next attempt. The job id names message, round and attempt, so
 * the relay, the retry and the sweeper queueing the same attempt make one job; `suffix`
 * makes a deliberate second job (a busy endpoint's wait, the sweeper's nudge), which the
 * row lock and the attempt count in `deliver` keep from sending twice.
 */
function deliveryJobOf(ctx: Ctx | TxCtx, message: OwedMessage, delayMs = 0, suffix = '') {
  const payload = { messageId: message.id, round: message.round, attempt: message.attempts + 1 }
  return {
    name: deliverJob.name,
    data: deliverJob.envelope(ctx, payload),
    opts: {
      jobId: `${message.id}-r${payload.round}-a${payload.attempt}${suffix}`,
      delay: Math.max(0, Math.round(delayMs)),
      // A delivery job fails only when the database or the queue does; the message row survives either way.
      removeOnFail: 1000,
    },
  }
}

/** Queues the next attempt of a message (see deliveryJobOf). */
export async function queueDelivery(ctx: Ctx | TxCtx, message: OwedMessage, delayMs = 0, suffix = ''): Promise<void> {
  const job = deliveryJobOf(ctx, message, delayMs, suffix)
  await ctx.queues.add(deliverJob.queue, job.name, job.data, job.opts)
}

/** Queues the next attempts of many messages in one round trip, each after its delay. */
export async function queueDeliveries(ctx: Ctx | TxCtx, owed: { message: OwedMessage; delayMs?: number }[]) {
  await ctx.queues.addBulk(
    deliverJob.queue,
    owed.map((o) => deliveryJobOf(ctx, o.message, o.delayMs)),
  )
}

/**
 * Takes one of the endpoint's delivery slots for the rest of the transaction; false when all are taken.
 * One statement: the scan stops at the first slot whose lock it got, so it takes at most one.
 */
async function takeSlot(tx: TxCtx, endpointId: string, slots: number): Promise<boolean> {
  const rows = await tx.tx.execute<{ slot: number }>(
    sql`select slot from generate_series(0, ${slots - 1}::int) as slot
        where pg_try_advisory_xact_lock(hashtext(${`webhook-endpoint:${endpointId}`}), slot) limit 1`,
  )
  return rows.length > 0
}

/** Standard Webhooks headers: one `v1,` signature per live secret, so a rotation's overlap verifies with either. */
export function signatureHeaders(eventId: string, body: string, secrets: string[], at: Date): Record<string, string> {
  return {
    'webhook-id': eventId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((s) => new Webhook(s).sign(eventId, at, body)).join(' '),
  }
}

/** Endpoints this process has already said it delivers to on localhost: said once, not per delivery. */
const loopbackLogged = new Set<string>()

/** The address check, then the POST; a refused address is an attempt that got no answer. */
async function sendTo(ctx: Ctx | TxCtx, endpoint: EndpointRow, eventId: string, body: string): Promise<SendResult> {
  const settings = deliverySettings()
  const started = performance.now()
  try {
    const destination = await checkDestination(endpoint.url, settings)
    if (destination.loopback && !loopbackLogged.has(endpoint.id)) {
      loopbackLogged.add(endpoint.id)
      ctx.log.info({ endpointId: endpoint.id, url: endpoint.url }, 'development mode: delivering to localhost')
    }
    return await send(
      destination,
      body,
      signatureHeaders(eventId, body, liveSecrets(endpoint.secrets, settings.now()), settings.now()),
    )
  } catch (err) {
    if (!(err instanceof RefusedDestination)) throw err
    return { kind: 'error', error: `refused: ${err.message}`, latencyMs: Math.round(performance.now() - started) }
  }
}

/**
 * Makes attempt `attempt` of a claimed message and records it (recordAttempt). `final` ends
 * the message after this attempt whatever the answer (a test delivery is not retried);
 * `event` is the message's event when the caller already read it (null: no longer kept).
 */
export async function attemptMessage(
  tx: TxCtx,
  message: MessageRow,
  endpoint: EndpointRow,
  opts: { final?: boolean; event?: EventRow | null } = {},
): Promise<{ attempt: AttemptRow; verdict: Verdict }> {
  const event =
    opts.event !== undefined
      ? opts.event
      : (
          await tx.tx
            .select()
            .from(events)
            .where(scoped(tx, events, eq(events.id, message.eventId)))
        )[0]
  const result: SendResult = event
    ? await sendTo(tx, endpoint, event.id, JSON.stringify(presentEvent(event)))
    : { kind: 'error', error: 'the event is no longer kept (30-day history)', latencyMs: 0 }
  return recordAttempt(tx, message, endpoint, result, { final: opts.final, eventGone: !event })
}

/**
 * Records attempt `message.attempts + 1` of a message as `result` came out: the attempt row,
 * the message's new state and the endpoint's failure run, and, when the verdict says so,
 * the endpoint disabled with its `webhook_endpoint.disabled` event.
 */
export async function recordAttempt(
  tx: TxCtx,
  message: MessageRow,
  endpoint: EndpointRow,
  result: SendResult,
  opts: { final?: boolean | undefined; eventGone?: boolean } = {},
): Promise<{ attempt: AttemptRow; verdict: Verdict }> {
  const settings = deliverySettings()
  const attemptNo = message.attempts + 1
  const now = settings.now()
  const succeeded = delivered(result)
  const failingSince = succeeded ? null : (endpoint.failingSince ?? now)
  let verdict = judgeAttempt({
    attempt: attemptNo,
    result,
    now,
    failingSince: failingSince ?? now,
    random: settings.random(),
  })
  if (opts.eventGone || (opts.final && verdict.outcome === 'retry')) verdict = { outcome: 'failed' }

  const [attempt] = await tx.tx
    .insert(webhookAttempts)
    .values({
      tenantId: tx.tenantId,
      id: newId('webhookAttempt'),
      endpointId: endpoint.id,
      messageId: message.id,
      eventId: message.eventId,
      round: message.round,
      attempt: attemptNo,
      url: endpoint.url,
      outcome: succeeded ? 'succeeded' : 'failed',
      statusCode: result.kind === 'response' ? result.status : null,
      latencyMs: result.latencyMs,
      responseSnippet: result.kind === 'response' ? result.snippet : null,
      error: result.kind === 'error' ? result.error : null,
      createdAt: now,
    })
    .returning()
  await tx.tx
    .update(webhookMessages)
    .set({
      attempts: attemptNo,
      state: verdict.outcome === 'retry' ? 'pending' : verdict.outcome,
      nextAttemptAt: verdict.outcome === 'retry' ? verdict.nextAttemptAt : null,
      lastAttemptAt: now,
      lastStatus: result.kind === 'response' ? result.status : null,
      lastError: result.kind === 'error' ? result.error : null,
      deliveredAt: succeeded ? now : null,
      updatedAt: sql`now()`,
    })
    .where(scoped(tx, webhookMessages, eq(webhookMessages.id, message.id)))

  const disable = verdict.outcome === 'failed' ? verdict.disable : undefined
  if (disable) {
    const [disabled] = await tx.tx
      .update(webhookEndpoints)
      .set({
        enabled: false,
        disabledReason: disable,
        disabledAt: now,
        failingSince,
        version: sql`${webhookEndpoints.version} + 1`,
        updatedAt: sql`now()`,
      })
      .where(scoped(tx, webhookEndpoints, eq(webhookEndpoints.id, endpoint.id), eq(webhookEndpoints.enabled, true)))
      .returning()
    if (disabled) {
      tx.log.warn({ endpointId: endpoint.id, reason: disable }, 'webhook endpoint disabled')
      await publish(tx, webhookEndpointDisabled, { endpoint: disabled, reason: disable })
    }
  } else if ((endpoint.failingSince === null) !== (failingSince === null)) {
    await tx.tx
      .update(webhookEndpoints)
      .set({ failingSince })
      .where(scoped(tx, webhookEndpoints, eq(webhookEndpoints.id, endpoint.id)))
  }
  return { attempt: attempt!, verdict }
}

/**
 * Requests in flight from this process per endpoint. The fan-out's first attempts count here
 * only: they hold no slot, since a slot is a transaction's lock and the fan-out's transaction
 * spans all of an event's endpoints, so a slow one would keep the others' slots taken. A
 * delivery job counts here and takes a slot (the limit across processes). A released place
 * goes straight to the longest waiter, so no one can take it in between.
 */
const inFlight = {
  counts: new Map<string, number>(),
  waiters: new Map<string, (() => void)[]>(),
  tryAcquire(endpointId: string, limit: number): boolean {
    const n = this.counts.get(endpointId) ?? 0
    if (n >= limit) return false
    this.counts.set(endpointId, n + 1)
    return true
  },
  /** A place within `waitMs`, or false: a fan-out waits that long for a busy endpoint, then leaves it to a job. */
  acquire(endpointId: string, limit: number, waitMs: number): Promise<boolean> {
    if (this.tryAcquire(endpointId, limit)) return Promise.resolve(true)
    return new Promise((resolve) => {
      const queue = this.waiters.get(endpointId) ?? []
      this.waiters.set(endpointId, queue)
      const handOver = () => {
        clearTimeout(timer)
        resolve(true)
      }
      const timer = setTimeout(() => {
        queue.splice(queue.indexOf(handOver), 1)
        if (queue.length === 0) this.waiters.delete(endpointId)
        resolve(false)
      }, waitMs)
      queue.push(handOver)
    })
  },
  release(endpointId: string): void {
    const next = this.waiters.get(endpointId)?.shift()
    if (next) {
      if (this.waiters.get(endpointId)?.length === 0) this.waiters.delete(endpointId)
      next()
      return
    }
    const n = (this.counts.get(endpointId) ?? 1) - 1
    if (n > 0) this.counts.set(endpointId, n)
    else this.counts.delete(endpointId)
  },
}

/**
 * How long a fan-out waits for a place at a busy endpoint: a fast endpoint frees one within
 * milliseconds; a slow one costs each fan-out this much before its message goes to a job.
 */
const FIRST_ATTEMPT_WAIT_MS = 200

/**
 * The first attempts of a new event, made by its fan-out: one transaction for the event and
 * all its subscribed endpoints, instead of a queue job and a transaction per message. Only an
 * endpoint that is not failing and is under its in-flight limit takes this path: a subscriber
 * that turns slow holds up at most that many fan-outs, and gets the rest of its messages
 * through delivery jobs, where its own slots bound it. Inserts the event's messages (those
 * sent, with their outcome) and answers what is owed a delivery job: the messages not sent,
 * and the retries the attempts scheduled.
 */
export async function sendFirstAttempts(
  tx: TxCtx,
  event: EventRow,
  targets: EndpointRow[],
): Promise<{ message: OwedMessage; delayMs?: number }[]> {
  const settings = deliverySettings()
  let body: string | undefined
  const results = new Map<string, SendResult>()
  await Promise.all(
    targets
      .filter((e) => e.failingSince === null)
      .map(async (e) => {
        if (!(await inFlight.acquire(e.id, settings.concurrencyPerEndpoint, FIRST_ATTEMPT_WAIT_MS))) return
        try {
          body ??= JSON.stringify(presentEvent(event))
          results.set(e.id, await sendTo(tx, e, event.id, body))
        } finally {
          inFlight.release(e.id)
        }
      }),
  )
  const now = settings.now()
  const rows = targets.map((e) => ({ endpoint: e, id: newId('webhookMessage'), result: results.get(e.id) }))
  // Fixed statements with one array per column, whatever the number of endpoints: prepared
  // once per connection, never rebuilt (drizzle's builder was most of a fan-out's CPU). Times go
  // as text: drizzle's driver turns postgres.js's date serializers off, arrays of dates included.
  const pg = transactionClient(tx.tx)
  const inserted = await pg<{ id: string; endpoint_id: string; state: string }[]>`
    insert into webhook_messages (tenant_id, id, endpoint_id, event_id, event_type, state, attempts,
                                  next_attempt_at, last_attempt_at, last_status, delivered_at)
    select ${tx.tenantId}::text, m.id, m.endpoint_id, ${event.id}::text, ${event.type}::text, m.state, m.attempts,
           case when m.state = 'pending' then now() end, m.at::timestamptz, m.status,
           case when m.state = 'succeeded' then m.at::timestamptz end
    from unnest(${rows.map((r) => r.id)}::text[], ${rows.map((r) => r.endpoint.id)}::text[],
                ${rows.map((r) => (delivered(r.result) ? 'succeeded' : 'pending'))}::text[],
                ${rows.map((r) => (delivered(r.result) ? 1 : 0))}::int[],
                ${rows.map((r) => (delivered(r.result) ? now.toISOString() : null))}::text[],
                ${rows.map((r) => (delivered(r.result) ? r.result.status : null))}::int[])
         as m(id, endpoint_id, state, attempts, at, status)
    on conflict do nothing
    returning id, endpoint_id, state`
  const kept = new Set(inserted.map((m) => m.id))
  const arrived = rows.filter((r) => kept.has(r.id) && delivered(r.result))
  if (arrived.length) {
    const answers = arrived.map((r) => r.result as Extract<SendResult, { kind: 'response' }>)
    await pg`
      insert into webhook_attempts (tenant_id, id, endpoint_id, message_id, event_id, round, attempt, url,
                                    outcome, status_code, latency_ms, response_snippet, created_at)
      select ${tx.tenantId}::text, a.id, a.endpoint_id, a.message_id, ${event.id}::text, 1, 1, a.url,
             'succeeded', a.status, a.latency, a.snippet, ${now.toISOString()}::timestamptz
      from unnest(${arrived.map(() => newId('webhookAttempt'))}::text[], ${arrived.map((r) => r.endpoint.id)}::text[],
                  ${arrived.map((r) => r.id)}::text[], ${arrived.map((r) => r.endpoint.url)}::text[],
                  ${answers.map((a) => a.status)}::int[], ${answers.map((a) => a.latencyMs)}::int[],
                  ${answers.map((a) => a.snippet)}::text[])
           as a(id, endpoint_id, message_id, url, status, latency, snippet)`
  }
  const owed: { message: OwedMessage; delayMs?: number }[] = []
  for (const r of rows) {
    if (!kept.has(r.id) || delivered(r.result)) continue
    if (!r.result) {
      owed.push({ message: { id: r.id, round: 1, attempts: 0 } })
      continue
    }
    // A failed first attempt takes the same path as any other: retry schedule, Retry-After, 410.
    const [message] = await tx.tx
      .select()
      .from(webhookMessages)
      .where(scoped(tx, webhookMessages, eq(webhookMessages.id, r.id)))
    const { verdict } = await recordAttempt(tx, message!, r.endpoint, r.result)
    if (verdict.outcome === 'retry')
      owed.push({ message: { ...message!, attempts: 1 }, delayMs: verdict.nextAttemptAt.getTime() - now.getTime() })
  }
  return owed
}

type DeliverOutcome = { state: 'stale' | 'busy' | 'endpoint_disabled' } | { state: Verdict['outcome']; attempt: number }

/**
 * One scheduled attempt. The message row stays locked while the request is in flight, so
 * a second job for the same attempt (the sweeper's, a busy wait's) skips it; if the
 * worker dies mid-request, the transaction rolls back, nothing is recorded and the
 * attempt is made again: at least once, never silently dropped.
 */
export async function deliver(ctx: Ctx, payload: { messageId: string; round: number; attempt: number }) {
  const settings = deliverySettings()
  const outcome = await inTenant(ctx, async (tx): Promise<DeliverOutcome & { message?: MessageRow; next?: Date }> => {
    // The message, its endpoint and its event in one round trip; only the message row is locked.
    const [claimed] = await tx.tx
      .select({ message: webhookMessages, endpoint: webhookEndpoints, event: events })
      .from(webhookMessages)
      .leftJoin(
        webhookEndpoints,
        and(
          eq(webhookEndpoints.tenantId, webhookMessages.tenantId),
          eq(webhookEndpoints.id, webhookMessages.endpointId),
        ),
      )
      .leftJoin(events, and(eq(events.tenantId, webhookMessages.tenantId), eq(events.id, webhookMessages.eventId)))
      .where(scoped(tx, webhookMessages, eq(webhookMessages.id, payload.messageId)))
      .for('update', { of: webhookMessages, skipLocked: true })
    const message = claimed?.message
    if (message?.state !== 'pending' || message.round !== payload.round || message.attempts !== payload.attempt - 1)
      return { state: 'stale' }
    const endpoint = claimed?.endpoint
    if (!endpoint?.enabled) {
      await tx.tx
        .update(webhookMessages)
        .set({ state: 'failed', nextAttemptAt: null, lastError: 'the endpoint is disabled', updatedAt: sql`now()` })
        .where(scoped(tx, webhookMessages, eq(webhookMessages.id, message.id)))
      return { state: 'endpoint_disabled' }
    }
    if (!(await takeSlot(tx, endpoint.id, settings.concurrencyPerEndpoint))) return { state: 'busy', message }
    if (!inFlight.tryAcquire(endpoint.id, settings.concurrencyPerEndpoint)) return { state: 'busy', message }
    const { verdict } = await attemptMessage(tx, message, endpoint, { event: claimed.event }).finally(() =>
      inFlight.release(endpoint.id),
    )
    return {
      state: verdict.outcome,
      attempt: payload.attempt,
      message: { ...message, attempts: payload.attempt },
      next: verdict.outcome === 'retry' ? verdict.nextAttemptAt : undefined,
    }
  })
  // After the commit: the next job must not run before the row says it is due.
  if (outcome.state === 'busy' && outcome.message)
    await queueDelivery(
      ctx,
      { ...outcome.message, attempts: payload.attempt - 1 },
      BUSY_RETRY_MS * (1 + settings.random()),
      `-w${Date.now()}`,
    )
  if (outcome.state === 'retry' && outcome.message && outcome.next)
    await queueDelivery(ctx, outcome.message, outcome.next.getTime() - settings.now().getTime())
  return { state: outcome.state }
}

export const deliverJob = defineJob({
  queue: 'webhooks',
  name: 'webhooks.deliver',
  payload: DeliveryPayload,
  handler: (ctx, payload) => deliver(ctx, payload),
})

/** Messages of a round not yet tried, for the relay and the recovery calls to queue. */
export function unsentMessages(tx: TxCtx, where: ReturnType<typeof and>) {
  return tx.tx
    .select({ id: webhookMessages.id, round: webhookMessages.round, attempts: webhookMessages.attempts })
    .from(webhookMessages)
    .where(
      scoped(
        tx,
        webhookMessages,
        eq(webhookMessages.state, 'pending'),
        eq(webhookMessages.attempts, 0),
        // No next attempt means no queue job is owed: a test delivery is sent by its own request, once.
        isNotNull(webhookMessages.nextAttemptAt),
        where,
      ),
    )
}
