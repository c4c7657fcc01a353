import t from 'tap'
import { buildTestApp, createTenant, waitForJob } from '../../helper.js'
import { daysAgo, makeAnchor, makeProduct, makeSupplier } from '../catalog/builders.js'

t.test('anchors and the sales-history import', async (t) => {
  const { app } = await buildTestApp(t, { workers: true })
  const mcn = await createTenant(app, { kind: 'mcn' })
  const anchor = await makeAnchor(mcn, {
    name: '小美',
    platform_handles: [{ platform: 'douyin', handle: 'xiaomei' }],
    categories: ['beauty'],
    audience: { interests: [{ category: 'beauty', weight: 0.9 }], female_share: 0.8 },
  })
  t.match(anchor, { id: /^anc_/, name: '小美', status: 'active', version: 1 })
  t.equal(
    (await mcn.post('/v1/anchors', { name: 'x', audience: { interests: [{ category: 'a', weight: 3 }] } })).statusCode,
    400,
  )
  const patched = await mcn.patch(`/v1/anchors/${anchor.id}`, { categories: ['beauty', 'food'] }, { 'if-match': '"1"' })
  t.equal(patched.statusCode, 200)
  t.same(patched.json().categories, ['beauty', 'food'])
  t.equal((await mcn.patch(`/v1/anchors/${anchor.id}`, { name: 'stale' }, { 'if-match': '"1"' })).statusCode, 412)

  const product = await makeProduct(mcn, (await makeSupplier(mcn)).id, {
    title: '面膜',
    list_price: { amount: 2000, currency: 'CNY' },
  })
  const csv = [
    'anchor_id,product_id,quantity,sold_on,amount,returned_quantity,disputes,external_id',
    `${anchor.id},${product.id},10,${daysAgo(2)},,1,0,o-1`,
    `${anchor.id},${product.id},0,${daysAgo(2)},,,,o-2`,
    `anc_01h00000000000000000000000,${product.id},1,${daysAgo(2)},,,,o-3`,
    `${anchor.id},prd_01h00000000000000000000000,1,${daysAgo(2)},,,,o-4`,
    `${anchor.id},${product.id},2,yesterday,,,,o-5`,
    `${anchor.id},${product.id},2,${daysAgo(1)},,5,,o-6`,
    `${anchor.id},${product.id},5,${daysAgo(1)},9000,,1,o-7`,
  ].join('\n')
  const started = await mcn.request({
    method: 'POST',
    url: '/v1/anchor-sales/imports',
    headers: { 'content-type': 'text/csv' },
    payload: csv,
  })
  t.equal(started.statusCode, 202)
  const job = await waitForJob(mcn, started.json().id)
  t.match(job, {
    kind: 'anchor-sales.import',
    state: 'completed_with_errors',
    progress: { processed: 7, succeeded: 2, failed: 5 },
  })
  t.same(
    job.errors.map((e: { line: number; errors: { field: string }[] }) => [e.line, e.errors[0]!.field]),
    [
      [3, 'quantity'],
      [4, 'anchor_id'],
      [5, 'product_id'],
      [6, 'sold_on'],
      [7, 'returned_quantity'],
    ],
  )
  const sales = (await mcn.get(`/v1/anchors/${anchor.id}/sales`)).json().data
  t.equal(sales.length, 2)
  t.match(
    sales.find((s: { external_id: string }) => s.external_id === 'o-1'),
    {
      quantity: 10,
      amount: { amount: 20000, currency: 'CNY' },
      returned_quantity: 1,
      product_title: '面膜',
      category: 'beauty',
    },
  )
  t.match(
    sales.find((s: { external_id: string }) => s.external_id === 'o-7'),
    { amount: { amount: 9000 }, disputes: 1 },
  )

  // The same external ids again are not counted twice.
  const again = await waitForJob(
    mcn,
    (
      await mcn.request({
        method: 'POST',
        url: '/v1/anchor-sales/imports',
        headers: { 'content-type': 'text/csv' },
        payload: csv,
      })
    ).json().id,
  )
  t.equal(again.state, 'completed_with_errors')
  t.equal((await mcn.get(`/v1/anchors/${anchor.id}/sales`)).json().data.length, 2)
  t.equal((await mcn.get(`/v1/anchors/${anchor.id}/sales?since=${daysAgo(1)}`)).json().data.length, 1)

  const other = await createTenant(app, { kind: 'mcn' })
  t.equal((await other.get(`/v1/anchors/${anchor.id}`)).statusCode, 404)
  t.equal((await other.get(`/v1/anchors/${anchor.id}/sales`)).statusCode, 404)
  const foreign = await waitForJob(
    other,
    (
      await other.request({
        method: 'POST',
        url: '/v1/anchor-sales/imports',
        headers: { 'content-type': 'application/x-ndjson' },
        payload: JSON.stringify({ anchor_id: anchor.id, product_id: product.id, quantity: 1, sold_on: daysAgo(1) }),
      })
    ).json().id,
  )
  t.match(foreign, { progress: { succeeded: 0, failed: 1 } })
})
