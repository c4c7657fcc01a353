import { sql as dsql } from 'drizzle-orm'
import { Type } from 'typebox'
import { inTenant, transactionClient } from '../../db/tenancy.js'
import { systemCtx, type Ctx } from '../../lib/context.js'
import { publish } from '../../lib/hooks.js'
import { defineJob } from '../../lib/jobs.js'
import { audienceTouched, type AudienceTouches } from './changes.js'
import { reviewBatch } from './review.js'
import { matchBlocked } from './rules.js'
import { interactionSettings } from './settings.js'

export interface MoveResult {
  moved: number
}

/**
 * Moves one batch from the inbox into `interaction_events` and adds it to the session's live
 * counters, all in one transaction, so a worker killed anywhere in it leaves the batch in the inbox
 * untouched and the retry does the whole move once. The batch is claimed by the UPDATE that marks
 * its `interaction_batches` row moved (`moved_at is null`): a second worker on the same batch waits
 * for the first's row lock, then finds it moved, so nothing is counted twice. The events go in with one
 * INSERT … SELECT from the claimed rows (no event travels back to the worker but the counters'
 * columns), into the day partition of each event's occurred_at. The tenant's moderation hook, if
 * any, is asked first, outside the transaction (review.ts); its verdicts ride in with the INSERT.
 */
