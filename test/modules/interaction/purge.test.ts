import { sql } from 'drizzle-orm'
import t from 'tap'
import { moveBatch, purgeInbox, purgeJob } from '../../../src/modules/interaction/worker.js'
import { serviceCtx } from '../../fixtures.js'
import { buildTestApp, createTenant } from '../../helper.js'
import { event, makeSession, ok } from './support.js'

const DAY = 86400

t.test(
  'the inbox purge deletes batches moved past the retention, in bounded chunks, and never an unmoved one',
  async (t) => {
    // No workers: the test decides which batches are moved.
    const { app } = await buildTestApp(t)
    const mcn = await createTenant(app, { kind: 'mcn' })
    const ctx = serviceCtx(app, mcn)
    const sessionId = await makeSession(mcn)
    const send = async (events: ReturnType<typeof event>[]) =>
      ok(await mcn.post(`/v1/sessions/${sessionId}/interactions/batch`, { events }), 202)
    const likes = (n: number, from: number) => Array.from({ length: n }, (_, i) => event('like', {}, from + i))
    const batches = {
      old1: likes(5, 0),
      old2: likes(2, 100),
      old3: likes(1, 200),
      recent: likes(3, 300),
      unmoved: likes(4, 400),
    }
    type Name = keyof typeof batches
    const names = Object.keys(batches) as Name[]
    const ids = {} as Record<Name, string>
    for (const k of names) ids[k] = (await send(batches[k])).batch_id
    for (const k of ['old1', 'old2', 'old3', 'recent'] as const)
      t.same(await moveBatch(ctx, ids[k]), { moved: batches[k].length })
    // Aged behind the API's back: the old batches were moved two days ago, oldest first; the
    // unmoved one was received ten days ago and never moved (its worker is long gone), which must
    // not matter.
    for (const [k, hours] of [
      ['old1', 50],
      ['old2', 49],
      ['old3', 48],
    ] as const)
      await app.db.execute(sql`update interaction_batches set moved_at = now() - make_interval(hours => ${hours}),
        received_at = now() - make_interval(hours => ${hours}) where id = ${ids[k]}`)
    await app.db.execute(
      sql`update interaction_batches set received_at = now() - interval '10 days' where id = ${ids.unmoved}`,
    )
    const inbox = async () => {
      const rows = await app.db.execute<{ batch_id: string; n: number }>(
        sql`select batch_id, count(*)::int as n from interaction_inbox where session_id = ${sessionId} group by batch_id`,
      )
      const kept = await app.db.execute<{ id: string }>(
        sql`select id from interaction_batches where session_id = ${sessionId}`,
      )
      for (const k of names)
        t.equal(
          kept.some((b) => b.id === ids[k]),
          rows.some((r) => r.batch_id === ids[k]),
          `${k}: the batch row goes with its inbox rows`,
        )
      return Object.fromEntries(names.map((k) => [k, rows.find((r) => r.batch_id === ids[k])?.n ?? 0]))
    }

    t.same(await purgeInbox(app.db, { retentionSeconds: DAY, chunk: 1, maxChunks: 2 }), { deleted: 7, more: true })
    t.same(
      await inbox(),
      { old1: 0, old2: 0, old3: 1, recent: 3, unmoved: 4 },
      'a run stops at its bound: two chunks of one batch, the oldest first',
    )
    t.same(await purgeInbox(app.db, { retentionSeconds: DAY, chunk: 2, maxChunks: 100 }), { deleted: 1, more: false })
    t.same(await inbox(), { old1: 0, old2: 0, old3: 0, recent: 3, unmoved: 4 }, 'the next run finishes and stops')
    t.same(await purgeInbox(app.db, { retentionSeconds: DAY, chunk: 1000, maxChunks: 100 }), {
      deleted: 0,
      more: false,
    })
    t.same(
      await purgeInbox(app.db, { retentionSeconds: 60, chunk: 1000, maxChunks: 100 }),
      { deleted: 0, more: false },
      'batches moved a moment ago are inside even a one-minute retention',
    )
    t.same(
      await inbox(),
      { old1: 0, old2: 0, old3: 0, recent: 3, unmoved: 4 },
      'the unmoved batch is untouched, ten days old or not',
    )

    const [events] = await app.db.execute<{ n: number }>(
      sql`select count(*)::int as n from interaction_events where session_id = ${sessionId}`,
    )
    t.equal(events!.n, 11, 'the moved events stay in interaction_events')
    const stats = await ok(await mcn.get(`/v1/sessions/${sessionId}/live-stats`), 200)
    t.equal(stats.likes, 11)

    // Past the window a re-sent event is new to the inbox, but the events table still has it under
    // the same (session, event_id, occurred_at): the move writes nothing and counts nothing.
    const again = await send(batches.old1)
    t.match(again, { accepted: 5, duplicates: 0 })
    t.same(await moveBatch(ctx, again.batch_id), { moved: 0 })
    t.equal((await ok(await mcn.get(`/v1/sessions/${sessionId}/live-stats`), 200)).likes, 11, 'still counted once')
    const resent = await send(batches.recent)
    t.match(resent, { accepted: 3, duplicates: 3 }, 'inside the window a re-send is a no-op')
    const [none] = await app.db.execute<{ n: number }>(
      sql`select count(*)::int as n from interaction_batches where id = ${resent.batch_id}`,
    )
    t.equal(none!.n, 0, 'a batch of duplicates leaves no batch to move')
  },
)

t.test('the purge job runs on the ingest queue with the configured retention', async (t) => {
  const { app } = await buildTestApp(t, { workers: true, config: { INTERACTION_INBOX_RETENTION_SECONDS: 3600 } })
  const mcn = await createTenant(app, { kind: 'mcn' })
  const ctx = serviceCtx(app, mcn)
  const sessionId = await makeSession(mcn)
  const events = Array.from({ length: 6 }, (_, i) => event('comment', { text: `第${i}条` }, i))
  const first = await ok(await mcn.post(`/v1/sessions/${sessionId}/interactions/batch`, { events }), 202)
  const second = await ok(
    await mcn.post(`/v1/sessions/${sessionId}/interactions/batch`, {
      events: Array.from({ length: 2 }, (_, i) => event('like', {}, 10 + i)),
    }),
    202,
  )
  const count = async (batchId: string) => {
    const [r] = await app.db.execute<{ n: number }>(
      sql`select count(*)::int as n from interaction_inbox where batch_id = ${batchId}`,
    )
    return r!.n
  }
  const moved = async () => {
    const [r] = await app.db.execute<{ n: number }>(
      sql`select count(*)::int as n from interaction_batches where session_id = ${sessionId} and moved_at is not null`,
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
  await until(async () => (await moved()) === 2)
  // The batch moved 61 minutes ago goes (the retention is an hour), the one moved 59 minutes ago stays.
  await app.db.execute(
    sql`update interaction_batches set moved_at = now() - interval '61 minutes' where id = ${first.batch_id}`,
  )
  await app.db.execute(
    sql`update interaction_batches set moved_at = now() - interval '59 minutes' where id = ${second.batch_id}`,
  )
  await purgeJob.enqueue(ctx, { chunk: 3, max_chunks: 10 })
  await until(async () => (await count(first.batch_id)) === 0)
  t.equal(await count(second.batch_id), 2, 'only the batch past the hour went')
  t.equal(await moved(), 1)
})
