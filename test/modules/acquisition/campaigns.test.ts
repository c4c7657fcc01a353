import t from 'tap'
import { inTenant } from '../../../src/db/tenancy.js'
import { publish } from '../../../src/lib/hooks.js'
import { exampleOf } from '../../../src/lib/schemas.js'
import { Order, orderCancelled, orderCreated, orderPaid } from '../../../src/modules/orders/index.js'
import { resolveBuyer } from '../../../src/modules/buyers/index.js'
import { serviceCtx } from '../../fixtures.js'
import { buildTestApp, createTenant, type Caller } from '../../helper.js'
import { makeProduct, makeSupplier } from '../catalog/builders.js'

const ok = async (res: { statusCode: number; body: string; json(): any }, status = 201) => {
  if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}: ${res.body}`)
  return res.json()
}
const campaignBody = {
  name: '双12 涨粉',
  goal: 'followers',
  channel: 'douyin_dou_plus',
  budget: { amount: 10_000, currency: 'CNY' },
  starts_at: '2030-01-01T00:00:00Z',
  ends_at: '2030-02-01T00:00:00Z',
}
async function session(mcn: Caller, day: number) {
  const host = await ok(await mcn.post('/v1/anchors', { name: `host ${day}` }))
  const s = await ok(
    await mcn.post('/v1/sessions', {
      title: `session ${day}`,
      platform: 'douyin',
      planned_start: `2030-01-${String(day).padStart(2, '0')}T10:00:00Z`,
      planned_end: `2030-01-${String(day).padStart(2, '0')}T12:00:00Z`,
      host_anchor_id: host.id,
    }),
  )
  return { session: s, host }
}

t.test('acquisition', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app, { kind: 'mcn' })
  const other = await createTenant(app, { kind: 'mcn' })
  const { session: s1, host } = await session(mcn, 5)

  t.test('campaigns: create, read, update with If-Match, status rules', async (t) => {
    const res = await mcn.post('/v1/campaigns', campaignBody)
    const c = await ok(res)
    t.equal(res.headers.etag, '"1"')
    t.match(c, {
      id: /^cmp_/,
      status: 'draft',
      attribution_model: 'last_touch',
      lookback_days: 7,
      committed: { amount: 0, currency: 'CNY' },
    })
    t.same((await mcn.get(`/v1/campaigns/${c.id}`)).json(), c)
    t.equal((await other.get(`/v1/campaigns/${c.id}`)).statusCode, 404, 'another tenant sees nothing')

    const bad = await mcn.post('/v1/campaigns', { ...campaignBody, ends_at: campaignBody.starts_at })
    t.equal(bad.statusCode, 422)
    t.equal(bad.json().errors[0].pointer, '/body/ends_at')
    t.equal((await mcn.post('/v1/campaigns', { ...campaignBody, channel: 'tv' })).statusCode, 400)

    t.equal((await mcn.patch(`/v1/campaigns/${c.id}`, { name: 'x' }, { 'if-match': '"9"' })).statusCode, 412)
    const active = await ok(await mcn.patch(`/v1/campaigns/${c.id}`, { status: 'active' }, { 'if-match': '"1"' }), 200)
    t.match(active, { status: 'active', version: 2 })
    const back = await mcn.patch(`/v1/campaigns/${c.id}`, { status: 'draft' })
    t.equal(back.statusCode, 409)
    t.match(back.json().detail, /may only become ended/)
    t.equal(
      (await mcn.patch(`/v1/campaigns/${c.id}`, { budget: { amount: 5, currency: 'USD' } })).statusCode,
      422,
      'the currency is fixed',
    )
    await ok(await mcn.patch(`/v1/campaigns/${c.id}`, { status: 'ended' }), 200)
    t.equal((await mcn.patch(`/v1/campaigns/${c.id}`, { goal: 'gmv' })).statusCode, 409, 'ended takes no change')
    t.equal((await mcn.patch(`/v1/campaigns/${c.id}`, { name: 'renamed' })).statusCode, 200, 'but its name')

    const list = (await mcn.get('/v1/campaigns?status=ended')).json()
    t.same(
      list.data.map((x: any) => x.id),
      [c.id],
    )
    const events = (await mcn.get('/v1/events?limit=200')).json().data.filter((e: any) => e.resource.id === c.id)
    t.same(events.map((e: any) => e.type).sort(), [
      'campaign.created',
      'campaign.updated',
      'campaign.updated',
      'campaign.updated',
    ])
  })

  t.test('placements never exceed the budget, also under a race', async (t) => {
    const c = await ok(await mcn.post('/v1/campaigns', { ...campaignBody, status: 'active' }))
    const placement = (cost: number, extra = {}) =>
      mcn.post(`/v1/campaigns/${c.id}/placements`, {
        session_id: s1.id,
        kind: 'boost',
        cost: { amount: cost, currency: 'CNY' },
        starts_at: '2030-01-05T10:00:00Z',
        ends_at: '2030-01-05T11:00:00Z',
        ...extra,
      })
    const p = await ok(await placement(6_000))
    t.match(p, { id: /^plc_/, cost: { amount: 6_000 }, attributed_visits: 0, reported_visits: null })
    t.equal((await mcn.get(`/v1/campaigns/${c.id}`)).json().committed.amount, 6_000)

    const over = await placement(4_001)
    t.equal(over.statusCode, 422)
    t.match(over.json(), { remaining: 4_000, errors: [{ pointer: '/body/cost/amount' }] })
    t.equal((await placement(1, { cost: { amount: 1, currency: 'USD' } })).statusCode, 422, 'another currency')
    t.equal((await placement(1, { starts_at: '2029-12-31T00:00:00Z' })).statusCode, 422, 'outside the campaign')
    t.equal((await placement(1, { kind: 'billboard' })).statusCode, 400)
    const foreign = await other.post(`/v1/campaigns/${c.id}/placements`, {
      session_id: s1.id,
      kind: 'boost',
      cost: { amount: 1, currency: 'CNY' },
      starts_at: '2030-01-05T10:00:00Z',
      ends_at: '2030-01-05T11:00:00Z',
    })
    t.equal(foreign.statusCode, 404)

    // Eight placements of 1,000 race for the 4,000 left: exactly four fit.
    const raced = await Promise.all(Array.from({ length: 8 }, () => placement(1_000, { kind: 'ranking_list' })))
    t.same(
      raced.map((r) => r.statusCode).sort(),
      [201, 201, 201, 201, 422, 422, 422, 422],
      raced.map((r) => r.statusCode).join(','),
    )
    const after = (await mcn.get(`/v1/campaigns/${c.id}`)).json()
    t.equal(after.committed.amount, 10_000)
    const listed = (await mcn.get(`/v1/campaigns/${c.id}/placements?limit=200`)).json().data
    t.equal(
      listed.reduce((n: number, x: any) => n + x.cost.amount, 0),
      10_000,
      'what the campaign committed is the sum of its placements',
    )

    // Lowering a cost frees budget; raising one past it is refused; traffic is reported with If-Match.
    const lowered = await ok(
      await mcn.patch(`/v1/placements/${p.id}`, { cost: { amount: 5_000, currency: 'CNY' } }, { 'if-match': '"1"' }),
      200,
    )
    t.equal(lowered.version, 2)
    t.equal((await mcn.get(`/v1/campaigns/${c.id}`)).json().committed.amount, 9_000)
    t.equal((await mcn.patch(`/v1/placements/${p.id}`, { cost: { amount: 6_001, currency: 'CNY' } })).statusCode, 422)
    t.equal((await mcn.patch(`/v1/placements/${p.id}`, { reported_visits: 1 }, { 'if-match': '"1"' })).statusCode, 412)
    const reported = await ok(
      await mcn.patch(`/v1/placements/${p.id}`, { reported_impressions: 900, reported_visits: 120 }),
      200,
    )
    t.match(reported, { reported_impressions: 900, reported_visits: 120, cost: { amount: 5_000 } })
    t.equal(
      (await mcn.patch(`/v1/campaigns/${c.id}`, { budget: { amount: 8_999, currency: 'CNY' } })).statusCode,
      422,
      'the budget cannot fall below what is committed',
    )
    t.equal((await other.get(`/v1/placements/${p.id}`)).statusCode, 404)
  })

  t.test('links, touches, attribution under each model, audience growth and session conversion', async (t) => {
    const supplier = await makeSupplier(mcn)
    const product = await makeProduct(mcn, supplier.id)
    const a = await ok(await mcn.post('/v1/campaigns', { ...campaignBody, name: 'A', status: 'active' }))
    const b = await ok(await mcn.post('/v1/campaigns', { ...campaignBody, name: 'B', status: 'active' }))
    const linkA = await ok(
      await mcn.post(`/v1/campaigns/${a.id}/links`, { target: { type: 'session', id: s1.id }, code: 'camp-a' }),
    )
    t.match(linkA, { id: /^lnk_/, code: 'camp-a', target: { type: 'session', id: s1.id } })
    const linkB = await ok(
      await mcn.post(`/v1/campaigns/${b.id}/links`, { target: { type: 'product', id: product.id } }),
    )
    t.match(linkB.code, /^[a-z2-9]{8}$/, 'a drawn code')
    t.equal(
      (await mcn.post(`/v1/campaigns/${b.id}/links`, { target: { type: 'anchor', id: host.id }, code: 'camp-a' }))
        .statusCode,
      409,
      'a code is unique in the tenant',
    )
    t.equal(
      (await mcn.post(`/v1/campaigns/${b.id}/links`, { target: { type: 'anchor', id: s1.id } })).statusCode,
      422,
      'the target id must be of its type',
    )
    t.equal((await other.get(`/v1/links/${linkA.id}`)).statusCode, 404)
    await ok(
      await mcn.post(`/v1/campaigns/${a.id}/placements`, {
        session_id: s1.id,
        kind: 'boost',
        cost: { amount: 2_000, currency: 'CNY' },
        starts_at: '2030-01-05T10:00:00Z',
        ends_at: '2030-01-05T12:00:00Z',
      }),
    )

    const buyer = (ref: string) => ({ platform: 'douyin', ref })
    const touch = (kind: string, who: string, at: string, extra: Record<string, unknown> = {}) => ({
      kind,
      buyer: buyer(who),
      occurred_at: at,
      ...extra,
    })
    const batch = {
      touches: [
        // u1: visits through A, follows during the session, pays an order.
        touch('visit', 'u1', '2030-01-05T10:05:00Z', { code: 'camp-a', external_id: 'e1' }),
        touch('follow', 'u1', '2030-01-05T10:20:00Z', { session_id: s1.id, external_id: 'e2' }),
        // u2: A first, then B later; follows the next day, within 24 hours of the end.
        touch('visit', 'u2', '2030-01-05T10:30:00Z', { code: 'camp-a' }),
        touch('visit', 'u2', '2030-01-05T11:00:00Z', { code: linkB.code, session_id: s1.id }),
        touch('follow', 'u2', '2030-01-06T09:00:00Z', { anchor_id: host.id }),
        touch('fan_group_join', 'u2', '2030-01-06T09:05:00Z', { anchor_id: host.id }),
        // u3: a viewer without a code who never follows.
        touch('visit', 'u3', '2030-01-05T11:10:00Z', { session_id: s1.id }),
        // u4: follows too late to count for the session.
        touch('visit', 'u4', '2030-01-05T11:15:00Z', { session_id: s1.id }),
        touch('follow', 'u4', '2030-01-08T09:00:00Z', { anchor_id: host.id }),
      ],
    }
    t.same(await ok(await mcn.post('/v1/touches', batch), 200), { recorded: 9, duplicates: 0 })
    t.same(
      await ok(await mcn.post('/v1/touches', { touches: batch.touches.slice(0, 2) }), 200),
      { recorded: 0, duplicates: 2 },
      'touches with an external_id already recorded are not written again',
    )
    const refused = await mcn.post('/v1/touches', {
      touches: [
        touch('visit', 'u9', '2030-01-05T10:05:00Z'),
        touch('visit', 'u9', '2030-01-05T10:05:00Z', { code: 'nope' }),
        touch('follow', 'u9', '2030-01-05T10:05:00Z'),
      ],
    })
    t.equal(refused.statusCode, 422)
    t.same(
      refused.json().errors.map((e: any) => e.pointer),
      ['/body/touches/1/code', '/body/touches/2'],
    )
    t.equal(
      (await other.post('/v1/touches', { touches: [touch('visit', 'u1', '2030-01-05T10:05:00Z', { code: 'camp-a' })] }))
        .statusCode,
      422,
      'another tenant’s code is unknown',
    )

    // Orders arrive as the orders module's changes, published in its transaction; acquisition subscribes.
    const ctx = serviceCtx(app, mcn)
    const order = (
      id: string,
      ref: string,
      at: string,
      amount: number,
      code: string | null,
      paid = true,
      cancelled = false,
    ) =>
      inTenant(ctx, async (tx) => {
        const view = {
          ...exampleOf(Order)!,
          id,
          buyer_id: (await resolveBuyer(tx, buyer(ref))).id,
          anchor_id: host.id,
          session_id: s1.id,
          attribution_code: code,
          currency: 'CNY',
          total_amount: amount,
          paid_amount: 0,
          status: 'created' as const,
          placed_at: at,
          paid_at: null,
          version: 1,
        }
        await publish(tx, orderCreated, view)
        const paidView = { ...view, status: 'paid' as const, paid_amount: amount, paid_at: at, version: 2 }
        if (paid) await publish(tx, orderPaid, paidView)
        if (cancelled)
          await publish(tx, orderCancelled, { ...paidView, status: 'cancelled', cancelled_at: at, version: 3 })
      })
    await order('ord_u1', 'u1', '2030-01-05T10:40:00Z', 3_000, null)
    await order('ord_u2', 'u2', '2030-01-05T11:30:00Z', 5_000, null)
    await order('ord_u2_unpaid', 'u2', '2030-01-05T11:31:00Z', 9_000, null, false)
    await order('ord_u1_cancelled', 'u1', '2030-01-05T10:50:00Z', 7_000, 'camp-a', true, true)
    // u3 places an order carrying A's code although they came in without one.
    await order('ord_u3', 'u3', '2030-01-05T11:40:00Z', 1_000, 'camp-a')

    const attribution = async (id: string, model?: string) =>
      ok(await mcn.get(`/v1/campaigns/${id}/attribution${model ? `?model=${model}` : ''}`), 200)
    const last = await attribution(a.id)
    t.match(last, {
      campaign_id: a.id,
      attribution_model: 'last_touch',
      lookback_days: 7,
      visits: 2,
      visitors: 2,
      follows: 1, // u1; u2's follow goes to B, u2's last touch
      fan_group_joins: 0,
      orders: 2, // u1 and u3 (own code); u2's went to B
      gmv: { amount: 4_000, currency: 'CNY' },
      cost: { amount: 2_000, currency: 'CNY' },
      roi: 2,
    })
    const first = await attribution(a.id, 'first_touch')
    t.match(first, {
      attribution_model: 'first_touch',
      follows: 2,
      fan_group_joins: 1,
      orders: 3,
      gmv: { amount: 9_000 },
    })
    const linear = await attribution(a.id, 'linear')
    t.match(linear, {
      attribution_model: 'linear',
      follows: 1.5,
      fan_group_joins: 0.5,
      orders: 2.5,
      gmv: { amount: 6_500 },
    })
    t.match(await attribution(b.id), {
      attribution_model: 'last_touch',
      visits: 1,
      follows: 1,
      fan_group_joins: 1,
      orders: 1,
      gmv: { amount: 5_000 },
      roi: null,
    })
    const short = await ok(
      await mcn.get(`/v1/campaigns/${a.id}/attribution?lookback_days=1&from=2030-01-06T00:00:00Z`),
      200,
    )
    t.match(short, { attribution_model: 'last_touch', lookback_days: 1, visits: 0, follows: 0, orders: 0 })
    t.equal((await mcn.get(`/v1/campaigns/${a.id}/attribution?model=magic`)).statusCode, 400)
    t.equal((await other.get(`/v1/campaigns/${a.id}/attribution`)).statusCode, 404)

    const placements = (await mcn.get(`/v1/campaigns/${a.id}/placements`)).json().data
    t.equal(placements[0].attributed_visits, 2, 'the visits through the campaign’s codes in the window')

    const growth = await ok(await mcn.get(`/v1/anchors/${host.id}/audience-growth?from=2030-01-01T00:00:00Z`), 200)
    t.same(growth.by_day, [
      { date: '2030-01-05', follows: 1, fan_group_joins: 0 },
      { date: '2030-01-06', follows: 1, fan_group_joins: 1 },
      { date: '2030-01-08', follows: 1, fan_group_joins: 0 },
    ])
    t.match(growth, { follows: 3, followers: 3, fan_group_joins: 1 })
    t.match((await mcn.get(`/v1/anchors/${host.id}/audience-growth?to=2030-01-06T00:00:00Z`)).json(), { follows: 1 })
    t.equal((await other.get(`/v1/anchors/${host.id}/audience-growth`)).statusCode, 404)

    const conversion = await ok(await mcn.get(`/v1/sessions/${s1.id}/conversion`), 200)
    t.match(conversion, {
      anchor_id: host.id,
      window_start: '2030-01-05T10:00:00.000Z',
      window_end: '2030-01-06T12:00:00.000Z',
      viewers: 4,
      followers: 2,
      fan_group_joins: 1,
      follower_share: 0.5,
    })
    t.match((await mcn.get(`/v1/sessions/${s1.id}/conversion?within_hours=72`)).json(), { followers: 3 })
    t.match((await mcn.get(`/v1/sessions/${s1.id}/conversion?within_hours=0`)).json(), { followers: 1 })
    t.equal((await other.get(`/v1/sessions/${s1.id}/conversion`)).statusCode, 404)
  })
})