export async function moveBatch(ctx: Ctx, batchId: string): Promise<MoveResult> {
  const review = await reviewBatch(ctx, batchId)
  return inTenant(ctx, async (tx) => {
    const sql = transactionClient(tx.tx)
    const t = ctx.tenantId
    const words = (await sql`select normalized from blocked_words where tenant_id = ${t}`).map(
      (r) => r.normalized as string,
    )
    // One verdict per comment that is not simply visible; a blocked word wins over the hook.
    const ids: string[] = []
    const states: string[] = []
    const reasons: string[] = []
    const texts: string[] = []
    if (words.length || review.size) {
      // A batch already moved has its verdicts read here for nothing: the claim below finds it moved.
      const comments = await sql`select id, data->>'text' as text from interaction_inbox
        where tenant_id = ${t} and batch_id = ${batchId} and type = 'comment'`
      for (const c of comments) {
        const word = words.length ? matchBlocked(c.text as string, words) : undefined
        const verdict = word
          ? { state: 'hidden' as const, reason: `blocked_word: ${word}` }
          : review.get(c.id as string)
        if (!verdict || verdict.reason === null) continue
        ids.push(c.id as string)
        states.push(verdict.state)
        reasons.push(verdict.reason)
        // '' stands for "text unchanged": a replacement is never empty.
        texts.push(('text' in verdict && verdict.text) || '')
      }
    }
    const rows = await sql`
      with claimed as (
        update interaction_batches set moved_at = now()
        where tenant_id = ${t} and id = ${batchId} and moved_at is null
        returning id
      ), moved as (
        select i.tenant_id, i.id, i.session_id, i.event_id, i.type, i.occurred_at, i.buyer_id, i.data, i.received_at
        from claimed c join interaction_inbox i on i.tenant_id = ${t} and i.batch_id = c.id
      ), verdict as (
        select * from unnest(${sql.array(ids)}::text[], ${sql.array(states)}::text[], ${sql.array(reasons)}::text[],
          ${sql.array(texts)}::text[]) as v(id, state, reason, text)
      ), written as (
        insert into interaction_events
          (tenant_id, id, session_id, event_id, type, occurred_at, buyer_id, data, state, moderation_reason, received_at)
        select m.tenant_id, m.id, m.session_id, m.event_id, m.type, m.occurred_at, m.buyer_id,
          case when coalesce(v.text, '') = '' then m.data
            else m.data || jsonb_build_object('text', v.text, 'original_text', m.data->'text') end,
          coalesce(v.state, 'visible'), v.reason, m.received_at
        from moved m left join verdict v on v.id = m.id
        on conflict do nothing
        returning id, session_id, type, occurred_at, buyer_id, state,
          (data->>'count')::int as likes, data#>>'{gift,value,currency}' as currency,
          (data#>>'{gift,value,amount}')::bigint as amount
      )
      select * from written order by occurred_at`
    if (!rows.length) return { moved: 0 }
    const sessionId = rows[0]!.session_id as string
    const c = {
      interactions: rows.length,
      comments: 0,
      hidden: 0,
      likes: 0,
      shares: 0,
      follows: 0,
      questions: 0,
      joins: 0,
      gifts: 0,
    }
    // Viewers change by joins minus leaves; the peak is the highest running total inside the batch.
    let delta = 0
    let peakDelta = 0
    const giftTotals = new Map<string, { amount: number; gifts: number }>()
    const minutes = new Map<number, number>()
    const touches: AudienceTouches['touches'] = []
    let last = 0
    for (const r of rows) {
      const occurredAt = new Date(r.occurred_at as string)
      const at = occurredAt.getTime()
      last = Math.max(last, at)
      const minute = Math.floor(at / 60_000) * 60_000
      minutes.set(minute, (minutes.get(minute) ?? 0) + 1)
      switch (r.type) {
        case 'comment':
          c.comments++
          if (r.state === 'hidden') c.hidden++
          break
        case 'like':
          c.likes += (r.likes as number | null) ?? 1
          break
        case 'share':
          c.shares++
          break
        case 'question':
          c.questions++
          break
        case 'follow':
          c.follows++
          touches.push({ kind: 'follow', buyer_id: r.buyer_id, occurred_at: occurredAt, external_id: r.id })
          break
        case 'join':
          c.joins++
          delta++
          peakDelta = Math.max(peakDelta, delta)
          touches.push({ kind: 'visit', buyer_id: r.buyer_id, occurred_at: occurredAt, external_id: r.id })
          break
        case 'leave':
          delta--
          break
        case 'gift': {
          c.gifts++
          const g = giftTotals.get(r.currency as string) ?? { amount: 0, gifts: 0 }
          g.amount += Number(r.amount)
          g.gifts++
          giftTotals.set(r.currency as string, g)
          break
        }
      }
    }
    const lastAt = new Date(last).toISOString()
    await sql`
      insert into session_live_stats as s (tenant_id, id, viewers_now, viewers_peak, interactions, comments,
        comments_hidden, likes, shares, follows, questions, joins, gifts, last_event_at, updated_at)
      values (${t}, ${sessionId}, greatest(0, ${delta}::int), greatest(0, ${peakDelta}::int, ${delta}::int),
        ${c.interactions}, ${c.comments}, ${c.hidden}, ${c.likes}, ${c.shares}, ${c.follows}, ${c.questions},
        ${c.joins}, ${c.gifts}, ${lastAt}, now())
      on conflict (tenant_id, id) do update set
        viewers_now = greatest(0, s.viewers_now + ${delta}::int),
        viewers_peak = greatest(s.viewers_peak, s.viewers_now + ${peakDelta}::int, s.viewers_now + ${delta}::int),
        interactions = s.interactions + excluded.interactions,
        comments = s.comments + excluded.comments,
        comments_hidden = s.comments_hidden + excluded.comments_hidden,
        likes = s.likes + excluded.likes,
        shares = s.shares + excluded.shares,
        follows = s.follows + excluded.follows,
        questions = s.questions + excluded.questions,
        joins = s.joins + excluded.joins,
        gifts = s.gifts + excluded.gifts,
        last_event_at = greatest(s.last_event_at, excluded.last_event_at),
        updated_at = now()`
    if (giftTotals.size) {
      const currencies = [...giftTotals.keys()]
      await sql`
        insert into session_gift_totals as g (tenant_id, id, session_id, currency, amount, gifts)
        select ${t}, ${sessionId} || ':' || u.currency, ${sessionId}, u.currency, u.amount, u.gifts
        from unnest(${sql.array(currencies)}::text[], ${sql.array(currencies.map((k) => giftTotals.get(k)!.amount))}::bigint[],
          ${sql.array(currencies.map((k) => giftTotals.get(k)!.gifts))}::bigint[]) as u(currency, amount, gifts)
        on conflict (tenant_id, id) do update set amount = g.amount + excluded.amount, gifts = g.gifts + excluded.gifts`
    }
    const mins = [...minutes.keys()]
    await sql`
      insert into session_interaction_minutes as m (tenant_id, id, session_id, minute, interactions)
      select ${t}, ${sessionId} || ':' || u.minute, ${sessionId}, u.minute::timestamptz, u.n
      from unnest(${sql.array(mins.map((m) => new Date(m).toISOString()))}::text[], ${sql.array(mins.map((m) => minutes.get(m)!))}::bigint[])
        as u(minute, n)
      on conflict (tenant_id, id) do update set interactions = m.interactions + excluded.interactions`
    if (touches.length) await publish(tx, audienceTouched, { session_id: sessionId, touches })
    return { moved: rows.length }
  })
}

export const moveJob = defineJob({
  queue: 'ingest',
  name: 'interaction.move',
  payload: Type.Object({ session_id: Type.String(), batch_id: Type.String() }, { additionalProperties: false }),
  handler: (ctx, payload) => moveBatch(ctx, payload.batch_id),
})

