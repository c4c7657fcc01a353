import t from 'tap'
import { buildTestApp, createTenant, waitForJob } from '../../helper.js'
import { makeAnchor, makeProduct, makeSupplier } from '../catalog/builders.js'
import { completeRefund, ok, payOrder } from './builders.js'

t.test('settlements', async (t) => {
  const { app } = await buildTestApp(t, { workers: true })
  const mcn = await createTenant(app, { kind: 'mcn' })
  const other = await createTenant(app, { kind: 'mcn' })
  const anchor = (await makeAnchor(mcn)).id
  const product = (await makeProduct(mcn, (await makeSupplier(mcn)).id, { commission_rate: 0.2 })).id

  t.test('contracts: create, read, If-Match, overlap 409, bad period 422', async (t) => {
    const a = await makeAnchor(mcn)
    const first = await ok(
      await mcn.post(`/v1/anchors/${a.id}/contracts`, {
        mcn_share_rate: 0.3,
        starts_on: '2026-01-01',
        ends_on: '2026-06-30',
      }),
    )
    t.match(first, { id: /^ctr_/, anchor_id: a.id, mcn_share_rate: 0.3, ends_on: '2026-06-30', version: 1 })
    t.same((await mcn.get(`/v1/contracts/${first.id}`)).json(), first)

    const overlap = await mcn.post(`/v1/anchors/${a.id}/contracts`, { mcn_share_rate: 0.5, starts_on: '2026-06-30' })
    t.equal(overlap.statusCode, 409, 'the last day is inclusive')
    t.match(overlap.json(), { type: /conflict/, errors: [{ pointer: '/body/starts_on' }] })

    const second = await ok(
      await mcn.post(`/v1/anchors/${a.id}/contracts`, { mcn_share_rate: 0.5, starts_on: '2026-07-01' }),
    )
    t.equal(second.ends_on, null, 'open-ended')
    const open = await mcn.post(`/v1/anchors/${a.id}/contracts`, { mcn_share_rate: 0.1, starts_on: '2030-01-01' })
    t.equal(open.statusCode, 409, 'an open-ended contract runs forever')

    const extend = await mcn.patch(`/v1/contracts/${first.id}`, { ends_on: '2026-07-15' }, { 'if-match': '"1"' })
    t.equal(extend.statusCode, 409, 'a PATCH into another period is refused')
    t.equal((await mcn.get(`/v1/contracts/${first.id}`)).json().version, 1, 'and changes nothing')

    const patched = await ok(
      await mcn.patch(`/v1/contracts/${first.id}`, { mcn_share_rate: 0.25 }, { 'if-match': '"1"' }),
      200,
    )
    t.match(patched, { mcn_share_rate: 0.25, version: 2 })
    const stale = await mcn.patch(`/v1/contracts/${first.id}`, { mcn_share_rate: 0.2 }, { 'if-match': '"1"' })
    t.equal(stale.statusCode, 412)

    const backwards = await mcn.post(`/v1/anchors/${a.id}/contracts`, {
      mcn_share_rate: 0.1,
      starts_on: '2025-05-02',
      ends_on: '2025-05-01',
    })
    t.equal(backwards.statusCode, 422)
    t.equal(
      (await mcn.post(`/v1/anchors/${a.id}/contracts`, { mcn_share_rate: 1.5, starts_on: '2020-01-01' })).statusCode,
      400,
    )

    const list = await ok(await mcn.get(`/v1/anchors/${a.id}/contracts`), 200)
    t.same(list.data.map((c: any) => c.id).sort(), [first.id, second.id].sort())

    t.equal((await other.get(`/v1/contracts/${first.id}`)).statusCode, 404, 'another tenant: 404')
    t.equal((await other.get(`/v1/anchors/${a.id}/contracts`)).statusCode, 404)
    t.equal((await other.patch(`/v1/contracts/${first.id}`, { note: 'x' }, { 'if-match': '"2"' })).statusCode, 404)
    t.equal(
      (await other.post(`/v1/anchors/${a.id}/contracts`, { mcn_share_rate: 0.1, starts_on: '2031-01-01' })).statusCode,
      404,
    )
  })

  t.test(
    'ledger, a line refund, a whole-order refund, a cancellation; close; a later refund lands next period',
    async (t) => {
      await ok(await mcn.post(`/v1/anchors/${anchor}/contracts`, { mcn_share_rate: 0.3, starts_on: '2025-01-01' }))
      // Two lines of 5744 and 2872: commission 1149 and 574, the MCN's share 345 and 172.
      const order = await payOrder(mcn, anchor, '2025-03-10T12:00:00Z', [
        { product_id: product, quantity: 2, unit_price: 2872 },
        { product_id: product, quantity: 1, unit_price: 2872 },
      ])
      const [l1, l2] = order.items
      t.match(order.items, [{ commission_amount: 1149 }, { commission_amount: 574 }])
      const cancelled = await payOrder(mcn, anchor, '2025-03-11T12:00:00Z', [
        { product_id: product, quantity: 1, unit_price: 1000 },
      ])
      await ok(await mcn.post(`/v1/orders/${cancelled.id}/cancel`, { at: '2025-03-12T00:00:00Z' }), 200)

      await completeRefund(app, mcn, {
        order_id: order.id,
        order_item_id: l1.id,
        amount: 300,
        completed_at: '2025-03-15T00:00:00Z',
      })
      // 2000 over what is left of the lines (5444, 2872): 1309 and 691 by largest remainder.
      await completeRefund(app, mcn, {
        order_id: order.id,
        order_item_id: null,
        amount: 2000,
        completed_at: '2025-03-16T00:00:00Z',
      })

      const march = await ok(await mcn.get(`/v1/anchors/${anchor}/earnings?period=2025-03`), 200)
      const line = (id: string) => march.lines.find((l: any) => l.order_item_id === id)
      // l1: reversed 300 then 1309 of 5744 → round(1149×1609/5744) = 322 in all; share round(345×1609/5744) = 97.
      t.match(line(l1.id), { commission: 1149 - 322, mcn_share: 345 - 97, anchor_net: 1149 - 322 - (345 - 97) })
      t.same(
        line(l1.id).entries.map((e: any) => [e.kind, e.commission]),
        [
          ['sale', 1149],
          ['refund', -60],
          ['refund', -262],
        ],
      )
      // l2: 691 of 2872 → round(574×691/2872) = 138; share round(172×691/2872) = 41.
      t.match(line(l2.id), { commission: 574 - 138, mcn_share: 172 - 41 })
      const c = line(cancelled.items[0].id)
      t.match(c, { commission: 0, mcn_share: 0, anchor_net: 0 }, 'a cancelled paid order nets to nothing')
      t.same(
        c.entries.map((e: any) => e.kind),
        ['sale', 'cancellation'],
      )
      const sum = (k: string) => march.lines.reduce((a: number, l: any) => a + l[k], 0)
      t.same(march.totals, [
        {
          currency: 'CNY',
          commission: sum('commission'),
          mcn_share: sum('mcn_share'),
          anchor_net: sum('anchor_net'),
          adjustments: { commission: 0, mcn_share: 0, anchor_net: 0 },
        },
      ])
      t.equal(march.closed, false)

      const close = await mcn.post('/v1/settlements', { period: '2025-03' }, { 'idempotency-key': 'close-2025-03' })
      t.equal(close.statusCode, 202)
      t.equal(close.headers.location, `/v1/jobs/${close.json().id}`)
      const job = await waitForJob(mcn, close.json().id)
      t.equal(job.state, 'succeeded')
      const statement = await ok(await mcn.get(`/v1/settlements/${job.result.statement_id}`), 200)
      t.match(statement, { period: '2025-03', status: 'closed', job_id: job.id })
      t.same(statement.anchors, [{ anchor_id: anchor, ...march.totals[0] }])
      t.same(statement.totals, march.totals)

      const replay = await mcn.post('/v1/settlements', { period: '2025-03' }, { 'idempotency-key': 'close-2025-03' })
      t.equal(replay.statusCode, 202, 'the same key replays the first answer')
      t.equal(replay.json().id, job.id)
      const twice = await mcn.post('/v1/settlements', { period: '2025-03' })
      t.equal(twice.statusCode, 409, 'a period closes once')
      t.equal((await mcn.post('/v1/settlements', { period: '2099-01' })).statusCode, 422, 'a future month')

      // A refund completed in March after March closed: booked in April, as an adjustment.
      await completeRefund(app, mcn, {
        order_id: order.id,
        order_item_id: l2.id,
        amount: 500,
        completed_at: '2025-03-30T00:00:00Z',
      })
      t.same(
        (await mcn.get(`/v1/settlements/${statement.id}`)).json(),
        statement,
        'the closed statement did not change',
      )
      t.same((await mcn.get(`/v1/anchors/${anchor}/earnings?period=2025-03`)).json().totals, march.totals)
      const april = await ok(await mcn.get(`/v1/anchors/${anchor}/earnings?period=2025-04`), 200)
      // l2 now 1191 of 2872 reversed → round(574×1191/2872) = 238, less 138 already: 100; share 71 − 41 = 30.
      t.same(april.totals, [
        {
          currency: 'CNY',
          commission: -100,
          mcn_share: -30,
          anchor_net: -70,
          adjustments: { commission: -100, mcn_share: -30, anchor_net: -70 },
        },
      ])
      t.match(april.lines, [
        { order_item_id: l2.id, adjustment: true, entries: [{ kind: 'refund', event_period: '2025-03' }] },
      ])

      const events = (await mcn.get('/v1/events?limit=200')).json().data
      const closed = events.find((e: any) => e.type === 'settlement.closed')
      t.match(closed, {
        resource: { type: 'settlement', id: statement.id },
        data: { period: '2025-03', status: 'closed' },
      })
      t.ok(events.some((e: any) => e.type === 'contract.created'))

      const gql = (
        await mcn.post('/graphql', {
          query: `query($id: ID!, $anchor: String!) { settlement(id: $id) { id period status totals { commission } } anchorEarnings(anchor_id: $anchor, period: "2025-04") { totals { commission adjustments { commission } } } settlements(first: 5) { data { id } } }`,
          variables: { id: statement.id, anchor },
        })
      ).json()
      t.same(gql.errors, undefined, JSON.stringify(gql.errors))
      t.same(gql.data.settlement, {
        id: statement.id,
        period: '2025-03',
        status: 'closed',
        totals: [{ commission: march.totals[0].commission }],
      })
      t.same(gql.data.anchorEarnings.totals, [{ commission: -100, adjustments: { commission: -100 } }])
      t.same(gql.data.settlements.data, [{ id: statement.id }])

      const listed = await ok(await mcn.get('/v1/settlements?period=2025-03'), 200)
      t.same(
        listed.data.map((s: any) => s.id),
        [statement.id],
      )

      t.equal((await other.get(`/v1/settlements/${statement.id}`)).statusCode, 404, 'another tenant: 404')
      t.same((await other.get('/v1/settlements')).json().data, [])
      t.equal((await other.get(`/v1/anchors/${anchor}/earnings?period=2025-03`)).statusCode, 404)
      t.equal((await other.post('/v1/settlements', { period: '2025-03' })).statusCode, 202, 'periods are per tenant')
    },
  )

  t.test('no contract: the MCN takes no share; bad input changes nothing', async (t) => {
    const free = (await makeAnchor(mcn)).id
    const order = await payOrder(mcn, free, '2025-05-02T00:00:00Z', [
      { product_id: product, quantity: 1, unit_price: 5000 },
    ])
    const may = await ok(await mcn.get(`/v1/anchors/${free}/earnings?period=2025-05`), 200)
    t.match(may.lines, [{ order_item_id: order.items[0].id, commission: 1000, mcn_share: 0, anchor_net: 1000 }])
    t.equal((await mcn.get(`/v1/anchors/${free}/earnings?period=2025-13`)).statusCode, 400)
    const now = await ok(await mcn.get(`/v1/anchors/${free}/earnings`), 200)
    t.equal(now.period, new Date().toISOString().slice(0, 7), 'no period: the current month')
    t.equal((await mcn.post('/v1/settlements', { period: '2025-5' })).statusCode, 400)
  })
})
