import t from 'tap'
import { buildTestApp, createTenant } from '../../helper.js'
import { event, makeSession, ok, statsWhen } from './support.js'

t.test('interaction ingest', async (t) => {
  const { app } = await buildTestApp(t, { workers: true })
  const mcn = await createTenant(app, { kind: 'mcn' })
  const other = await createTenant(app, { kind: 'mcn' })
  const sessionId = await makeSession(mcn)
  const url = `/v1/sessions/${sessionId}/interactions/batch`

  t.test('bad events are listed by index; the good ones are accepted', async (t) => {
    const good = event('comment', { text: '还有货吗' })
    const res = await mcn.post(url, {
      events: [
        good,
        event('comment'),
        event('gift', { gift: { value: { amount: -1, currency: 'CNY' } } }),
        event('like', { text: 'likes have no text' }),
        { ...event('join'), occurred_at: 'yesterday' },
        event('join', {}, 1, 30 * 24 * 3600_000),
        { ...event('share'), type: 'dance' },
        { ...event('share'), viewer: { platform: 'douyin' } },
        'not an object',
        { ...good },
      ],
    })
    const body = await ok(res, 202)
    t.equal(body.accepted, 1)
    t.equal(body.rejected, 9)
    t.same(
      body.errors.map((e: any) => [e.index, e.errors[0].field, e.errors[0].code]),
      [
        [1, 'text', 'required'],
        [2, 'gift.value', 'format'],
        [3, 'text', 'unknown'],
        [4, 'occurred_at', 'format'],
        [5, 'occurred_at', 'range'],
        [6, 'type', 'format'],
        [7, 'viewer', 'format'],
        [8, '', 'type'],
        [9, 'event_id', 'duplicate'],
      ],
    )
  })

  t.test('a malformed envelope is refused whole', async (t) => {
    t.equal((await mcn.post(url, { events: {} })).statusCode, 400)
    t.equal((await mcn.post(url, { events: [] })).statusCode, 400)
    const tooMany = Array.from({ length: 1001 }, () => event('like'))
    t.equal((await mcn.post(url, { events: tooMany })).statusCode, 400)
    t.equal((await mcn.post(url, [event('like')])).statusCode, 400)
  })

  t.test('counters, and a re-sent batch is a no-op', async (t) => {
    const s = await makeSession(mcn, 'counters')
    const batch = [
      event('join', {}, 1),
      event('join', {}, 2),
      event('join', {}, 3),
      event('leave', {}, 3),
      event('like', { count: 5 }, 1),
      event('like', {}, 2),
      event('gift', { gift: { name: '小心心', value: { amount: 100, currency: 'CNY' } } }, 1),
      event('gift', { gift: { value: { amount: 250, currency: 'CNY' } } }, 2),
      event('comment', { text: '好看' }, 1),
      event('share', {}, 2),
      event('follow', {}, 2),
      event('question', { text: '多少钱？' }, 1),
    ]
    const first = await ok(await mcn.post(`/v1/sessions/${s}/interactions/batch`, { events: batch }), 202)
    t.match(first, { accepted: 12, duplicates: 0, rejected: 0 })
    const stats = await statsWhen(mcn, s, (x) => x.interactions === 12)
    t.match(stats, {
      viewers_now: 2,
      viewers_peak: 3,
      likes: 6,
      gifts: 2,
      gift_value: [{ amount: 350, currency: 'CNY' }],
      comments: 1,
      shares: 1,
      follows: 1,
      questions: 1,
      joins: 3,
    })
    const conversion = await ok(await mcn.get(`/v1/sessions/${s}/conversion`), 200)
    t.equal(conversion.viewers, 3, 'acquisition recorded the joins as visits')
    t.equal(
      stats.minutes.reduce((n: number, m: any) => n + m.interactions, 0),
      12,
    )

    const again = await ok(await mcn.post(`/v1/sessions/${s}/interactions/batch`, { events: batch }), 202)
    t.match(again, { accepted: 12, duplicates: 12, rejected: 0 })
    await ok(await mcn.post(`/v1/sessions/${s}/interactions/batch`, { events: [event('like', {}, 9)] }), 202)
    const after = await statsWhen(mcn, s, (x) => x.interactions >= 13)
    t.equal(after.interactions, 13, 'the duplicates counted nothing')
    t.equal(after.likes, 7)

    const comments = await ok(await mcn.get(`/v1/sessions/${s}/comments`), 200)
    t.equal(comments.data.length, 1)
    t.match(comments.data[0], { text: '好看', state: 'visible', buyer_id: /^buy_/ })
    t.notOk(JSON.stringify(comments).includes('viewer-1'), 'the platform ref is not stored in clear')
  })

  t.test('another tenant’s session answers 404', async (t) => {
    t.equal((await other.post(url, { events: [event('like')] })).statusCode, 404)
    t.equal((await other.get(`/v1/sessions/${sessionId}/live-stats`)).statusCode, 404)
    t.equal((await other.get(`/v1/sessions/${sessionId}/comments?state=hidden`)).statusCode, 404)
  })

  t.test('GraphQL reads the same live stats', async (t) => {
    const res = await mcn.post('/graphql', {
      query: `{ sessionLiveStats(id: "${sessionId}") { session_id interactions viewers_now } }`,
    })
    const body = await ok(res, 200)
    t.equal(body.data.sessionLiveStats.session_id, sessionId)
  })
})
