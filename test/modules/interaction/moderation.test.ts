import { sql } from 'drizzle-orm'
import t from 'tap'
import { actAsTenant } from '../../../src/db/tenancy.js'
import { buildTestApp, createTenant } from '../../helper.js'
import { event, makeSession, ok, statsWhen } from './support.js'

t.test('moderation by blocked words, and the wall on partitions', async (t) => {
  const { app } = await buildTestApp(t, { workers: true })
  const mcn = await createTenant(app, { kind: 'mcn' })
  const other = await createTenant(app, { kind: 'mcn' })
  const sessionId = await makeSession(mcn)

  t.test('blocked words: normalised on the way in, 409 on a twin, isolated per tenant', async (t) => {
    const vx = await ok(await mcn.post('/v1/moderation/blocked-words', { word: 'ＶＸ' }))
    t.match(vx, { id: /^bwd_/, word: 'ＶＸ', normalized: 'vx' })
    t.equal(
      (await mcn.post('/v1/moderation/blocked-words', { word: 'vx' })).statusCode,
      409,
      'same word once normalised',
    )
    await ok(await mcn.post('/v1/moderation/blocked-words', { word: '微信' }))
    const temp = await ok(await mcn.post('/v1/moderation/blocked-words', { word: 'temporary' }))
    t.equal((await mcn.delete(`/v1/moderation/blocked-words/${temp.id}`)).statusCode, 204)
    t.equal((await mcn.get(`/v1/moderation/blocked-words/${temp.id}`)).statusCode, 404)
    const list = await ok(await mcn.get('/v1/moderation/blocked-words'), 200)
    t.same(list.data.map((w: any) => w.normalized).sort(), ['vx', '微信'])
    t.equal((await other.get(`/v1/moderation/blocked-words/${vx.id}`)).statusCode, 404)
    t.equal((await other.delete(`/v1/moderation/blocked-words/${vx.id}`)).statusCode, 404)
    t.same((await ok(await other.get('/v1/moderation/blocked-words'), 200)).data, [])
  })

  t.test('a matching comment is hidden and kept with its reason', async (t) => {
    const events = [
      event('comment', { text: '加我vx聊' }),
      event('comment', { text: '加我ｖｘ聊' }),
      event('comment', { text: '私信微信号' }),
      event('comment', { text: '这件衣服好看' }),
    ]
    await ok(await mcn.post(`/v1/sessions/${sessionId}/interactions/batch`, { events }), 202)
    const stats = await statsWhen(mcn, sessionId, (s) => s.comments === 4)
    t.equal(stats.comments_hidden, 3)
    const hidden = await ok(await mcn.get(`/v1/sessions/${sessionId}/comments?state=hidden`), 200)
    t.same(
      hidden.data.map((c: any) => [c.text, c.moderation_reason]),
      [
        ['加我vx聊', 'blocked_word: vx'],
        ['加我ｖｘ聊', 'blocked_word: vx'],
        ['私信微信号', 'blocked_word: 微信'],
      ],
    )
    const visible = await ok(await mcn.get(`/v1/sessions/${sessionId}/comments?state=visible`), 200)
    t.same(
      visible.data.map((c: any) => c.text),
      ['这件衣服好看'],
    )
  })

  t.test('RLS holds on the day partitions, read as the app role', async (t) => {
    const otherSession = await makeSession(other, 'other')
    await ok(await other.post(`/v1/sessions/${otherSession}/interactions/batch`, { events: [event('like')] }), 202)
    await statsWhen(other, otherSession, (s) => s.interactions === 1)
    const day = new Date().toISOString().slice(0, 10).replaceAll('-', '')
    const partition = sql.raw(`interaction_events_${day}`)
    const countAs = (tenant: string | null) =>
      app.db.transaction(async (tx) => {
        if (tenant) await actAsTenant(tx, tenant)
        else await tx.execute(sql`select set_config('role', 'showrunner_app', true)`)
        const rows = await tx.execute<{ tenant_id: string }>(sql`select distinct tenant_id from ${partition}`)
        return rows.map((r) => r.tenant_id)
      })
    t.same(await countAs(mcn.organizationId), [mcn.organizationId], 'a tenant sees only its own rows')
    t.same(await countAs(other.organizationId), [other.organizationId])
    t.same(await countAs(null), [], 'no tenant set: no rows')
    const [owner] = await app.db.execute<{ n: number }>(
      sql`select count(distinct tenant_id)::int as n from ${partition}`,
    )
    t.equal(owner!.n, 2, 'both tenants’ rows are in that partition')
    const refused = await app.db
      .transaction(async (tx) => {
        await actAsTenant(tx, mcn.organizationId)
        await tx.execute(
          sql`insert into ${partition} (tenant_id, id, session_id, event_id, type, occurred_at, buyer_id, data, received_at)
              values (${other.organizationId}, 'iev_x', 'ses_x', 'x', 'like', now(), 'buy_x', '{}', now())`,
        )
      })
      .then(
        () => 'written',
        (err: Error & { cause?: Error }) => err.cause?.message ?? err.message,
      )
    t.match(refused, /row-level security/, 'writing another tenant’s row into a partition is refused')
  })
})