/**
 * Re-queues batches that were accepted but not moved after 10 s: the job was never queued (the
 * API died between commit and queue) or failed for good. Runs as the platform over all tenants.
 */
export const sweepJob = defineJob({
  queue: 'ingest',
  name: 'interaction.sweep',
  payload: Type.Object({}, { additionalProperties: false }),
  schedule: { cron: '* * * * *', payload: {} },
  handler: async (ctx) => {
    const rows = await ctx.db.execute<{ tenant_id: string; session_id: string; batch_id: string }>(
      dsql`select tenant_id, session_id, id as batch_id from interaction_batches
           where moved_at is null and received_at < now() - interval '10 seconds' limit 1000`,
    )
    const round = Math.floor(Date.now() / 60_000)
    for (const r of rows) {
      const tenantCtx: Ctx = { ...ctx, ...systemCtx(`sweep:${r.batch_id}`, { id: r.tenant_id, kind: 'mcn' }) }
      await moveJob.enqueue(
        tenantCtx,
        { session_id: r.session_id, batch_id: r.batch_id },
        { jobId: `${r.batch_id}-sweep-${round}` },
      )
    }
    return { requeued: rows.length }
  },
})

/** Creates the day partitions of interaction_events a week ahead (as the owning role). */
export const partitionsJob = defineJob({
  queue: 'ingest',
  name: 'interaction.partitions',
  payload: Type.Object({ days: Type.Integer({ minimum: 1, maximum: 60 }) }, { additionalProperties: false }),
  schedule: { cron: '17 * * * *', payload: { days: 8 } },
  handler: async (ctx, payload) => {
    const [row] = await ctx.db.execute<{ made: number }>(
      dsql`select interaction_events_ensure_partitions((now() at time zone 'UTC')::date, ${payload.days}::int) as made`,
    )
    return { created: row?.made ?? 0 }
  },
})

export interface PurgeResult {
  deleted: number
  /** Whether the run stopped at its chunk bound with rows still due (the next run goes on). */
  more: boolean
}

/**
 * Deletes the batches moved more than `retentionSeconds` ago with their inbox rows, oldest first,
 * `chunk` batches per statement (each its own transaction, so no run holds many locks or one huge
 * WAL record; a batch is at most 1,000 rows) and at most `maxChunks` statements per run. Only moved
 * batches qualify: an unmoved batch is never deleted, however old. Batches a concurrent purge holds
 * are skipped, not waited for. Runs as the platform over all tenants, like the sweeper. `deleted`
 * counts inbox rows.
 */
export async function purgeInbox(
  db: Ctx['db'],
  opts: { retentionSeconds: number; chunk: number; maxChunks: number },
): Promise<PurgeResult> {
  let deleted = 0
  for (let i = 0; i < opts.maxChunks; i++) {
    const [row] = await db.execute<{ batches: number; n: number }>(dsql`
      with doomed as (
        select tenant_id, id from interaction_batches
        where moved_at < now() - make_interval(secs => ${opts.retentionSeconds})
        order by moved_at
        limit ${opts.chunk}
        for update skip locked
      ), rows as (
        delete from interaction_inbox i using doomed d
        where i.tenant_id = d.tenant_id and i.batch_id = d.id
        returning 1
      ), batches as (
        delete from interaction_batches b using doomed d
        where b.tenant_id = d.tenant_id and b.id = d.id
        returning 1
      )
      select (select count(*)::int from batches) as batches, (select count(*)::int from rows) as n`)
    deleted += row?.n ?? 0
    if ((row?.batches ?? 0) < opts.chunk) return { deleted, more: false }
  }
  return { deleted, more: true }
}

/** Deletes batches moved more than INTERACTION_INBOX_RETENTION_SECONDS ago (default a day), every 10 minutes. */
export const purgeJob = defineJob({
  queue: 'ingest',
  name: 'interaction.purge',
  payload: Type.Object(
    {
      chunk: Type.Integer({ minimum: 1, maximum: 1000 }),
      max_chunks: Type.Integer({ minimum: 1, maximum: 10_000 }),
    },
    { additionalProperties: false },
  ),
  schedule: { cron: '*/10 * * * *', payload: { chunk: 10, max_chunks: 200 } },
  handler: (ctx, payload) =>
    purgeInbox(ctx.db, {
      retentionSeconds: interactionSettings().inboxRetentionSeconds,
      chunk: payload.chunk,
      maxChunks: payload.max_chunks,
    }),
})
