import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { verifyDrawProof, type DrawProof } from '../../../examples/verify-draw.js'
import { buildTestApp, createTenant, type Caller } from '../../helper.js'
import { root } from '../../cli/run.js'

const ok = async (res: { statusCode: number; body: string; json(): any }, status = 200) => {
  if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}: ${res.body}`)
  return res.json()
}
const buyer = (ref: string) => ({ platform: 'douyin', ref })

async function makeSession(c: Caller) {
  const anchor = await ok(await c.post('/v1/anchors', { name: '小雨' }), 201)
  return ok(
    await c.post('/v1/sessions', {
      title: '冬茶专场',
      platform: 'douyin',
      planned_start: '2030-01-01T10:00:00Z',
      planned_end: '2030-01-01T12:00:00Z',
      host_anchor_id: anchor.id,
    }),
    201,
  )
}

t.test('live tools', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app, { kind: 'mcn' })
  const other = await createTenant(app, { kind: 'mcn' })
  const session = await makeSession(mcn)
  const events = async (id: string) =>
    (await mcn.get('/v1/events?limit=200'))
      .json()
      .data.filter((e: any) => e.resource.id === id)
      .map((e: any) => e.type)

  t.test('questions: ask, list by answered state, answer once with who and when', async (t) => {
    const q1 = await ok(
      await mcn.post(`/v1/sessions/${session.id}/questions`, { buyer: buyer('q1'), text: '能冷泡吗？' }),
      201,
    )
    const q2 = await ok(
      await mcn.post(`/v1/sessions/${session.id}/questions`, { buyer: buyer('q2'), text: '发什么快递？' }),
      201,
    )
    t.match(q1, { id: /^qst_/, buyer_id: /^buy_/, answered: false, answer: null, answered_by: null })
    t.notOk(JSON.stringify(q1).includes('q1"'), 'the buyer reference is not kept')
    t.equal((await mcn.post(`/v1/sessions/${session.id}/questions`, { buyer: buyer('x'), text: '' })).statusCode, 400)
    const crew = await ok(await mcn.post('/v1/crew-members', { name: '阿杰', roles: ['host'] }), 201)
    t.equal(
      (await mcn.post(`/v1/questions/${q1.id}/answer`, { text: 'x', crew_member_id: `crw_${'0'.repeat(26)}` }))
        .statusCode,
      422,
      'an unknown crew member is refused',
    )
    t.equal((await mcn.post(`/v1/questions/${q1.id}/answer`, { text: 'x' }, { 'if-match': '"9"' })).statusCode, 412)
    const answered = await ok(
      await mcn.post(`/v1/questions/${q1.id}/answer`, { text: '可以', crew_member_id: crew.id }),
    )
    t.match(answered, {
      answered: true,
      answer: '可以',
      answered_by: { actor: { type: 'client', id: mcn.clientId }, crew_member_id: crew.id },
      answered_at: /Z$/,
      version: 2,
    })
    const again = await mcn.post(`/v1/questions/${q1.id}/answer`, { text: '再答' })
    t.equal(again.statusCode, 409)
    t.equal(again.json().reason, 'already_answered')
    const list = (answered: boolean) =>
      mcn
        .get(`/v1/sessions/${session.id}/questions?answered=${answered}`)
        .then((r) => r.json().data.map((q: any) => q.id))
    t.same(await list(true), [q1.id])
    t.same(await list(false), [q2.id])
    t.same(await events(q1.id), ['question.answered'])
    t.equal((await other.get(`/v1/questions/${q1.id}`)).statusCode, 404)
    t.equal(
      (await other.post(`/v1/sessions/${session.id}/questions`, { buyer: buyer('z'), text: 'hi' })).statusCode,
      404,
    )
  })

  t.test('polls: one vote per buyer (a re-vote replaces), live tally, closed is 409', async (t) => {
    const poll = await ok(
      await mcn.post(`/v1/sessions/${session.id}/polls`, { question: '下一款？', options: ['生普', '熟普', '白茶'] }),
      201,
    )
    t.equal(poll.status, 'draft')
    const vote = (ref: string, option: number) => mcn.post(`/v1/polls/${poll.id}/votes`, { buyer: buyer(ref), option })
    t.equal((await vote('a', 0)).json().reason, 'poll_draft', 'a draft takes no votes')
    await ok(await mcn.post(`/v1/polls/${poll.id}/open`))
    t.match(await ok(await vote('a', 0)), { option: 0, replaced: false })
    await ok(await vote('b', 0))
    await ok(await vote('c', 2))
    t.match(await ok(await vote('a', 1)), { option: 1, replaced: true }, 'a re-vote replaces the first')
    t.equal((await vote('d', 3)).statusCode, 422, 'an option out of range')
    const live = await ok(await mcn.get(`/v1/polls/${poll.id}`))
    t.same(
      live.options.map((o: any) => o.votes),
      [1, 1, 1],
    )
    t.equal(live.total_votes, 3)
    const closed = await ok(await mcn.post(`/v1/polls/${poll.id}/close`))
    t.match(closed, { status: 'closed', total_votes: 3, closed_at: /Z$/ })
    const late = await vote('e', 0)
    t.equal(late.statusCode, 409)
    t.equal(late.json().reason, 'poll_closed')
    t.same(
      (await ok(await mcn.get(`/v1/polls/${poll.id}`))).options,
      closed.options,
      'the tally is readable after close',
    )
    t.equal((await mcn.post(`/v1/polls/${poll.id}/close`)).statusCode, 409)
    t.same((await events(poll.id)).sort(), ['poll.closed', 'poll.opened'])
    t.equal((await other.post(`/v1/polls/${poll.id}/votes`, { buyer: buyer('a'), option: 0 })).statusCode, 404)
  })

  t.test('coupons are never over-issued under concurrency', async (t) => {
    const coupon = await ok(
      await mcn.post('/v1/coupons', {
        session_id: session.id,
        name: '5 元券',
        discount: { amount: 500, currency: 'CNY' },
        total_limit: 20,
        per_buyer_limit: 2,
      }),
      201,
    )
    t.match(coupon, { id: /^cpn_/, issued_count: 0, remaining: 20, discount: { amount: 500, currency: 'CNY' } })
    const claim = (ref: string) => mcn.post(`/v1/coupons/${coupon.id}/claims`, { buyer: buyer(ref) })

    // The same buyer, ten claims at once, against a per-buyer limit of 2.
    const same = await Promise.all(Array.from({ length: 10 }, () => claim('greedy')))
    t.equal(same.filter((r) => r.statusCode === 201).length, 2, 'exactly 2 for one buyer')
    t.ok(
      same
        .filter((r) => r.statusCode !== 201)
        .every((r) => r.statusCode === 409 && r.json().reason === 'buyer_limit_reached'),
    )
    // Fifty buyers at once for the 18 left.
    const many = await Promise.all(Array.from({ length: 50 }, (_, i) => claim(`fan-${i}`)))
    const won = many.filter((r) => r.statusCode === 201)
    t.equal(won.length, 18, 'exactly the total of 20, counting the greedy buyer’s 2')
    const refusals = many.filter((r) => r.statusCode !== 201)
    t.ok(
      refusals.every((r) => r.statusCode === 409 && r.json().reason === 'coupon_exhausted'),
      'the rest are told it is gone',
    )
    t.match(refusals[0]!.json(), { type: 'https://showrunner.dev/problems/conflict', code: 'conflict' })
    t.match(await ok(await mcn.get(`/v1/coupons/${coupon.id}`)), { issued_count: 20, remaining: 0 })
    const claimEvents = (await mcn.get('/v1/events?limit=200'))
      .json()
      .data.filter((e: any) => e.type === 'coupon.claimed')
    t.equal(claimEvents.filter((e: any) => e.data.coupon_id === coupon.id).length, 20, 'one coupon.claimed per claim')
  })

  t.test('coupons: 50 concurrent claims against a total of 20 issue exactly 20', async (t) => {
    const coupon = await ok(
      await mcn.post('/v1/coupons', {
        session_id: session.id,
        name: '9 折',
        discount: { percent: 10 },
        total_limit: 20,
      }),
      201,
    )
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => mcn.post(`/v1/coupons/${coupon.id}/claims`, { buyer: buyer(`b-${i}`) })),
    )
    t.equal(results.filter((r) => r.statusCode === 201).length, 20)
    t.equal(results.filter((r) => r.statusCode === 409).length, 30)
    t.equal((await mcn.get(`/v1/coupons/${coupon.id}`)).json().issued_count, 20)
  })

  t.test('coupons: refusals and bad input', async (t) => {
    const body = { session_id: session.id, name: 'x', discount: { percent: 10 }, total_limit: 3 }
    t.equal((await mcn.post('/v1/coupons', { ...body, session_id: undefined })).statusCode, 422, 'for something')
    t.equal((await mcn.post('/v1/coupons', { ...body, discount: { percent: 120 } })).statusCode, 400)
    t.equal((await mcn.post('/v1/coupons', { ...body, per_buyer_limit: 5 })).statusCode, 422)
    t.equal((await other.post('/v1/coupons', body)).statusCode, 422, 'another tenant’s session is unknown')
    const ended = await ok(await mcn.post('/v1/coupons', { ...body, ends_at: '2020-01-02T00:00:00Z' }), 201)
    const res = await mcn.post(`/v1/coupons/${ended.id}/claims`, { buyer: buyer('a') })
    t.equal(res.statusCode, 409)
    t.equal(res.json().reason, 'coupon_ended')
    t.equal((await other.post(`/v1/coupons/${ended.id}/claims`, { buyer: buyer('a') })).statusCode, 404)
    const open = await ok(await mcn.post('/v1/coupons', body), 201)
    await ok(await mcn.post(`/v1/coupons/${open.id}/claims`, { buyer: buyer('a') }), 201)
    t.match(await ok(await mcn.post(`/v1/coupons/${open.id}/close`)), { status: 'closed', issued_count: 1 })
    const late = await mcn.post(`/v1/coupons/${open.id}/claims`, { buyer: buyer('b') })
    t.equal(late.json().reason, 'coupon_closed', 'a closed coupon takes no claims')
    t.equal((await mcn.post(`/v1/coupons/${open.id}/close`)).statusCode, 409)
  })

  t.test('draws: commit, freeze, reveal, and the verifier recomputes the winners', async (t) => {
    const draw = await ok(
      await mcn.post(`/v1/sessions/${session.id}/draws`, { prize: '一饼熟普', winners_count: 3 }),
      201,
    )
    t.match(draw, { id: /^drw_/, status: 'open', commitment: /^[0-9a-f]{64}$/, seed: null, winners: [] })
    for (let i = 0; i < 12; i++)
      await ok(await mcn.post(`/v1/draws/${draw.id}/entries`, { buyer: buyer(`e-${i}`) }), 201)
    const twice = await mcn.post(`/v1/draws/${draw.id}/entries`, { buyer: buyer('e-0') })
    t.equal(twice.json().reason, 'already_entered')
    t.equal((await mcn.post(`/v1/draws/${draw.id}/draw`)).json().reason, 'draw_open', 'close first')
    const before = await ok(await mcn.get(`/v1/draws/${draw.id}/proof`))
    t.match(before, { seed: null, entries_final: false, winners: [] })
    t.equal(verifyDrawProof(before).ok, false, 'nothing to verify before the seed')

    const closed = await ok(await mcn.post(`/v1/draws/${draw.id}/close`))
    t.match(closed, { status: 'closed', entry_count: 12, entries_sha256: /^[0-9a-f]{64}$/, seed: null })
    t.equal((await mcn.post(`/v1/draws/${draw.id}/entries`, { buyer: buyer('late') })).json().reason, 'draw_closed')
    const drawn = await ok(await mcn.post(`/v1/draws/${draw.id}/draw`))
    t.equal(drawn.status, 'drawn')
    t.equal(drawn.winners.length, 3)
    t.equal(drawn.commitment, draw.commitment, 'the commitment never changes')
    t.equal((await mcn.post(`/v1/draws/${draw.id}/draw`)).statusCode, 409, 'drawn once')

    const proof: DrawProof = await ok(await mcn.get(`/v1/draws/${draw.id}/proof`))
    t.match(proof, { algorithm: 'showrunner-draw-v1', entries_final: true, seed: /^[0-9a-f]{64}$/ })
    t.equal(proof.entries.length, 12)
    t.same(
      proof.winners,
      drawn.winners.map((w: any) => w.entry_id),
    )
    const verdict = verifyDrawProof(proof)
    t.same(verdict, { ok: true, problems: [], winners: proof.winners }, 'the verifier agrees')

    const flipped = `${proof.seed!.slice(0, 63)}${proof.seed!.endsWith('0') ? '1' : '0'}`
    const tampered = verifyDrawProof({ ...proof, seed: flipped })
    t.equal(tampered.ok, false)
    t.match(tampered.problems.join('\n'), /commitment mismatch/)
    const dropped = verifyDrawProof({ ...proof, entries: proof.entries.filter((e) => e.id !== proof.winners[0]) })
    t.match(dropped.problems.join('\n'), /fingerprint/, 'a changed entry list is detected')

    // The script itself, as a user runs it, on the proof saved to a file.
    const file = path.join(t.testdir(), 'proof.json')
    writeFileSync(file, JSON.stringify(proof))
    const run = (f: string) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          ['--import', import.meta.resolve('tsx'), path.join(root, 'examples/verify-draw.ts'), f],
          {
            cwd: root,
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        )
        let out = ''
        child.stdout.on('data', (d) => (out += d))
        child.stderr.on('data', (d) => (out += d))
        child.on('close', (code) => resolve({ code, out }))
      })
    const good = await run(file)
    t.equal(good.code, 0, good.out)
    t.match(good.out, /verified/)
    writeFileSync(file, JSON.stringify({ ...proof, seed: flipped }))
    const bad = await run(file)
    t.equal(bad.code, 1)
    t.match(bad.out, /commitment mismatch/)

    t.same((await events(draw.id)).sort(), ['draw.closed', 'draw.completed', 'draw.created'])
    const created = (await mcn.get('/v1/events?limit=200'))
      .json()
      .data.find((e: any) => e.type === 'draw.created' && e.resource.id === draw.id)
    t.equal(created.data.seed, null, 'the seed is not in the event published before the draw')
  })

  t.test('isolation: another tenant’s draw is 404', async (t) => {
    const draw = await ok(await mcn.post(`/v1/sessions/${session.id}/draws`, { prize: 'p', winners_count: 1 }), 201)
    t.equal((await other.get(`/v1/draws/${draw.id}`)).statusCode, 404)
    t.equal((await other.get(`/v1/draws/${draw.id}/proof`)).statusCode, 404)
    t.equal((await other.post(`/v1/draws/${draw.id}/entries`, { buyer: buyer('x') })).statusCode, 404)
    t.equal((await other.post(`/v1/draws/${draw.id}/close`)).statusCode, 404)
    t.equal((await other.post(`/v1/draws/${draw.id}/draw`)).statusCode, 404)
    const gql = await other.post('/graphql', { query: `{ draw(id: "${draw.id}") { id commitment } }` })
    t.equal(gql.json().data.draw, null)
    const mine = await mcn.post('/graphql', {
      query: `{ draw(id: "${draw.id}") { id status commitment } drawProof(id: "${draw.id}") { algorithm } }`,
    })
    t.match(mine.json().data, { draw: { id: draw.id, status: 'open' }, drawProof: { algorithm: 'showrunner-draw-v1' } })
  })
})
