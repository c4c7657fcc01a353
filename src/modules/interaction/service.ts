import { and, eq } from 'drizzle-orm'
import type { Static } from 'typebox'
import { inTenant, inTenantRead, transactionClient } from '../../db/tenancy.js'
import type { Ctx, TxCtx } from '../../lib/context.js'
import { AppError, notFound } from '../../lib/errors.js'
import { publish } from '../../lib/hooks.js'
import { newId, newIds } from '../../lib/ids.js'
import { decodeCursor, encodeCursor, keysetPage, type PageRequest } from '../../lib/repository.js'
import { buyerRefKey, resolveBuyers } from '../buyers/index.js'
import { getSessionsByIds } from '../scheduling/index.js'
import { blockedWordAdded, blockedWordRemoved } from './changes.js'
import { normalizeText, validateEvent, type EventProblem, type ValidEvent } from './rules.js'
import type {
  BlockedWord,
  InteractionBatchInput,
  InteractionBatchResult,
  SessionComment,
  SessionLiveStats,
} from './schemas.js'
import { blockedWords } from './tables.js'
import { moveJob } from './worker.js'

/** Raw postgres.js rows carry times as the driver's strings (drizzle sets its parsers), or as Date. */
const iso = (v: unknown): string => new Date(v as string).toISOString()

type BatchResult = Static<typeof InteractionBatchResult>

async function requireSession(ctx: TxCtx, sessionId: string): Promise<void> {
  const [session] = await getSessionsByIds(ctx, [sessionId])
  if (!session) throw notFound('session', sessionId)
}

/**
 * `POST /v1/sessions/{id}/interactions/batch`. Each event is validated on its own (a bad one is
 * listed, never stops the good ones); the good ones are written in one multi-row insert into the
 * inbox, in the transaction that answers, so 202 means durably written. An event_id the session
 * already has is skipped by the insert (a re-sent batch is a no-op). The move to the events
 * table and the live counters is a job queued after the commit; if queueing fails the sweeper
 * finds the rows.
 */
export async function ingestBatch(ctx: Ctx, sessionId: string, input: InteractionBatchInput): Promise<BatchResult> {
  const now = Date.now()
  const valid: ValidEvent[] = []
  const errors: BatchResult['errors'] = []
  const seen = new Set<string>()
  input.events.forEach((raw, index) => {
    const checked = validateEvent(raw, now)
    const eventId =
      typeof (raw as { event_id?: unknown })?.event_id === 'string' ? (raw as { event_id: string }).event_id : null
    if ('problems' in checked) errors.push({ index, event_id: eventId, errors: checked.problems })
    else if (seen.has(checked.event.event_id)) {
      const problem: EventProblem = {
        field: 'event_id',
        code: 'duplicate',
        message: 'an earlier event of this batch has the same event_id',
      }
      errors.push({ index, event_id: eventId, errors: [problem] })
    } else {
      seen.add(checked.event.event_id)
      valid.push(checked.event)
    }
  })
  const batchId = newId('interactionBatch')
  const inserted = await inTenant(ctx, async (tx) => {
    await requireSession(tx, sessionId)
    if (!valid.length) return 0
    const buyers = await resolveBuyers(
      tx,
      valid.map((e) => e.viewer),
    )
    const n = valid.length
    const ids = newIds('interactionEvent', n)
    const eventIds = new Array<string>(n)
    const types = new Array<string>(n)
    const times = new Array<string>(n)
    const buyerIds = new Array<string>(n)
    const data = new Array<string>(n)
    for (let i = 0; i < n; i++) {
      const e = valid[i]!
      eventIds[i] = e.event_id
      types[i] = e.type
      times[i] = e.occurred_at.toISOString()
      buyerIds[i] = buyers.get(buyerRefKey(e.viewer))!.id
      data[i] = JSON.stringify(e.data)
    }
    const sql = transactionClient(tx.tx)
    // Counted in the database: a thousand one-column rows back would cost more than the insert's
    // answer is worth. The batch row goes in with them when at least one event was new.
    const [row] = await sql`
      with written as (
        insert into interaction_inbox (tenant_id, id, session_id, batch_id, event_id, type, occurred_at, buyer_id, data)
        select ${ctx.tenantId}, u.id, ${sessionId}, ${batchId}, u.event_id, u.type, u.occurred_at, u.buyer_id, u.data
        from unnest(${sql.array(ids)}::text[], ${sql.array(eventIds)}::text[], ${sql.array(types)}::text[], ${sql.array(times)}::timestamptz[], ${sql.array(buyerIds)}::text[], ${sql.array(data)}::jsonb[])
          as u(id, event_id, type, occurred_at, buyer_id, data)
        on conflict (tenant_id, session_id, event_id) do nothing
        returning 1
      ), counted as (
        select count(*)::int as n from written
      ), batch as (
        insert into interaction_batches (tenant_id, id, session_id, events)
        select ${ctx.tenantId}, ${batchId}, ${sessionId}, n from counted where n > 0
      )
      select n from counted`
    return row!.n as number
  })
  if (inserted > 0)
    await moveJob
      .enqueue(ctx, { session_id: sessionId, batch_id: batchId }, { jobId: batchId })
      .catch((err: unknown) => {
        // The rows are committed; the sweeper moves a batch whose job never got queued.
        ctx.log.warn({ err, batchId }, 'interaction move not queued; the sweeper will move the batch')
      })
  return {
    batch_id: batchId,
    accepted: valid.length,
    duplicates: valid.length - inserted,
    rejected: errors.length,
    errors,
  }
}

