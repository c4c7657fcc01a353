import { sql } from 'drizzle-orm'
import t from 'tap'
import { moveBatch, purgeInbox, purgeJob } from '../../../src/modules/interaction/worker.js'
import { serviceCtx } from '../../fixtures.js'
import { buildTestApp, createTenant } from '../../helper.js'
import { event, makeSession, ok } from './support.js'

const DAY = 86400

t.test(
  'the inbox purge deletes moved rows past the retention, in bounded chunks, and never an unmoved one',
  async (t) => {
    // No workers: the test decides which batches are moved.
    const { app } = await buildTestApp(t)
    const mcn = await createTenant(app, { kind: 'mcn' })
    const ctx = serviceCtx(app, mcn)
    const sessionId = await makeSession(mcn)
    const send = async (events: ReturnType<typeof event>[]) =>
      ok(await mcn.post(`/v1/sessions/${sessionId}/interactions/batch`, { events }), 202)
    const batches = {
      old: Array.from({ length: 5 }, (_, i) => event('like', {}, i)),
      recent: Array.from({ length: 3 }, (_, i) => event('like', {}, i)),
      unmoved: Array.from({ length: 4 }, (_, i) => event('like', {}, i)),
    }
    const ids: Record<keyof typeof batches, string> = { old: '', recent: '', unmoved: '' }
    for (const k of Object.keys(batches) as (keyof typeof batches)[]) ids[k] = (await send(batches[k])).batch_id
    t.same(await moveBatch(ctx, ids.old), { moved: 5 })
    t.same(await moveBatch(ctx, ids.recent), { moved: 3 })
    // Aged behind the API's back: the old batch was moved two days ago; the unmoved one was
    // received ten days ago and never moved (its worker is long gone), which must not matter.
    await app.db.execute(sql`update interaction_inbox set moved_at = now() - interval '2 days', received_at = now() - interval '2 days'
    where batch_id = ${ids.old}`)
    await app.db.execute(
      sql`update interaction_inbox set received_at = now() - interval '10 days' where batch_id = ${ids.unmoved}`,
    )
    const inbox = async () => {
      const rows = await app.db.execute<{ batch_id: string; n: number }>(
        sql`select batch_id, count(*)::int as n from interaction_inbox where session_id = ${sessionId} group by batch_id`,
      )
      return Object.fromEntries(
        (Object.keys(ids) as (keyof typeof ids)[]).map((k) => [k, rows.find((r) => r.batch_id === ids[k])?.n ?? 0]),
      )
    }

    t.same(await purgeInbox(app.db, { retentionSeconds: DAY, chunk: 2, maxChunks: 2 }), { deleted: 4, more: true })
    t.same(await inbox(), { old: 1, recent: 3, unmoved: 4 }, 'a run stops at its bound: two chunks of two')
    t.same(await purgeInbox(app.db, { retentionSeconds: DAY, chunk: 2, maxChunks: 100 }), { deleted: 1, more: false })
    t.same(await inbox(), { old: 0, recent: 3, unmoved: 4 }, 'the next run finishes the old batch and stops')
    t.same(await purgeInbox(app.db, { retentionSeconds: DAY, chunk: 1000, maxChunks: 100 }), {
      deleted: 0,
      more: false,
    })
    t.same(
      await purgeInbox(app.db, { retentionSeconds: 60, chunk: 1000, maxChunks: 100 }),
      { deleted: 0, more: false },
      'rows moved a moment ago are inside even a one-minute retention',
    )
    t.same(await inbox(), { old: 0, recent: 3, unmoved: 4 }, 'the unmoved batch is untouched, ten days old or not')

    const [events] = await app.db.execute<{ n: number }>(
      sql`select count(*)::int as n from interaction_events where session_id = ${sessionId}`,
    )
    t.equal(events!.n, 8, 'the moved events stay in interaction_events')
    const stats = await ok(await mcn.get(`/v1/sessions/${sessionId}/live-stats`), 200)
    t.equal(stats.likes, 8)

    // Past the window a re-sent event is new to the inbox, but the events table still has it under
    // the same (session, event_id, occurred_at): the move writes nothing and counts nothing.
    const again = await send(batches.old)
    t.match(again, { accepted: 5, duplicates: 0 })
    t.same(await moveBatch(ctx, again.batch_id), { moved: 0 })
    t.equal((await ok(await mcn.get(`/v1/sessions/${sessionId}/live-stats`), 200)).likes, 8, 'still counted once')
    t.match(await send(batches.recent), { accepted: 3, duplicates: 3 }, 'inside the window a re-send is a no-op')
  },
)

t.test('the purge job runs on the ingest queue with the configured retention', async (t) => {
  const { app } = await buildTestApp(t, { workers: true, config: { INTERACTION_INBOX_RETENTION_SECONDS: 3600 } })
  const mcn = await createTenant(app, { kind: 'mcn' })
  const ctx = serviceCtx(app, mcn)
  const sessionId = await makeSession(mcn)
  const events = Array.from({ length: 6 }, (_, i) => event('comment', { text: `第${i}条` }, i))
  const { batch_id } = await ok(await mcn.post(`/v1/sessions/${sessionId}/interactions/batch`, { events }), 202)
  const count = async (where = sql`true`) => {
    const [r] = await app.db.execute<{ n: number }>(
      sql`select count(*)::int as n from interaction_inbox where batch_id = ${batch_id} and ${where}`,
    )
    return r!.n
  }
  const until = async (done: () => Promise<boolean>) => {
    const deadline = Date.now() + 15_000
    while (!(await done())) {
      if (Date.now() > deadline) throw new Error('timed out')
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  await until(async () => (await count(sql`moved_at is not null`)) === 6)
  // Two rows moved 59 minutes ago stay (the retention is an hour), four moved 61 minutes ago go.
  await app.db.execute(sql`update interaction_inbox set moved_at = now() - interval '59 minutes'
    where id in (select id from interaction_inbox where batch_id = ${batch_id} order by id limit 2)`)
  await app.db.execute(sql`update interaction_inbox set moved_at = now() - interval '61 minutes'
    where batch_id = ${batch_id} and moved_at > now() - interval '1 minute'`)
  await purgeJob.enqueue(ctx, { chunk: 3, max_chunks: 10 })
  await until(async () => (await count()) === 2)
  t.equal(await count(sql`moved_at < now() - interval '60 minutes'`), 0, 'only the rows past the hour went')
  t.equal(await count(), 2)
})
