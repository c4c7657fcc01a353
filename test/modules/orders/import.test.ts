import t from 'tap'
import { buildTestApp, createTenant, waitForJob } from '../../helper.js'
import { ok, orderBody, world } from './builders.js'

t.test('order import through the ingest queue', async (t) => {
  const { app } = await buildTestApp(t, { workers: true })
  const mcn = await createTenant(app, { kind: 'mcn' })
  const w = await world(mcn, { slotCap: 100 })
  const row = (n: number, extra: Record<string, unknown> = {}) => {
    const { buyer, ...body } = orderBody(w, { external_order_id: `IMP-${n}`, ...extra })
    return { ...body, buyer_ref: buyer.ref }
  }
  const upload = (lines: string[], type = 'application/x-ndjson') =>
    mcn.request({
      method: 'POST',
      url: '/v1/orders/imports',
      headers: { 'content-type': type },
      payload: lines.join('\n'),
    })
  const orderIds = async () =>
    (await mcn.get('/v1/orders?limit=200'))
      .json()
      .data.map((o: any) => `${o.external_order_id} ${o.status}`)
      .sort()

  t.test('a bad file is refused before any job exists', async (t) => {
    t.equal((await upload([''])).statusCode, 400, 'no rows')
    t.equal((await upload(['x'], 'text/plain')).statusCode, 415)
    t.equal((await upload(['platform,external_order_id'], 'text/csv')).statusCode, 400, 'missing columns')
  })

  const file = [
    JSON.stringify(row(1)),
    JSON.stringify(row(2, { status: 'paid', paid_at: '2026-01-01T10:06:00Z' })),
    JSON.stringify(row(3, { total_amount: 1 })),
    '{not json',
    JSON.stringify({
      ...row(4),
      items: [{ product_id: 'prd_01h00000000000000000000000', quantity: 1, unit_price: 5 }],
    }),
    JSON.stringify({ ...row(5), unit: 'extra field' }),
    JSON.stringify(row(6, { status: 'completed' })),
  ]

  t.test('a dry run checks every row and writes nothing', async (t) => {
    const res = await mcn.request({
      method: 'POST',
      url: '/v1/orders/imports?dry_run=true',
      headers: { 'content-type': 'application/x-ndjson' },
      payload: file.join('\n'),
    })
    const job = await waitForJob(mcn, res.json().id)
    t.match(job, { progress: { succeeded: 3, failed: 4 }, result: { dry_run: true } })
    t.same(await orderIds(), [])
  })

  t.test('a bad row never stops the good ones; each is reported by line and field', async (t) => {
    const res = await upload(file)
    t.equal(res.statusCode, 202)
    t.match(res.headers.location, /^\/v1\/jobs\/job_/)
    const job = await waitForJob(mcn, res.json().id)
    t.match(job, { state: 'completed_with_errors', progress: { succeeded: 3, failed: 4 } })
    const byLine = Object.fromEntries(job.errors.map((e: any) => [e.line, e.errors]))
    t.same(Object.keys(byLine).map(Number), [3, 4, 5, 6])
    t.match(byLine[3], [{ field: 'total_amount', code: 'invalid' }])
    t.match(byLine[4], [{ code: 'invalid_json' }])
    t.match(byLine[5], [{ field: 'items.0.product_id', code: 'invalid' }])
    t.match(byLine[6], [{ field: 'unit' }])
    t.same(await orderIds(), ['IMP-1 created', 'IMP-2 paid', 'IMP-6 completed'])
    const imported = (await mcn.get('/v1/orders?limit=200'))
      .json()
      .data.find((o: any) => o.external_order_id === 'IMP-1')
    t.match(imported, { attribution_code: null, session_id: w.session, total_amount: 2872, paid_at: null })
  })

  t.test('importing the same file again creates nothing new and writes no event', async (t) => {
    const before = (await mcn.get('/v1/events?limit=200')).json().data.length
    const job = await waitForJob(mcn, (await upload(file)).json().id)
    t.match(job, { progress: { succeeded: 3, failed: 4 } })
    t.same(await orderIds(), ['IMP-1 created', 'IMP-2 paid', 'IMP-6 completed'])
    t.equal((await mcn.get('/v1/events?limit=200')).json().data.length, before)
  })

  t.test('a later file moves known orders along; CSV carries items as JSON', async (t) => {
    const r1 = row(1, { status: 'shipped' })
    const csv = [
      'platform,external_order_id,anchor_id,session_id,buyer_ref,currency,items,placed_at,status',
      [
        r1.platform,
        r1.external_order_id,
        r1.anchor_id,
        r1.session_id,
        r1.buyer_ref,
        r1.currency,
        `"${JSON.stringify(r1.items).replaceAll('"', '""')}"`,
        r1.placed_at,
        'shipped',
      ].join(','),
      [
        r1.platform,
        'IMP-6',
        r1.anchor_id,
        r1.session_id,
        row(6).buyer_ref,
        r1.currency,
        `"${JSON.stringify(r1.items).replaceAll('"', '""')}"`,
        r1.placed_at,
        'cancelled',
      ].join(','),
    ]
    const job = await waitForJob(mcn, (await upload(csv, 'text/csv')).json().id)
    t.match(job, { progress: { succeeded: 1, failed: 1 } })
    t.match(job.errors, [{ line: 3, errors: [{ code: 'conflict' }] }], 'a completed order cannot be cancelled')
    t.same(await orderIds(), ['IMP-1 shipped', 'IMP-2 paid', 'IMP-6 completed'])
    const order = await ok(await mcn.get(`/v1/orders?status=shipped`), 200)
    t.equal(order.data[0].items[0].oversold, null)
  })
})