/** `GET /v1/sessions/{id}/live-stats`: the counters the move keeps, plus the recent minutes. */
export function liveStats(ctx: Ctx, sessionId: string): Promise<Static<typeof SessionLiveStats>> {
  return inTenant(ctx, async (tx) => {
    await requireSession(tx, sessionId)
    const sql = transactionClient(tx.tx)
    const [stats] = await sql`select * from session_live_stats where tenant_id = ${ctx.tenantId} and id = ${sessionId}`
    const gifts = await sql`select currency, amount from session_gift_totals
      where tenant_id = ${ctx.tenantId} and session_id = ${sessionId} order by currency`
    const minutes = await sql`select minute, interactions from session_interaction_minutes
      where tenant_id = ${ctx.tenantId} and session_id = ${sessionId} order by minute desc limit 10`
    const lastMinute = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000).getTime()
    const num = (v: unknown) => Number(v ?? 0)
    const time = (v: unknown) => (v == null ? null : iso(v))
    return {
      session_id: sessionId,
      viewers_now: num(stats?.viewers_now),
      viewers_peak: num(stats?.viewers_peak),
      interactions: num(stats?.interactions),
      interactions_per_minute: num(
        minutes.find((m) => new Date(m.minute as string).getTime() === lastMinute)?.interactions,
      ),
      minutes: minutes.map((m) => ({ minute: iso(m.minute), interactions: num(m.interactions) })),
      comments: num(stats?.comments),
      comments_hidden: num(stats?.comments_hidden),
      likes: num(stats?.likes),
      shares: num(stats?.shares),
      follows: num(stats?.follows),
      questions: num(stats?.questions),
      joins: num(stats?.joins),
      gifts: num(stats?.gifts),
      gift_value: gifts.map((g) => ({ amount: num(g.amount), currency: g.currency as string })),
      last_event_at: time(stats?.last_event_at),
      updated_at: time(stats?.updated_at),
    }
  })
}

