import t from 'tap'
import { buildTestApp, createTenant } from '../../helper.js'
import { ok, orderBody, world } from './builders.js'

t.test('orders', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app, { kind: 'mcn' })
  const other = await createTenant(app, { kind: 'mcn' })
  const w = await world(mcn, { rate: 0.2 })
  const events = async (id: string) =>
    (await mcn.get('/v1/events?limit=200'))
      .json()
      .data.filter((e: any) => e.resource?.id === id)
      .map((e: any) => e.type)

  t.test('create, then a re-send: unchanged, updated while unpaid, moved along, 409 after payment', async (t) => {
    const body = orderBody(w, {}, { quantity: 2 })
    const res = await mcn.post('/v1/orders', body, { 'idempotency-key': 'create-1' })
    const order = await ok(res)
    t.equal(res.headers.etag, '"1"')
    t.match(order, {
      id: /^ord_/,
      status: 'created',
      buyer_id: /^buy_/,
      total_amount: 5744,
      paid_amount: 0,
      items: [
        { id: /^oit_/, quantity: 2, amount: 5744, commission_rate: 0.2, commission_amount: 1149, oversold: null },
      ],
    })
    t.notOk(JSON.stringify(order).includes(body.buyer.ref), 'the platform’s buyer reference is never shown')
    t.same((await mcn.get(`/v1/orders/${order.id}`)).json(), order)

    const again = await ok(await mcn.post('/v1/orders', body), 200)
    t.same(again, order, 'same content: 200, nothing changes')
    t.same(await events(order.id), ['order.created'], 'and no new event')

    const changed = await ok(
      await mcn.post('/v1/orders', { ...body, items: [{ ...body.items[0], quantity: 3 }], total_amount: 8616 }),
      200,
    )
    t.match(changed, { id: order.id, version: 2, total_amount: 8616, items: [{ quantity: 3 }] })

    const paid = await ok(
      await mcn.post('/v1/orders', {
        ...body,
        items: changed.items.map(() => ({ ...body.items[0], quantity: 3 })),
        status: 'shipped',
        paid_at: '2026-01-01T10:06:00Z',
      }),
      200,
    )
    t.match(paid, { status: 'shipped', paid_amount: 8616, paid_at: '2026-01-01T10:06:00.000Z', version: 4 })
    t.same(await events(order.id), ['order.shipped', 'order.paid', 'order.updated', 'order.created'])

    const late = await mcn.post('/v1/orders', { ...body, status: 'shipped' })
    t.equal(late.statusCode, 409, 'a paid order’s content cannot change')
    t.same(late.json().fields, ['items'])
    const stale = await ok(
      await mcn.post('/v1/orders', { ...body, items: [{ ...body.items[0], quantity: 3 }], status: 'paid' }),
      200,
    )
    t.equal(stale.status, 'shipped', 'a stale re-send never moves an order back')
    const cancel = await mcn.post('/v1/orders', {
      ...body,
      items: [{ ...body.items[0], quantity: 3 }],
      status: 'cancelled',
    })
    t.equal(cancel.statusCode, 409)
    t.same(cancel.json().allowed, ['deliver'])
  })

  t.test('the same platform order sent five times at once is one order', async (t) => {
    const body = orderBody(w, { status: 'paid' })
    const answers = await Promise.all(Array.from({ length: 5 }, () => mcn.post('/v1/orders', body)))
    t.same(answers.map((r) => r.statusCode).sort(), [200, 200, 200, 200, 201])
    t.equal(new Set(answers.map((r) => r.json().id)).size, 1)
    t.same(await events(answers[0]!.json().id), ['order.paid', 'order.created'], 'paid once')
  })

  t.test('every transition, the illegal ones 409 with what is allowed, If-Match', async (t) => {
    const order = await ok(await mcn.post('/v1/orders', orderBody(w)))
    const act = (action: string, headers: Record<string, string> = {}) =>
      mcn.post(`/v1/orders/${order.id}/${action}`, {}, headers)
    const refused = await act('ship')
    t.equal(refused.statusCode, 409)
    t.match(refused.json(), { order_status: 'created', allowed: ['pay', 'cancel'], type: /conflict/ })
    t.equal((await act('pay', { 'if-match': '"7"' })).statusCode, 412, 'a stale If-Match')
    t.match(await ok(await act('pay', { 'if-match': '"1"' }), 200), { status: 'paid', paid_amount: 2872, version: 2 })
    t.same((await act('deliver')).json().allowed, ['ship', 'cancel'])
    t.match(await ok(await act('ship'), 200), { status: 'shipped' })
    t.same((await act('cancel')).json().allowed, ['deliver'], 'shipped cannot be cancelled')
    t.match(await ok(await act('deliver'), 200), { status: 'delivered' })
    t.same((await act('ship')).json().allowed, ['complete'])
    const done = await ok(await act('complete'), 200)
    t.match(done, { status: 'completed', version: 5 })
    t.ok(done.shipped_at && done.delivered_at && done.completed_at)
    for (const a of ['pay', 'ship', 'deliver', 'complete', 'cancel']) {
      const r = await act(a)
      t.equal(r.statusCode, 409, `completed refuses ${a}`)
      t.same(r.json().allowed, [])
    }
    t.same(await events(order.id), [
      'order.completed',
      'order.delivered',
      'order.shipped',
      'order.paid',
      'order.created',
    ])

    const unpaid = await ok(await mcn.post('/v1/orders', orderBody(w)))
    t.match(await ok(await mcn.post(`/v1/orders/${unpaid.id}/cancel`), 200), { status: 'cancelled' })
    for (const a of ['pay', 'cancel']) t.equal((await mcn.post(`/v1/orders/${unpaid.id}/${a}`)).statusCode, 409)
    const paid = await ok(
      await mcn.post('/v1/orders', orderBody(w, { status: 'paid', paid_at: '2026-01-01T10:06:00Z' })),
    )
    const early = await mcn.post(`/v1/orders/${paid.id}/ship`, { at: '2026-01-01T10:05:30Z' })
    t.equal(early.statusCode, 422, 'a step dated before the one it follows')
    t.match(early.json(), {
      paid_at: '2026-01-01T10:06:00.000Z',
      errors: [{ pointer: '/body/at', detail: 'is before paid_at' }],
    })
    t.equal((await mcn.get(`/v1/orders/${paid.id}`)).json().status, 'paid', 'and nothing changed')
    t.match(await ok(await mcn.post(`/v1/orders/${paid.id}/cancel`, { at: '2026-01-01T11:00:00Z' }), 200), {
      status: 'cancelled',
      cancelled_at: '2026-01-01T11:00:00.000Z',
    })
    t.equal((await mcn.post(`/v1/orders/${paid.id}/cancel`, { at: '2020-01-01T00:00:00Z' })).statusCode, 409)
  })

  t.test('422 names the field; nothing is written', async (t) => {
    const before = (await mcn.get('/v1/orders?limit=200')).json().data.length
    const cases: [Record<string, unknown>, Record<string, unknown>, string][] = [
      [{ total_amount: 1 }, {}, '/body/total_amount'],
      [{ anchor_id: 'anc_01h00000000000000000000000' }, {}, '/body/anchor_id'],
      [{}, { product_id: 'prd_01h00000000000000000000000' }, '/body/items/0/product_id'],
      [{}, { sku_id: 'sku_01h00000000000000000000000' }, '/body/items/0/sku_id'],
    ]
    for (const [extra, line, pointer] of cases) {
      const res = await mcn.post('/v1/orders', orderBody(w, extra, line))
      t.equal(res.statusCode, 422, pointer)
      t.same(
        res.json().errors.map((e: any) => e.pointer),
        [pointer],
      )
    }
    const foreign = await world(other)
    const res = await mcn.post(
      '/v1/orders',
      orderBody(w, {}, { product_id: foreign.product, pool_id: undefined, slot_id: undefined }),
    )
    t.equal(res.statusCode, 422, 'another tenant’s product is not an item')
    t.equal((await mcn.get('/v1/orders?limit=200')).json().data.length, before)
    t.equal((await mcn.post('/v1/orders', { ...orderBody(w), platform: 'ebay' })).statusCode, 400)
  })

  t.test('lists, filters, pagination, buyer history and isolation', async (t) => {
    const buyer = { ref: 'dy_loyal_1' }
    const first = await ok(
      await mcn.post('/v1/orders', orderBody(w, { buyer, status: 'paid', placed_at: '2026-01-01T10:01:00Z' })),
    )
    const second = await ok(
      await mcn.post('/v1/orders', orderBody(w, { buyer, status: 'completed', placed_at: '2026-01-02T10:01:00Z' })),
    )
    const third = await ok(
      await mcn.post('/v1/orders', orderBody(w, { buyer, status: 'paid', placed_at: '2026-01-03T10:01:00Z' })),
    )
    await ok(await mcn.post(`/v1/orders/${third.id}/cancel`), 200)
    const fourth = await ok(await mcn.post('/v1/orders', orderBody(w, { buyer, placed_at: '2026-01-04T10:01:00Z' })))
    t.equal(first.buyer_id, fourth.buyer_id, 'one person is one buyer id in a tenant')

    const page1 = (await mcn.get(`/v1/buyers/${first.buyer_id}/orders?limit=3`)).json()
    t.same(
      page1.data.map((o: any) => o.id),
      [fourth.id, third.id, second.id],
    )
    const page2 = (await mcn.get(`/v1/buyers/${first.buyer_id}/orders?limit=3&cursor=${page1.next_cursor}`)).json()
    t.same(
      page2.data.map((o: any) => o.id),
      [first.id],
    )
    t.equal(page2.next_cursor, null)
    t.same((await mcn.get(`/v1/buyers/${first.buyer_id}/order-facts`)).json(), {
      buyer_id: first.buyer_id,
      platform: 'douyin',
      first_seen_at: (await mcn.get(`/v1/buyers/${first.buyer_id}/order-facts`)).json().first_seen_at,
      orders_count: 4,
      paid_orders_count: 2,
      repurchase_count: 1,
      first_order_at: '2026-01-01T10:01:00.000Z',
      last_order_at: '2026-01-04T10:01:00.000Z',
    })

    const filtered = (await mcn.get(`/v1/orders?buyer_id=${first.buyer_id}&status=paid`)).json()
    t.same(
      filtered.data.map((o: any) => o.id),
      [first.id],
    )
    const ranged = (
      await mcn.get(
        `/v1/orders?buyer_id=${first.buyer_id}&placed_from=2026-01-02T00:00:00Z&placed_to=2026-01-04T00:00:00Z`,
      )
    ).json()
    t.same(
      ranged.data.map((o: any) => o.id),
      [third.id, second.id],
    )
    t.ok((await mcn.get(`/v1/orders?anchor_id=${w.anchor}&session_id=${w.session}`)).json().data.length >= 4)

    // The same platform reference in another tenant is another, unrelated buyer.
    const w2 = await world(other)
    const theirs = await ok(await other.post('/v1/orders', orderBody(w2, { buyer })))
    t.not(theirs.buyer_id, first.buyer_id)
    t.equal((await other.get(`/v1/orders/${first.id}`)).statusCode, 404)
    t.equal((await other.get(`/v1/buyers/${first.buyer_id}/orders`)).statusCode, 404)
    t.equal((await other.get(`/v1/buyers/${first.buyer_id}/order-facts`)).statusCode, 404)
    t.equal((await other.post(`/v1/orders/${first.id}/ship`)).statusCode, 404)
    t.same((await other.get(`/v1/orders?buyer_id=${first.buyer_id}`)).json().data, [])
  })

  t.test('GraphQL reads the same orders', async (t) => {
    const order = await ok(await mcn.post('/v1/orders', orderBody(w)))
    const res = await mcn.post('/graphql', {
      query: `query($id: ID!) { order(id: $id) { id status total_amount items { commission_amount } } orders(first: 2) { data { id } next_cursor } }`,
      variables: { id: order.id },
    })
    const body = res.json()
    t.same(body.errors, undefined, JSON.stringify(body.errors))
    t.match(body.data.order, {
      id: order.id,
      status: 'created',
      total_amount: 2872,
      items: [{ commission_amount: 574 }],
    })
    t.equal(body.data.orders.data.length, 2)
  })
})
