import t from 'tap'
import { buildTestApp, createTenant } from '../../helper.js'
import {
  addToPool,
  daysAgo,
  importSales,
  makeAnchor,
  makePool,
  makeProduct,
  makeSupplier,
  review,
} from '../catalog/builders.js'

t.test('reputation from inspections, surveys, returns and disputes; probation, then elimination', async (t) => {
  const { app } = await buildTestApp(t, { workers: true })
  const mcn = await createTenant(app, { kind: 'mcn' })

  const policy = await mcn.get('/v1/supplier-policy')
  t.equal(policy.statusCode, 200)
  t.equal(policy.headers.etag, '"0"', 'defaults until changed')
  t.match(policy.json(), {
    elimination_threshold: 60,
    window_days: 180,
    weights: { inspections: 0.4, surveys: 0.3, returns: 0.15, disputes: 0.15 },
    min_units_for_rates: 20,
  })

  const good = await makeSupplier(mcn, { name: 'Good farm', kind: 'farmer', micro: true })
  const bad = await makeSupplier(mcn, { name: 'Bad factory', kind: 'factory' })
  const silent = await makeSupplier(mcn, { name: 'No data yet' })
  const goodTea = await makeProduct(mcn, good.id, { title: '高山绿茶', category: 'tea' })
  const badTea = await makeProduct(mcn, bad.id, { title: '劣质红茶', category: 'tea' })
  const pool = await makePool(mcn)
  await addToPool(mcn, pool.id, [goodTea.id, badTea.id])
  const anchor = await makeAnchor(mcn, { categories: ['tea'] })

  await mcn.post('/v1/inspections', { product_id: goodTea.id, inspected_on: daysAgo(10), result: 'pass', score: 90 })
  await mcn.post('/v1/inspections', { product_id: goodTea.id, inspected_on: daysAgo(400), result: 'fail', score: 10 }) // outside the window
  await mcn.post('/v1/surveys', {
    product_id: goodTea.id,
    surveyed_on: daysAgo(5),
    respondents: 100,
    ratings: { quality: 5, description_match: 5, logistics: 5, service: 5 },
  })
  await mcn.post('/v1/inspections', {
    product_id: badTea.id,
    inspected_on: daysAgo(10),
    result: 'fail',
    score: 40,
    defects: [{ code: 'pesticide', severity: 'critical' }],
  })
  await mcn.post('/v1/surveys', {
    product_id: badTea.id,
    surveyed_on: daysAgo(5),
    respondents: 20,
    ratings: { quality: 2, description_match: 2, logistics: 2, service: 2 },
  })
  await importSales(mcn, [
    {
      anchor_id: anchor.id,
      product_id: goodTea.id,
      quantity: 100,
      sold_on: daysAgo(3),
      returned_quantity: 0,
      disputes: 0,
    },
    {
      anchor_id: anchor.id,
      product_id: badTea.id,
      quantity: 100,
      sold_on: daysAgo(3),
      returned_quantity: 30,
      disputes: 5,
    },
  ])

  const before = (await mcn.get(`/v1/anchors/${anchor.id}/recommendations`)).json()
  t.ok(
    before.data.some((r: { product_id: string }) => r.product_id === badTea.id),
    'an admitted supplier’s product is recommended',
  )

  // First review: scores computed, the bad supplier goes on probation.
  const first = await review(mcn)
  t.equal(first.state, 'succeeded')
  t.match(first.result, { reviewed: 3, scored: 2, probation: [bad.id], eliminated: [] })
  const goodNow = (await mcn.get(`/v1/suppliers/${good.id}`)).json()
  // inspections 90 (0.4), surveys 100 (0.3), returns 100 (0.15), disputes 100 (0.15) → 96
  t.equal(goodNow.reputation.score, 96)
  t.match(goodNow.reputation.components, {
    inspections: 90,
    surveys: 100,
    returns: 100,
    disputes: 100,
    inspection_count: 1,
    units_sold: 100,
    return_rate: 0,
  })
  const badNow = (await mcn.get(`/v1/suppliers/${bad.id}`)).json()
  // inspections 40, surveys 25, returns 0 (30% ≥ ceiling), disputes 0 (5% ≥ ceiling) → 23.5
  t.equal(badNow.reputation.score, 23.5)
  t.equal(badNow.status, 'probation')
  t.ok(badNow.probation_since)
  t.equal(
    (await mcn.get(`/v1/suppliers/${silent.id}`)).json().reputation.score,
    null,
    'no data, no score, no status change',
  )
  t.equal((await mcn.get(`/v1/suppliers/${silent.id}`)).json().status, 'admitted')
  const probation = (await mcn.get('/v1/events?type=supplier.probation')).json().data
  t.equal(probation.length, 1)
  t.match(probation[0].data, {
    supplier_id: bad.id,
    status: 'probation',
    reputation_score: 23.5,
    elimination_threshold: 60,
  })
  const onProbation = (await mcn.get(`/v1/anchors/${anchor.id}/recommendations`)).json()
  t.ok(
    onProbation.data.some((r: { product_id: string }) => r.product_id === badTea.id),
    'probation keeps products in selection',
  )

  // Second review, still below: eliminated, its products leave selection, an event is sent.
  const second = await review(mcn)
  t.match(second.result, { eliminated: [bad.id], probation: [] })
  const eliminated = (await mcn.get(`/v1/suppliers/${bad.id}`)).json()
  t.equal(eliminated.status, 'eliminated')
  t.ok(eliminated.eliminated_at)
  const events = (await mcn.get('/v1/events?type=supplier.eliminated')).json().data
  t.equal(events.length, 1)
  t.match(events[0], {
    resource: { type: 'supplier', id: bad.id, version: eliminated.version },
    data: { supplier_id: bad.id, status: 'eliminated', products_removed: 1 },
  })
  const after = (await mcn.get(`/v1/anchors/${anchor.id}/recommendations`)).json()
  t.notOk(
    after.data.some((r: { supplier_id: string }) => r.supplier_id === bad.id),
    'eliminated suppliers never appear',
  )
  t.ok(after.data.some((r: { product_id: string }) => r.product_id === goodTea.id))

  // A supplier on probation that recovers is reinstated.
  const shaky = await makeSupplier(mcn, { name: 'Shaky brand' })
  const shakyProduct = await makeProduct(mcn, shaky.id, { category: 'beauty' })
  await mcn.post('/v1/inspections', {
    product_id: shakyProduct.id,
    inspected_on: daysAgo(1),
    result: 'fail',
    score: 50,
  })
  t.match((await review(mcn)).result, { probation: [shaky.id] })
  await mcn.post('/v1/inspections', {
    product_id: shakyProduct.id,
    inspected_on: daysAgo(0),
    result: 'pass',
    score: 98,
  })
  t.match((await review(mcn)).result, { reinstated: [shaky.id] })
  t.equal((await mcn.get(`/v1/suppliers/${shaky.id}`)).json().status, 'admitted')
  t.equal((await mcn.get('/v1/events?type=supplier.reinstated')).json().data.length, 1)

  // The threshold is the tenant's to set; a stale ETag is refused.
  const patched = await mcn.patch('/v1/supplier-policy', { elimination_threshold: 97 }, { 'if-match': '"0"' })
  t.equal(patched.statusCode, 200)
  t.equal(patched.headers.etag, '"1"')
  t.equal(patched.json().weights.inspections, 0.4, 'a partial change keeps the rest')
  t.equal(
    (await mcn.patch('/v1/supplier-policy', { elimination_threshold: 50 }, { 'if-match': '"0"' })).statusCode,
    412,
  )
  t.match((await review(mcn)).result, { probation: [good.id, shaky.id].sort() })

  // Reviews and policies are per tenant.
  const other = await createTenant(app, { kind: 'mcn' })
  t.equal((await other.get('/v1/supplier-policy')).json().elimination_threshold, 60)
  t.match((await review(other)).result, { reviewed: 0 })
  t.equal((await other.get('/v1/events?type=supplier.eliminated')).json().data.length, 0)
})
