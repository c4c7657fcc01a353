import { sql } from 'drizzle-orm'
import t from 'tap'
import { buildTestApp, callerFor, createTenant, fetchToken, type Caller } from '../../helper.js'
import { makeProduct, makeSupplier } from '../catalog/builders.js'

const ok = async (res: { statusCode: number; body: string; json(): any }, status = 200) => {
  if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}: ${res.body}`)
  return res.json()
}
const buyer = (ref: string) => ({ platform: 'douyin', ref })

t.test('consultations', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app, { kind: 'mcn' })
  const other = await createTenant(app, { kind: 'mcn' })
  const product = await makeProduct(mcn, (await makeSupplier(mcn)).id)
  const anchor = await ok(await mcn.post('/v1/anchors', { name: '小雨' }), 201)
  const open = (c: Caller, body: Record<string, unknown> = {}) =>
    c.post('/v1/consultations', {
      product_id: product.id,
      anchor_id: anchor.id,
      buyer: buyer('dy_1'),
      text: '是生茶还是熟茶？',
      channel: 'platform_im',
      ...body,
    })
  // What time does to a ticket, without waiting for it.
  const age = (id: string, column: 'created_at' | 'claim_expires_at', seconds: number) =>
    app.db.execute(
      sql`update consultations set ${sql.raw(column)} = now() - make_interval(secs => ${seconds}) where id = ${id}`,
    )

  t.test('open, claim exclusively, answer, close; events for an external agent', async (t) => {
    const res = await open(mcn)
    const ticket = await ok(res, 201)
    t.match(ticket, {
      id: /^con_/,
      status: 'open',
      buyer_id: /^buy_/,
      during_live: false,
      live_session_id: null,
      claim: null,
      first_response_seconds: null,
    })
    t.notOk(JSON.stringify(ticket).includes('dy_1'), 'the buyer’s reference is not kept in clear')
    t.equal((await other.get(`/v1/consultations/${ticket.id}`)).statusCode, 404)
    t.equal((await open(mcn, { product_id: `prd_${'0'.repeat(26)}` })).statusCode, 422)
    t.equal((await open(mcn, { channel: 'pigeon' })).statusCode, 400)
    t.equal((await open(other)).statusCode, 422, 'another tenant’s product is unknown')

    const early = await mcn.post(`/v1/consultations/${ticket.id}/messages`, { text: 'hello' })
    t.equal(early.statusCode, 409, 'answering needs a claim')
    t.match(early.json().detail, /Claim the consultation first/)

    // Two agents claim at once: exactly one wins, the other is told who holds it.
    const desk = await createTenant(app, { kind: 'mcn' }) // a stand-in to prove foreign claims fail
    const [a, b] = await Promise.all([
      mcn.post(`/v1/consultations/${ticket.id}/claim`, { agent_kind: 'ai', agent_name: 'bot-a' }),
      mcn.post(`/v1/consultations/${ticket.id}/claim`, { agent_kind: 'human', agent_name: '小芳' }),
    ])
    t.same([a.statusCode, b.statusCode].sort(), [200, 409])
    const [won, lost] = a.statusCode === 200 ? [a, b] : [b, a]
    t.match(lost.json(), { code: 'conflict', claimed_by: { agent_name: won.json().claim.by.agent_name } })
    t.match(won.json().claim, { by: { actor: { type: 'client', id: mcn.clientId } } })
    t.equal((await desk.post(`/v1/consultations/${ticket.id}/claim`, { agent_kind: 'ai' })).statusCode, 404)
    const winner = won.json().claim.by.agent_name
    const renewed = await mcn.post(`/v1/consultations/${ticket.id}/claim`, {
      agent_kind: won.json().claim.by.agent_kind,
      agent_name: winner,
    })
    t.equal(renewed.statusCode, 200, 'the holder may renew')

    await age(ticket.id, 'created_at', 42)
    const answer = await ok(await mcn.post(`/v1/consultations/${ticket.id}/messages`, { text: '熟茶' }), 201)
    t.match(answer, { author: 'agent', text: '熟茶', agent: { agent_name: winner } })
    const answered = await ok(await mcn.get(`/v1/consultations/${ticket.id}`))
    t.match(answered, { status: 'answered', answered_by: { agent_name: winner } })
    t.ok(
      answered.first_response_seconds >= 42 && answered.first_response_seconds < 120,
      `${answered.first_response_seconds}`,
    )
    await ok(await mcn.post(`/v1/consultations/${ticket.id}/messages`, { text: '还有别的问题吗？' }), 201)
    t.equal(
      (await mcn.get(`/v1/consultations/${ticket.id}`)).json().first_response_seconds,
      answered.first_response_seconds,
      'only the first answer sets the first-response time',
    )
    const messages = (await mcn.get(`/v1/consultations/${ticket.id}/messages`)).json().data
    t.same(
      messages.map((m: any) => m.author),
      ['agent', 'agent', 'buyer'],
    )

    t.equal((await mcn.post(`/v1/consultations/${ticket.id}/close`, {}, { 'if-match': '"1"' })).statusCode, 412)
    const closed = await ok(await mcn.post(`/v1/consultations/${ticket.id}/close`, { reason: 'resolved' }))
    t.match(closed, { status: 'closed', claim: null, closed_at: /Z$/ })
    t.equal((await mcn.post(`/v1/consultations/${ticket.id}/claim`, { agent_kind: 'ai' })).statusCode, 409)
    t.equal((await mcn.post(`/v1/consultations/${ticket.id}/messages`, { text: 'x' })).statusCode, 409)

    const events = (await mcn.get('/v1/events?limit=200')).json().data.filter((e: any) => e.resource.id === ticket.id)
    t.same(events.map((e: any) => e.type).sort(), [
      'consultation.answered',
      'consultation.answered',
      'consultation.claimed',
      'consultation.claimed',
      'consultation.closed',
      'consultation.opened',
    ])
  })

  t.test('release and expiry free a claim', async (t) => {
    const ticket = await ok(await open(mcn, { buyer: buyer('dy_2') }), 201)
    await ok(await mcn.post(`/v1/consultations/${ticket.id}/claim`, { agent_kind: 'human', agent_name: 'A' }))
    t.equal(
      (await mcn.post(`/v1/consultations/${ticket.id}/claim`, { agent_kind: 'human', agent_name: 'B' })).statusCode,
      409,
    )
    const released = await ok(await mcn.post(`/v1/consultations/${ticket.id}/release`))
    t.equal(released.claim, null)
    t.equal((await mcn.post(`/v1/consultations/${ticket.id}/release`)).statusCode, 409, 'nothing to release')
    await ok(await mcn.post(`/v1/consultations/${ticket.id}/claim`, { agent_kind: 'human', agent_name: 'B' }))
    await age(ticket.id, 'claim_expires_at', 1)
    t.equal((await mcn.get(`/v1/consultations/${ticket.id}`)).json().claim, null, 'an expired claim shows as none')
    t.equal((await mcn.post(`/v1/consultations/${ticket.id}/messages`, { text: 'late' })).statusCode, 409)
    await ok(await mcn.post(`/v1/consultations/${ticket.id}/claim`, { agent_kind: 'ai', agent_name: 'C' }))
  })

  t.test('a question while the anchor is live is taken and flagged', async (t) => {
    const session = await ok(
      await mcn.post('/v1/sessions', {
        title: 'live now',
        platform: 'douyin',
        planned_start: '2030-03-01T10:00:00Z',
        planned_end: '2030-03-01T12:00:00Z',
        host_anchor_id: anchor.id,
      }),
      201,
    )
    await ok(await mcn.post(`/v1/sessions/${session.id}/status`, { status: 'live' }))
    const during = await ok(await open(mcn, { buyer: buyer('dy_3') }), 201)
    t.match(during, { during_live: true, live_session_id: session.id })
    const noAnchor = await ok(await open(mcn, { buyer: buyer('dy_3'), anchor_id: undefined }), 201)
    t.match(noAnchor, { during_live: false, anchor_id: null })
    await ok(await mcn.post(`/v1/sessions/${session.id}/status`, { status: 'ended' }))
    t.match(await ok(await open(mcn, { buyer: buyer('dy_4') }), 201), { during_live: false })
  })

  t.test('an installed provider app (an AI agent) claims and answers as its installation', async (t) => {
    const provider = await createTenant(app, { kind: 'provider' })
    const registered = await ok(
      await provider.post('/v1/apps', {
        name: 'AI 客服',
        requested_scopes: ['consultations:read', 'consultations:write'],
      }),
      201,
    )
    const installation = await ok(await mcn.post('/v1/installations', { app_id: registered.app.id }), 201)
    const asApp = callerFor(
      app,
      await fetchToken(app, {
        client_id: registered.client.id,
        client_secret: registered.client_secret,
        installation_id: installation.id,
      }),
      {
        organizationId: provider.organizationId,
        clientId: registered.client.id,
        clientSecret: registered.client_secret,
      },
    )
    const ticket = await ok(await open(mcn, { buyer: buyer('dy_ai') }), 201)
    const claimed = await ok(
      await asApp.post(`/v1/consultations/${ticket.id}/claim`, { agent_kind: 'ai', agent_name: 'bot' }),
    )
    t.same(claimed.claim.by, {
      actor: { type: 'installation', id: installation.id },
      agent_kind: 'ai',
      agent_name: 'bot',
      crew_member_id: null,
    })
    t.equal(
      (await mcn.post(`/v1/consultations/${ticket.id}/messages`, { text: 'desk' })).statusCode,
      409,
      'the MCN’s own desk does not hold the app’s claim',
    )
    await ok(await asApp.post(`/v1/consultations/${ticket.id}/messages`, { text: '您好，是熟茶。' }), 201)
    t.match((await mcn.get(`/v1/consultations/${ticket.id}`)).json(), {
      status: 'answered',
      answered_by: { actor: { type: 'installation', id: installation.id }, agent_kind: 'ai' },
    })
  })

  t.test('first-response stats per anchor and product', async (t) => {
    const product2 = await makeProduct(mcn, (await makeSupplier(mcn)).id)
    const anchor2 = await ok(await mcn.post('/v1/anchors', { name: '阿明' }), 201)
    const seconds = [10, 20, 30, 40, 100]
    for (const [i, s] of seconds.entries()) {
      const ticket = await ok(
        await open(mcn, { buyer: buyer(`s${i}`), product_id: product2.id, anchor_id: anchor2.id }),
        201,
      )
      await age(ticket.id, 'created_at', s)
      await ok(await mcn.post(`/v1/consultations/${ticket.id}/claim`, { agent_kind: 'ai' }))
      await ok(await mcn.post(`/v1/consultations/${ticket.id}/messages`, { text: 'ok' }), 201)
    }
    await ok(await open(mcn, { buyer: buyer('unanswered'), product_id: product2.id, anchor_id: anchor2.id }), 201)
    const byAnchor = await ok(await mcn.get(`/v1/consultations/stats?anchor_id=${anchor2.id}`))
    t.match(byAnchor, { anchor_id: anchor2.id, product_id: null, count: 6, answered: 5 })
    // Whole seconds, give or take the one the request itself takes.
    t.ok(Math.abs(byAnchor.median_first_response_seconds - 30) <= 2, `median ${byAnchor.median_first_response_seconds}`)
    t.ok(Math.abs(byAnchor.p90_first_response_seconds - 76) <= 2, `p90 ${byAnchor.p90_first_response_seconds}`)
    const byProduct = await ok(await mcn.get(`/v1/consultations/stats?product_id=${product2.id}`))
    t.match(byProduct, { count: 6, answered: 5 })
    t.match(await ok(await mcn.get(`/v1/consultations/stats?product_id=${product2.id}&to=2000-01-01T00:00:00Z`)), {
      count: 0,
      answered: 0,
      median_first_response_seconds: null,
    })
    t.match(await ok(await other.get(`/v1/consultations/stats?anchor_id=${anchor2.id}`)), { count: 0 })
    const listed = (await mcn.get(`/v1/consultations?anchor_id=${anchor2.id}&status=open`)).json().data
    t.equal(listed.length, 1)
  })
})
