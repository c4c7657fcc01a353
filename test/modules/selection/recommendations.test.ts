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

type Item = {
  product_id: string
  category: string
  score: number
  score_breakdown: Record<string, number>
  parts: Record<string, number>
  near_duplicate_of: string | null
  micro_supplier: boolean
}
const near = (a: number, b: number) => Math.abs(a - b) < 0.001

t.test('recommendations: every scoring part, diversity, fairness, weights and isolation', async (t) => {
  const { app } = await buildTestApp(t, { workers: true })
  const mcn = await createTenant(app, { kind: 'mcn' })

  const trusted = await makeSupplier(mcn, { name: 'Trusted brand' })
  const shaky = await makeSupplier(mcn, { name: 'Shaky brand' })
  const farmer = await makeSupplier(mcn, { name: 'Small farm', kind: 'farmer', micro: true, brand_tier: 'emerging' })
  const product = (s: { id: string }, body: Record<string, unknown>) => makeProduct(mcn, s.id, body)
  const serum = await product(trusted, {
    title: '玻尿酸精华液 50ml',
    category: 'beauty',
    list_price: { amount: 10000, currency: 'CNY' },
    commission_rate: 0.3,
    repurchase_rate: 0.5,
  })
  const serumTwin = await product(trusted, {
    title: '玻尿酸精华液 30ml',
    category: 'beauty',
    list_price: { amount: 10000, currency: 'CNY' },
    commission_rate: 0.3,
    repurchase_rate: 0.5,
  })
  const cream = await product(shaky, {
    title: 'Night cream',
    category: 'beauty',
    list_price: { amount: 10000, currency: 'CNY' },
    commission_rate: 0.1,
    repurchase_rate: 0.1,
  })
  const honey = await product(farmer, {
    title: '土蜂蜜',
    category: 'food',
    list_price: { amount: 10000, currency: 'CNY' },
    commission_rate: 0.1,
  })
  const lipstick = await product(trusted, {
    title: 'Lipstick',
    category: 'beauty',
    list_price: { amount: 10000, currency: 'CNY' },
    commission_rate: 0.1,
  })
  const soldOut = await product(trusted, { title: 'Sold out mask', category: 'beauty', stock: 0, commission_rate: 0.4 })
  const unadmitted = await makeSupplier(mcn, { name: 'Applied only', status: undefined })
  const pending = await makeProduct(mcn, unadmitted.id, {
    title: 'Not admitted yet',
    category: 'beauty',
    commission_rate: 0.4,
  })
  const pool = await makePool(mcn)
  await addToPool(mcn, pool.id, [serum.id, serumTwin.id, cream.id, honey.id, lipstick.id, soldOut.id, pending.id])
  const outOfPool = await product(trusted, { title: 'Not in any pool', category: 'beauty', commission_rate: 0.4 })

  const anchor = await makeAnchor(mcn, {
    categories: ['beauty'],
    audience: {
      interests: [
        { category: 'beauty', weight: 0.8 },
        { category: 'food', weight: 0.4 },
      ],
    },
  })
  const head = await makeAnchor(mcn, { name: 'Head anchor' })
  // Reputation: inspections only (95 and 65, both above the threshold).
  await mcn.post('/v1/inspections', { supplier_id: trusted.id, inspected_on: daysAgo(1), result: 'pass', score: 95 })
  await mcn.post('/v1/inspections', { supplier_id: shaky.id, inspected_on: daysAgo(1), result: 'pass', score: 65 })
  // The head anchor sold lipstick heavily; the anchor sold the serum and some honey recently.
  await importSales(mcn, [
    { anchor_id: head.id, product_id: lipstick.id, quantity: 80, sold_on: daysAgo(10), amount: 800000 },
    { anchor_id: anchor.id, product_id: serum.id, quantity: 10, sold_on: daysAgo(3) },
    { anchor_id: anchor.id, product_id: honey.id, quantity: 30, sold_on: daysAgo(60) },
  ])
  await review(mcn)

  const res = await mcn.get(`/v1/anchors/${anchor.id}/recommendations?limit=10`)
  t.equal(res.statusCode, 200, res.body)
  const body = res.json()
  t.match(body, {
    anchor_id: anchor.id,
    weights: {
      audience_fit: 0.3,
      supplier_quality: 0.2,
      expected_margin: 0.2,
      long_term_value: 0.15,
      diversity: 0.15,
      micro_supplier_boost: 0.1,
      exposure_fairness: 0.1,
    },
    max_category_share: 0.5,
  })
  const items: Item[] = body.data
  const byId = new Map(items.map((i) => [i.product_id, i]))
  t.same(
    new Set(items.map((i) => i.product_id)),
    new Set([serum.id, serumTwin.id, cream.id, honey.id, lipstick.id]),
    'only eligible products in reach: not sold out, not unadmitted, not outside the pools',
  )
  t.notOk(byId.has(soldOut.id) || byId.has(pending.id) || byId.has(outOfPool.id))
  for (const i of items) {
    const sum = Object.values(i.score_breakdown).reduce((a, b) => a + b, 0)
    t.ok(near(sum, i.score), `${i.product_id}: score is the sum of its breakdown`)
    for (const [part, value] of Object.entries(i.parts))
      t.ok(near(i.score_breakdown[part]!, value * body.weights[part]), `${part} = weight × part`)
  }
  const s = byId.get(serum.id)!
  const twin = byId.get(serumTwin.id)!
  const c = byId.get(cream.id)!
  const h = byId.get(honey.id)!
  const l = byId.get(lipstick.id)!

  // audience_fit: beauty is the audience's top interest, covered, and half the anchor's units; food is not covered.
  t.ok(near(s.parts.audience_fit!, (1 + 1 + 10 / 30) / 3), 'beauty: interest 1, covered, sales share 10/30')
  t.ok(near(h.parts.audience_fit!, (0.5 + 0 + 1) / 3), 'food: interest 0.5, not covered, sales share 1')
  // supplier_quality: reputation / 100. Trusted: inspection 95, no returns or disputes over 90 units;
  // shaky: inspection 65 and no sales; the farm: no returns or disputes over 30 units.
  t.ok(
    near(s.parts.supplier_quality!, (0.4 * 95 + 0.15 * 100 + 0.15 * 100) / 0.7 / 100),
    `trusted ${s.parts.supplier_quality}`,
  )
  t.ok(near(c.parts.supplier_quality!, 0.65), `shaky ${c.parts.supplier_quality}`)
  t.ok(near(h.parts.supplier_quality!, 1), `farm ${h.parts.supplier_quality}`)
  // expected_margin: commission per unit, log-scaled (¥30 vs ¥10).
  t.ok(
    near(s.parts.expected_margin!, Math.log1p(30) / Math.log1p(200)) &&
      near(c.parts.expected_margin!, Math.log1p(10) / Math.log1p(200)),
  )
  // long_term_value: the repurchase rate.
  t.ok(near(s.parts.long_term_value!, 0.5) && near(c.parts.long_term_value!, 0.1) && h.parts.long_term_value === 0)
  // micro_supplier_boost: the documented 0.1 for a micro supplier's product.
  t.equal(h.parts.micro_supplier_boost, 1)
  t.equal(h.score_breakdown.micro_supplier_boost, 0.1)
  t.equal(s.parts.micro_supplier_boost, 0)
  // exposure_fairness: the head anchor sold 80 lipsticks → −80 / (80 + 20).
  t.ok(near(l.parts.exposure_fairness!, -0.8), `lipstick is over-exposed (${l.parts.exposure_fairness})`)
  t.equal(s.parts.exposure_fairness, 0, 'the anchor itself is not a head anchor')
  // diversity: the serum was sold recently; its 30 ml twin is a near duplicate of it.
  t.equal(s.parts.diversity, -1)
  t.equal(s.near_duplicate_of, serum.id)
  t.ok(twin.parts.diversity! <= -0.5, `near duplicate penalised (${twin.parts.diversity})`)
  t.equal(twin.near_duplicate_of, serum.id)

  // Results are not all one category: with limit 2 and max share 0.5, one beauty and one food.
  const two: Item[] = (await mcn.get(`/v1/anchors/${anchor.id}/recommendations?limit=2`)).json().data
  t.same(two.map((i) => i.category).sort(), ['beauty', 'food'])
  // A category filter and a pool filter narrow the candidates.
  const food: Item[] = (await mcn.get(`/v1/anchors/${anchor.id}/recommendations?category=food`)).json().data
  t.same(
    food.map((i) => i.product_id),
    [honey.id],
  )
  t.equal((await mcn.get(`/v1/anchors/${anchor.id}/recommendations?pool_id=${pool.id}`)).json().data.length, 5)

  // Weights are per MCN: with only the micro boost weighted, the farmer's honey leads.
  const weights = await mcn.get('/v1/selection/weights')
  t.equal(weights.headers.etag, '"0"')
  const patched = await mcn.patch(
    '/v1/selection/weights',
    {
      weights: {
        audience_fit: 0,
        supplier_quality: 0,
        expected_margin: 0,
        long_term_value: 0,
        diversity: 0,
        exposure_fairness: 0,
        micro_supplier_boost: 1,
      },
    },
    { 'if-match': '"0"' },
  )
  t.equal(patched.statusCode, 200)
  t.equal(patched.headers.etag, '"1"')
  const boosted = (await mcn.get(`/v1/anchors/${anchor.id}/recommendations`)).json()
  t.equal(boosted.data[0].product_id, honey.id)
  t.equal(boosted.data[0].score, 1)
  t.equal(boosted.weights.micro_supplier_boost, 1)
  t.equal(
    (await mcn.patch('/v1/selection/weights', { max_category_share: 0.3 }, { 'if-match': '"0"' })).statusCode,
    412,
  )
  // Fairness alone: the over-exposed lipstick ranks last.
  await mcn.patch('/v1/selection/weights', { weights: { micro_supplier_boost: 0, exposure_fairness: 1 } })
  const fair: Item[] = (await mcn.get(`/v1/anchors/${anchor.id}/recommendations`)).json().data
  t.equal(fair[fair.length - 1]!.product_id, lipstick.id)

  // Another MCN: its own weights, none of these anchors or products.
  const other = await createTenant(app, { kind: 'mcn' })
  t.equal((await other.get('/v1/selection/weights')).json().weights.micro_supplier_boost, 0.1)
  t.equal((await other.get(`/v1/anchors/${anchor.id}/recommendations`)).statusCode, 404)
  const otherAnchor = await makeAnchor(other, { categories: ['beauty'] })
  const otherPool = await makePool(other)
  t.equal(
    (await other.post(`/v1/supply-pools/${otherPool.id}/items`, { product_id: serum.id })).statusCode,
    422,
    "another tenant's product cannot be pooled",
  )
  const none = (await other.get(`/v1/anchors/${otherAnchor.id}/recommendations`)).json()
  t.same(none.data, [])
  t.equal(none.candidates_considered, 0)
  t.equal((await mcn.get(`/v1/anchors/${anchor.id}/recommendations?pool_id=${otherPool.id}`)).statusCode, 404)

  // GraphQL answers from the same service.
  const gql = await mcn.post('/graphql', {
    query: `{ recommendations(anchor_id: "${anchor.id}", limit: 3) { data { product_id score score_breakdown { audience_fit } } } }`,
  })
  t.equal(gql.statusCode, 200, gql.body)
  t.equal(gql.json().data.recommendations.data.length, 3)
})