/** `GET /v1/sessions/{id}/comments`: oldest first, by moderation state; hidden ones carry their reason. */
export function listComments(
  ctx: Ctx,
  sessionId: string,
  query: PageRequest & { state?: 'visible' | 'hidden' | 'replaced' },
): Promise<{ data: Static<typeof SessionComment>[]; next_cursor: string | null }> {
  return inTenant(ctx, async (tx) => {
    await requireSession(tx, sessionId)
    const limit = query.limit ?? 50
    const after = query.cursor ? decodeCursor(query.cursor) : ''
    const sql = transactionClient(tx.tx)
    const rows = await sql`
      select id, event_id, session_id, buyer_id, data->>'text' as text, data->>'original_text' as original_text,
        state, moderation_reason, occurred_at
      from interaction_events
      where tenant_id = ${ctx.tenantId} and session_id = ${sessionId} and type = 'comment'
        and (${query.state ?? null}::text is null or state = ${query.state ?? null}) and id > ${after}
      order by id limit ${limit + 1}`
    const more = rows.length > limit
    const data = rows.slice(0, limit).map((r) => ({
      id: r.id as string,
      event_id: r.event_id as string,
      session_id: r.session_id as string,
      buyer_id: r.buyer_id as string,
      text: r.text as string,
      original_text: (r.original_text as string | null) ?? null,
      state: r.state as 'visible' | 'hidden' | 'replaced',
      moderation_reason: (r.moderation_reason as string | null) ?? null,
      occurred_at: iso(r.occurred_at),
    }))
    return { data, next_cursor: more ? encodeCursor(data[data.length - 1]!.id) : null }
  })
}

type WordView = Static<typeof BlockedWord>
const wordView = (w: typeof blockedWords.$inferSelect): WordView => ({
  id: w.id,
  word: w.word,
  normalized: w.normalized,
  created_at: w.createdAt.toISOString(),
})

/** Adds a word; one that normalises to a word already listed is a 409 naming it. */
export function addBlockedWord(ctx: Ctx, input: { word: string }): Promise<WordView> {
  const normalized = normalizeText(input.word.trim())
  if (!normalized)
    throw new AppError('validation_failed', 'The word is empty once trimmed.', {
      errors: [{ pointer: '/body/word', detail: 'is empty once trimmed' }],
    })
  return inTenant(ctx, async (tx) => {
    const [row] = await tx.tx
      .insert(blockedWords)
      .values({ tenantId: ctx.tenantId, id: newId('blockedWord'), word: input.word, normalized })
      .onConflictDoNothing()
      .returning()
    if (!row) {
      const [existing] = await tx.tx
        .select()
        .from(blockedWords)
        .where(and(eq(blockedWords.tenantId, ctx.tenantId), eq(blockedWords.normalized, normalized)))
      throw new AppError('conflict', `The word is already blocked as ${existing?.word ?? normalized}.`, {
        extensions: { blocked_word_id: existing?.id },
      })
    }
    const view = wordView(row)
    await publish(tx, blockedWordAdded, view)
    return view
  })
}

export function listBlockedWords(ctx: Ctx, page: PageRequest) {
  return inTenant(ctx, async (tx) => {
    const result = await keysetPage<typeof blockedWords.$inferSelect>(
      tx.tx,
      blockedWords,
      blockedWords.id,
      page,
      eq(blockedWords.tenantId, ctx.tenantId),
    )
    return { data: result.data.map(wordView), next_cursor: result.next_cursor }
  })
}

export async function getBlockedWord(ctx: Ctx, id: string): Promise<WordView> {
  const [row] = await inTenantRead(
    ctx,
    (sql) => sql`select * from blocked_words where tenant_id = ${ctx.tenantId} and id = ${id}`,
  )
  if (!row) throw notFound('blocked word', id)
  return {
    id: row.id as string,
    word: row.word as string,
    normalized: row.normalized as string,
    created_at: iso(row.created_at),
  }
}

export function removeBlockedWord(ctx: Ctx, id: string): Promise<void> {
  return inTenant(ctx, async (tx) => {
    const [row] = await tx.tx
      .delete(blockedWords)
      .where(and(eq(blockedWords.tenantId, ctx.tenantId), eq(blockedWords.id, id)))
      .returning()
    if (!row) throw notFound('blocked word', id)
    await publish(tx, blockedWordRemoved, wordView(row))
  })
}
