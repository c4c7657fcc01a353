import t from 'tap'
import { buildTestApp, createTenant } from '../../helper.js'
import { ok, paidOrder, world } from './builders.js'
import { orderBody } from '../orders/builders.js'

t.test('refunds', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app, { kind: 'mcn' })
  const other = await createTenant(app, { kind: 'mcn' })
  const w = await world(mcn)
  const events = async (id: string) =>
    (await mcn.get('/v1/events?limit=200'))
      .json()
      .data.filter((e: any) => e.resource?.id === id)
      .map((e: any) => e.type)
      .reverse()
  const refund = (orderId: string, body: Record<string, unknown>, headers?: Record<string, string>) =>
    mcn.post(`/v1/orders/${orderId}/refunds`, { reason: 'damaged', ...body }, headers)

  t.test('THE race: 50 concurrent refunds of 300 against 10,000 paid → exactly 33 succeed', async (t) => {
    const order = await paidOrder(mcn, w, 10_000)
    const answers = await Promise.all(Array.from({ length: 50 }, () => refund(order.id, { amount: 300 })))
    const codes = answers.map((r) => r.statusCode)
    t.equal(codes.filter((c) => c === 201).length, 33, 'exactly 33 refunds are accepted')
    t.ok(
      codes.every((c) => c === 201 || c === 409 || c === 422),
      `the others are refused, never a 5xx: ${[...new Set(codes)].join(',')}`,
    )
    const refused = answers.find((r) => r.statusCode === 422)!.json()
    t.match(refused, { code: 'refund_exceeds_paid', refundable: 100 })
    const listed = (await mcn.get(`/v1/orders/${order.id}/refunds?limit=200`)).json().data
    t.equal(listed.length, 33)
    t.equal(
      listed.reduce((s: number, r: any) => s + r.amount, 0),
      9_900,
      'the ledger reserved 9,900',
    )
    const last = await refund(order.id, { amount: 100 })
    t.equal(last.statusCode, 201, 'the 100 left can still be refunded')
    t.equal((await refund(order.id, { amount: 1 })).statusCode, 422, 'and then nothing')
  })

  t.test('without return: requested → approved → completed, events on each step', async (t) => {
    const order = await paidOrder(mcn, w, 5_000)
    const res = await refund(order.id, { amount: 2_000, detail: '没收到' }, { 'idempotency-key': 'rf-1' })
    const r = await ok(res)
    t.equal(res.headers.etag, '"1"')
    t.match(r, {
      id: /^rfd_/,
      order_id: order.id,
      order_item_id: null,
      status: 'requested',
      amount: 2_000,
      currency: 'CNY',
      with_return: false,
      detail: '没收到',
    })
    const replay = await refund(order.id, { amount: 2_000, detail: '没收到' }, { 'idempotency-key': 'rf-1' })
    t.same(replay.json(), r, 'an Idempotency-Key replay returns the same refund and reserves nothing more')
    t.equal((await mcn.get(`/v1/orders/${order.id}/refunds`)).json().data.length, 1)
    t.same((await mcn.get(`/v1/refunds/${r.id}`)).json(), r)

    const ship = await mcn.post(`/v1/refunds/${r.id}/return-shipment`, { tracking_number: 'SF1' })
    t.equal(ship.statusCode, 409, 'no return shipment on a refund without return')
    t.same(ship.json().allowed, ['approve', 'refuse'])

    const stale = await mcn.post(`/v1/refunds/${r.id}/approve`, undefined, { 'if-match': '"7"' })
    t.equal(stale.statusCode, 412)
    const approved = await ok(await mcn.post(`/v1/refunds/${r.id}/approve`, undefined, { 'if-match': '"1"' }), 200)
    t.match(approved, { status: 'approved', approved_at: /Z$/, version: 2 })
    t.equal(
      (await mcn.post(`/v1/refunds/${r.id}/refuse`, { reason: 'late' })).statusCode,
      409,
      'approved cannot be refused',
    )
    const done = await ok(await mcn.post(`/v1/refunds/${r.id}/complete`), 200)
    t.match(done, { status: 'completed', completed_at: /Z$/ })
    const again = await mcn.post(`/v1/refunds/${r.id}/complete`)
    t.equal(again.statusCode, 409)
    t.same(again.json().allowed, [])
    t.same(await events(r.id), ['refund.requested', 'refund.approved', 'refund.completed'])
  })

  t.test('with return: approved → return shipped → completed; complete before the return is 409', async (t) => {
    const order = await paidOrder(mcn, w, 2_872, 2, 'delivered')
    const line = order.items[0].id
    const r = await ok(await refund(order.id, { amount: 2_872, order_item_id: line, with_return: true }))
    t.equal(r.order_item_id, line)
    t.equal(
      (await mcn.post(`/v1/refunds/${r.id}/return-shipment`, { tracking_number: 'SF1' })).statusCode,
      409,
      'no return shipment before approval',
    )
    await ok(await mcn.post(`/v1/refunds/${r.id}/approve`), 200)
    const early = await mcn.post(`/v1/refunds/${r.id}/complete`)
    t.equal(early.statusCode, 409)
    t.same(early.json().allowed, ['ship_return'])
    t.equal((await mcn.post(`/v1/refunds/${r.id}/return-shipment`, {})).statusCode, 400, 'a tracking number is needed')
    const shipped = await ok(
      await mcn.post(`/v1/refunds/${r.id}/return-shipment`, { tracking_number: 'SF1234567890', carrier: 'SF Express' }),
      200,
    )
    t.match(shipped, { status: 'return_shipped', return_tracking_number: 'SF1234567890', return_carrier: 'SF Express' })
    await ok(await mcn.post(`/v1/refunds/${r.id}/complete`), 200)
    t.same(await events(r.id), ['refund.requested', 'refund.approved', 'refund.return_shipped', 'refund.completed'])
  })

  t.test('a line refund never exceeds the line; refusal releases what it reserved', async (t) => {
    const w2 = await world(mcn)
    const order = await ok(
      await mcn.post('/v1/orders', {
        ...orderBody(w2, { status: 'paid' }),
        items: [
          { product_id: w2.product, quantity: 1, unit_price: 1_000 },
          { product_id: w2.product, quantity: 1, unit_price: 4_000 },
        ],
      }),
    )
    const [small] = order.items
    const over = await refund(order.id, { amount: 1_001, order_item_id: small.id })
    t.equal(over.statusCode, 422)
    t.match(over.json(), { code: 'refund_exceeds_paid', refundable: 1_000 })
    const r = await ok(await refund(order.id, { amount: 1_000, order_item_id: small.id }))
    t.equal((await refund(order.id, { amount: 1, order_item_id: small.id })).statusCode, 422)
    t.equal((await mcn.post(`/v1/refunds/${r.id}/refuse`, {})).statusCode, 400, 'refusal needs a reason')
    const refused = await ok(await mcn.post(`/v1/refunds/${r.id}/refuse`, { reason: '已超过售后期' }), 200)
    t.match(refused, { status: 'refused', refusal_reason: '已超过售后期', refused_at: /Z$/ })
    await ok(await refund(order.id, { amount: 1_000, order_item_id: small.id }))
    t.equal((await refund(order.id, { amount: 4_001 })).statusCode, 422, 'the order as a whole has 4,000 left')
    await ok(await refund(order.id, { amount: 4_000 }))
    t.same(await events(r.id), ['refund.requested', 'refund.refused'])
  })

  t.test('only paid, shipped, delivered or completed orders take refunds; bad input changes nothing', async (t) => {
    const unpaid = await ok(await mcn.post('/v1/orders', orderBody(w)))
    const res = await refund(unpaid.id, { amount: 100 })
    t.equal(res.statusCode, 409)
    t.match(res.json(), { order_status: 'created' })
    const order = await paidOrder(mcn, w, 1_000)
    t.equal((await refund(order.id, { amount: 0 })).statusCode, 400)
    t.equal((await refund(order.id, { amount: 100, reason: 'bored' })).statusCode, 400)
    const notLine = await refund(order.id, { amount: 100, order_item_id: unpaid.items[0].id })
    t.equal(notLine.statusCode, 422, 'a line of another order')
    t.equal((await mcn.get(`/v1/orders/${order.id}/refunds`)).json().data.length, 0)
    const cancelled = await paidOrder(mcn, w, 1_000)
    await ok(await mcn.post(`/v1/orders/${cancelled.id}/cancel`), 200)
    t.equal((await refund(cancelled.id, { amount: 100 })).statusCode, 409, 'a cancelled order')
  })

  t.test('lists filter by order and status; another tenant sees 404', async (t) => {
    const order = await paidOrder(mcn, w, 1_000)
    const a = await ok(await refund(order.id, { amount: 100 }))
    const b = await ok(await refund(order.id, { amount: 200 }))
    await ok(await mcn.post(`/v1/refunds/${b.id}/approve`), 200)
    const byOrder = (await mcn.get(`/v1/refunds?order_id=${order.id}`)).json()
    t.same(
      byOrder.data.map((r: any) => r.id),
      [b.id, a.id],
    )
    const approved = (await mcn.get(`/v1/refunds?order_id=${order.id}&status=approved`)).json()
    t.same(
      approved.data.map((r: any) => r.id),
      [b.id],
    )
    const page = (await mcn.get(`/v1/refunds?order_id=${order.id}&limit=1`)).json()
    t.equal(page.data.length, 1)
    t.ok(page.next_cursor)

    t.equal((await other.get(`/v1/refunds/${a.id}`)).statusCode, 404)
    t.equal((await other.post(`/v1/refunds/${a.id}/approve`)).statusCode, 404)
    t.equal((await other.post(`/v1/orders/${order.id}/refunds`, { reason: 'damaged', amount: 1 })).statusCode, 404)
    t.equal((await other.get(`/v1/orders/${order.id}/refunds`)).statusCode, 404)
    t.same((await other.get('/v1/refunds')).json().data, [])
  })

  t.test('a cancelled order closes its waiting requests; an approved refund holds the cancel back', async (t) => {
    const order = await paidOrder(mcn, w, 1_000)
    const waiting = await ok(await refund(order.id, { amount: 300 }))
    const approved = await ok(await refund(order.id, { amount: 200 }))
    await ok(await mcn.post(`/v1/refunds/${approved.id}/approve`), 200)
    const held = await mcn.post(`/v1/orders/${order.id}/cancel`)
    t.equal(held.statusCode, 409, 'not while a promised refund is open')
    t.same(held.json().refund_ids, [approved.id])
    t.equal((await mcn.get(`/v1/orders/${order.id}`)).json().status, 'paid', 'the order is untouched')
    t.equal((await mcn.get(`/v1/refunds/${waiting.id}`)).json().status, 'requested', 'and so is the request')
    await ok(await mcn.post(`/v1/refunds/${approved.id}/complete`), 200)
    await ok(await mcn.post(`/v1/orders/${order.id}/cancel`), 200)
    t.match((await mcn.get(`/v1/refunds/${waiting.id}`)).json(), {
      status: 'refused',
      refusal_reason: /cancelled/,
    })
    t.equal((await mcn.post(`/v1/refunds/${waiting.id}/approve`)).statusCode, 409, 'a refused request stays refused')
    t.same((await events(waiting.id)).at(-1), 'refund.refused')
  })

  t.test('GraphQL reads the same refunds and disputes; another tenant reads null', async (t) => {
    const order = await paidOrder(mcn, w, 1_000)
    const r = await ok(await refund(order.id, { amount: 300 }))
    const d = await ok(
      await mcn.post('/v1/disputes', { order_id: order.id, refund_id: r.id, evidence: { text: '没收到' } }),
    )
    const query = `query($r: ID!, $d: ID!, $o: String) {
      refund(id: $r) { id status amount currency }
      refunds(order_id: $o, first: 5) { data { id } next_cursor }
      dispute(id: $d) { id stage refund_id steps { party kind text } }
      disputes(order_id: $o) { data { id } }
    }`
    const variables = { r: r.id, d: d.id, o: order.id }
    const body = (await mcn.post('/graphql', { query, variables })).json()
    t.same(body.errors, undefined, JSON.stringify(body.errors))
    t.same(body.data, {
      refund: { id: r.id, status: 'requested', amount: 300, currency: 'CNY' },
      refunds: { data: [{ id: r.id }], next_cursor: null },
      dispute: {
        id: d.id,
        stage: 'merchant_response',
        refund_id: r.id,
        steps: [{ party: 'buyer', kind: 'opened', text: '没收到' }],
      },
      disputes: { data: [{ id: d.id }] },
    })
    const foreign = (await other.post('/graphql', { query, variables })).json()
    t.match(foreign.data, { refund: null, refunds: { data: [] }, dispute: null, disputes: { data: [] } })
  })
})
