import t, { type Test } from 'tap'
import postgres from 'postgres'
import { buildTestApp, createTenant, waitForJob, type Caller } from '../../helper.js'
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
import { configureRecommendationCache, RecommendationCache } from '../../../src/modules/selection/cache.js'

type Rec = {
  product_id: string
  commission_rate: number
  micro_supplier: boolean
  owner_organization_id: string | null
  near_duplicate_of: string | null
  title: string
  price: { amount: number }
  parts: Record<string, number>
}
type List = { generated_at: string; weights: Record<string, number>; data: Rec[] }

async function recommend(c: Caller, anchorId: string, qs = ''): Promise<List> {
  const res = await c.get(`/v1/anchors/${anchorId}/recommendations${qs}`)
  if (res.statusCode !== 200) throw new Error(`recommendations answered ${res.statusCode}: ${res.body}`)
  return res.json()
}
const ids = (l: List) => l.data.map((r) => r.product_id)
const item = (l: List, id: string) => l.data.find((r) => r.product_id === id)
const ok = <R extends { statusCode: number; body: string }>(res: R, status = 200): R => {
  if (res.statusCode !== status) throw new Error(`answered ${res.statusCode}: ${res.body}`)
  return res
}

/** Asks twice and checks the second answer came from the cache: the same body, computed at the same time. */
async function cached(t: Test, c: Caller, anchorId: string, qs = ''): Promise<List> {
  const first = await recommend(c, anchorId, qs)
  const second = await recommend(c, anchorId, qs)
  t.same(second, first, 'the repeated request is answered from the cache')
  return first
}

t.test('recommendation cache: hits, and every write that changes recommendations invalidates at once', async (t) => {
  const { app, databaseUrl } = await buildTestApp(t, { workers: true })
  const owner = postgres(databaseUrl, { max: 1, onnotice: () => {} })
  t.teardown(() => owner.end())
  const mcn = await createTenant(app, { kind: 'mcn' })

  const brand = await makeSupplier(mcn, { name: 'Brand' })
  const farm = await makeSupplier(mcn, { name: 'Farm', kind: 'farmer', brand_tier: 'emerging' })
  const p1 = await makeProduct(mcn, brand.id, { title: 'Alpha serum', category: 'beauty', commission_rate: 0.4 })
  const p2 = await makeProduct(mcn, brand.id, { title: 'Beta cream', category: 'beauty', commission_rate: 0.3 })
  const p3 = await makeProduct(mcn, farm.id, {
    title: 'Gamma honey',
    category: 'food',
    commission_rate: 0.2,
    external_id: 'honey-1',
  })
  const pool = await makePool(mcn)
  await addToPool(mcn, pool.id, [p1.id, p2.id, p3.id])
  const anchor = await makeAnchor(mcn, {
    categories: ['beauty'],
    audience: { interests: [{ category: 'beauty', weight: 1 }] },
  })
  const other = await makeAnchor(mcn, { name: 'Other anchor' })

  await t.test('a repeated request is a hit: same ranking, same generated_at, no recomputation', async (t) => {
    const first = await cached(t, mcn, anchor.id)
    t.same(new Set(ids(first)), new Set([p1.id, p2.id, p3.id]))
    // Other queries are other entries.
    t.equal((await recommend(mcn, anchor.id, '?limit=1')).data.length, 1)
    t.same(await recommend(mcn, anchor.id), first)
    // A write that goes around the services (no version change) is not seen while cached:
    // the answer really comes from the cache.
    await owner`update selection_index set title = 'Tampered' where id = ${p1.id}`
    t.equal(item(await recommend(mcn, anchor.id), p1.id)!.title, 'Alpha serum')
    await owner`update selection_index set title = 'Alpha serum' where id = ${p1.id}`
  })

  await t.test('selection weights', async (t) => {
    const before = await cached(t, mcn, anchor.id)
    t.equal(before.weights.expected_margin, 0.2)
    // From here on only the margin counts, so the order follows commission per unit.
    ok(
      await mcn.patch('/v1/selection/weights', {
        weights: {
          audience_fit: 0,
          supplier_quality: 0,
          expected_margin: 1,
          long_term_value: 0,
          diversity: 0,
          micro_supplier_boost: 0,
          exposure_fairness: 0,
        },
      }),
    )
    const after = await recommend(mcn, anchor.id)
    t.not(after.generated_at, before.generated_at)
    t.equal(after.weights.expected_margin, 1)
    t.same(ids(after), [p1.id, p2.id, p3.id])
  })

  await t.test('product update', async (t) => {
    await cached(t, mcn, anchor.id)
    ok(await mcn.patch(`/v1/products/${p1.id}`, { commission_rate: 0.1 }))
    t.same(ids(await recommend(mcn, anchor.id)), [p2.id, p3.id, p1.id])
  })

  await t.test('SKU created and changed (the product’s stock follows its SKUs)', async (t) => {
    await cached(t, mcn, anchor.id)
    const sku = ok(
      await mcn.post(`/v1/products/${p2.id}/skus`, {
        code: 'BETA-1',
        price: { amount: 10000, currency: 'CNY' },
        stock: 0,
      }),
      201,
    ).json()
    t.same(ids(await recommend(mcn, anchor.id)), [p3.id, p1.id], 'out of stock: not a candidate')
    await cached(t, mcn, anchor.id)
    ok(await mcn.patch(`/v1/skus/${sku.id}`, { stock: 5 }))
    t.same(ids(await recommend(mcn, anchor.id)), [p2.id, p3.id, p1.id])
  })

  let p4Item = ''
  const p4 = await makeProduct(mcn, brand.id, { title: 'Delta mask', category: 'beauty', commission_rate: 0.5 })
  await t.test('pool items added, repriced and removed', async (t) => {
    await cached(t, mcn, anchor.id)
    p4Item = ok(await mcn.post(`/v1/supply-pools/${pool.id}/items`, { product_id: p4.id }), 201).json().id
    t.same(ids(await recommend(mcn, anchor.id)), [p4.id, p2.id, p3.id, p1.id])
    await cached(t, mcn, anchor.id)
    ok(await mcn.patch(`/v1/pool-items/${p4Item}`, { price: { amount: 1000, currency: 'CNY' } }))
    const repriced = await recommend(mcn, anchor.id)
    t.same(ids(repriced), [p2.id, p3.id, p1.id, p4.id], '¥5 commission at the pool price')
    t.equal(item(repriced, p4.id)!.price.amount, 1000)
    await cached(t, mcn, anchor.id)
    ok(await mcn.delete(`/v1/pool-items/${p4Item}`), 204)
    t.same(ids(await recommend(mcn, anchor.id)), [p2.id, p3.id, p1.id])
  })

  await t.test('supply pool status and anchor access', async (t) => {
    await cached(t, mcn, anchor.id)
    ok(await mcn.patch(`/v1/supply-pools/${pool.id}`, { access: 'listed_anchors', anchor_ids: [other.id] }))
    t.same(ids(await recommend(mcn, anchor.id)), [], 'the pool is no longer open to the anchor')
    await cached(t, mcn, anchor.id)
    ok(await mcn.patch(`/v1/supply-pools/${pool.id}`, { access: 'all_anchors', anchor_ids: [] }))
    t.same(ids(await recommend(mcn, anchor.id)), [p2.id, p3.id, p1.id])
    await cached(t, mcn, anchor.id)
    ok(await mcn.patch(`/v1/supply-pools/${pool.id}`, { status: 'archived' }))
    t.same(ids(await recommend(mcn, anchor.id)), [])
    await cached(t, mcn, anchor.id)
    ok(await mcn.patch(`/v1/supply-pools/${pool.id}`, { status: 'active' }))
    t.same(ids(await recommend(mcn, anchor.id)), [p2.id, p3.id, p1.id])
  })

  await t.test('a new pool', async (t) => {
    await cached(t, mcn, anchor.id)
    const p5 = await makeProduct(mcn, brand.id, { title: 'Epsilon oil', category: 'beauty', commission_rate: 0.6 })
    const second = await makePool(mcn, { name: 'Second' })
    t.same(
      ids(await recommend(mcn, anchor.id)),
      [p2.id, p3.id, p1.id],
      'an empty pool and an unpooled product change nothing',
    )
    await addToPool(mcn, second.id, [p5.id])
    t.same(ids(await recommend(mcn, anchor.id)), [p5.id, p2.id, p3.id, p1.id])
    await cached(t, mcn, anchor.id)
    ok(await mcn.patch(`/v1/supply-pools/${second.id}`, { status: 'archived' }))
    t.same(ids(await recommend(mcn, anchor.id)), [p2.id, p3.id, p1.id])
  })

  await t.test('supplier micro flag', async (t) => {
    t.equal(item(await cached(t, mcn, anchor.id), p3.id)!.micro_supplier, false)
    ok(await mcn.patch(`/v1/suppliers/${farm.id}`, { micro: true }))
    t.equal(item(await recommend(mcn, anchor.id), p3.id)!.micro_supplier, true)
  })

  await t.test('product import job (upsert by external_id)', async (t) => {
    await cached(t, mcn, anchor.id)
    const line = {
      external_id: 'honey-1',
      supplier_id: farm.id,
      title: 'Gamma honey',
      category: 'food',
      list_price: 10000,
      currency: 'CNY',
      commission_rate: 0.9,
      stock: 100,
    }
    const started = ok(
      await mcn.request({
        method: 'POST',
        url: '/v1/products/imports',
        headers: { 'content-type': 'application/x-ndjson' },
        payload: JSON.stringify(line),
      }),
      202,
    )
    t.match(await waitForJob(mcn, started.json().id), { state: 'succeeded', progress: { succeeded: 1 } })
    t.same(ids(await recommend(mcn, anchor.id)), [p3.id, p2.id, p1.id])
  })

  await t.test('supplier admitted through admission criteria', async (t) => {
    const applicant = await makeSupplier(mcn, { name: 'Applicant', status: undefined })
    const pa = await makeProduct(mcn, applicant.id, { title: 'Zeta tea', category: 'food', commission_rate: 0.05 })
    await addToPool(mcn, pool.id, [pa.id])
    t.same(ids(await cached(t, mcn, anchor.id)), [p3.id, p2.id, p1.id], 'not admitted yet: not a candidate')
    const criteria = ok(await mcn.post('/v1/admission-criteria', { name: 'Open' }), 201).json()
    t.match(
      ok(await mcn.post(`/v1/suppliers/${applicant.id}/applications`, { criteria_id: criteria.id }), 201).json(),
      { status: 'admitted' },
    )
    t.same(ids(await recommend(mcn, anchor.id)), [p3.id, p2.id, p1.id, pa.id])
  })

  await t.test('anchor audience profile and categories', async (t) => {
    t.equal(item(await cached(t, mcn, anchor.id), p2.id)!.parts.audience_fit, 1)
    ok(
      await mcn.patch(`/v1/anchors/${anchor.id}`, {
        categories: ['food'],
        audience: { interests: [{ category: 'food', weight: 1 }] },
      }),
    )
    const after = await recommend(mcn, anchor.id)
    t.equal(item(after, p2.id)!.parts.audience_fit, 0)
    t.equal(item(after, p3.id)!.parts.audience_fit, 1)
  })

  await t.test('sales import (anchor profiles and exposure)', async (t) => {
    t.equal(item(await cached(t, mcn, anchor.id), p2.id)!.near_duplicate_of, null)
    await importSales(mcn, [{ anchor_id: anchor.id, product_id: p2.id, quantity: 5, sold_on: daysAgo(2) }])
    const after = await recommend(mcn, anchor.id)
    t.equal(item(after, p2.id)!.near_duplicate_of, p2.id, 'sold recently')
    t.equal(item(after, p2.id)!.parts.diversity, -1)
  })

  await t.test('supplier review: reputation, probation, elimination', async (t) => {
    t.equal(item(await cached(t, mcn, anchor.id), p1.id)!.parts.supplier_quality, 0.5, 'not scored yet')
    ok(
      await mcn.post('/v1/inspections', { supplier_id: brand.id, inspected_on: daysAgo(1), result: 'fail', score: 20 }),
      201,
    )
    t.match((await review(mcn)).result, { probation: [brand.id] })
    const probation = await recommend(mcn, anchor.id)
    t.equal(item(probation, p1.id)!.parts.supplier_quality, 0.2, 'the new reputation counts at once')
    await cached(t, mcn, anchor.id)
    t.match((await review(mcn)).result, { eliminated: [brand.id] })
    t.notOk(
      ids(await recommend(mcn, anchor.id)).some((id) => id === p1.id || id === p2.id),
      'an eliminated supplier’s products leave at once',
    )
  })

  await t.test('pools shared by another organization: grant, the owner’s changes, revocation', async (t) => {
    const platform = await createTenant(app, { kind: 'platform' })
    const maker = await makeSupplier(platform, { name: 'Platform brand' })
    const shared = await makeProduct(platform, maker.id, {
      title: 'Platform exclusive',
      category: 'food',
      commission_rate: 0.95,
    })
    const platformPool = await makePool(platform)
    await addToPool(platform, platformPool.id, [shared.id])
    const before = await cached(t, mcn, anchor.id)
    t.notOk(item(before, shared.id))

    const grant = ok(
      await platform.post(`/v1/supply-pools/${platformPool.id}/grants`, { organization_id: mcn.organizationId }),
      201,
    )
    t.equal(grant.statusCode, 201)
    const granted = await cached(t, mcn, anchor.id)
    t.match(item(granted, shared.id), { owner_organization_id: platform.organizationId, commission_rate: 0.95 })
    t.equal(ids(granted)[0], shared.id)

    // The owner changes its product: the grantee's next answer shows it (the owner's version is in the stamp).
    ok(await platform.patch(`/v1/products/${shared.id}`, { commission_rate: 0.01 }))
    const changed = await cached(t, mcn, anchor.id)
    t.equal(item(changed, shared.id)!.commission_rate, 0.01)
    t.not(ids(changed)[0], shared.id)

    // The owner reprices the pool item.
    const items = ok(await platform.get(`/v1/supply-pools/${platformPool.id}/items`)).json().data
    ok(await platform.patch(`/v1/pool-items/${items[0].id}`, { price: { amount: 4200, currency: 'CNY' } }))
    t.equal(item(await cached(t, mcn, anchor.id), shared.id)!.price.amount, 4200)

    ok(
      await platform.post(`/v1/supply-pools/${platformPool.id}/grants/revoke`, { organization_id: mcn.organizationId }),
    )
    t.notOk(item(await recommend(mcn, anchor.id), shared.id), 'revoked: gone at once')
  })
})

t.test('recommendation cache: tenants never see each other’s results', async (t) => {
  const { app } = await buildTestApp(t, { workers: true })
  const setup = async (c: Caller) => {
    const s = await makeSupplier(c, { name: 'Same supplier' })
    const p = await makeProduct(c, s.id, { title: 'Same product', category: 'beauty', commission_rate: 0.3 })
    const pool = await makePool(c, { name: 'Same pool' })
    await addToPool(c, pool.id, [p.id])
    const anchor = await makeAnchor(c, { name: 'Same anchor', categories: ['beauty'] })
    return { p, anchor }
  }
  const a = await createTenant(app, { kind: 'mcn' })
  const b = await createTenant(app, { kind: 'mcn' })
  const inA = await setup(a)
  const inB = await setup(b)

  const forA = await cached(t, a, inA.anchor.id)
  const forB = await cached(t, b, inB.anchor.id)
  t.same(ids(forA), [inA.p.id])
  t.same(ids(forB), [inB.p.id])
  t.equal(forB.data[0]!.owner_organization_id, null)
  // A's anchor is cached for A; for B it does not exist.
  t.equal((await b.get(`/v1/anchors/${inA.anchor.id}/recommendations`)).statusCode, 404)
  t.equal(
    (
      await b.post('/graphql', { query: `{ recommendations(anchor_id: "${inA.anchor.id}") { data { product_id } } }` })
    ).json().errors?.length,
    1,
  )
  // A's changes leave B's cached answer valid, and the other way round.
  ok(await a.patch(`/v1/products/${inA.p.id}`, { commission_rate: 0.05 }))
  t.equal((await recommend(a, inA.anchor.id)).data[0]!.commission_rate, 0.05)
  t.same(await recommend(b, inB.anchor.id), forB, 'B still answered from its own cache entry')
})

t.test('recommendation cache off: every request computes', async (t) => {
  const { app, databaseUrl } = await buildTestApp(t, { workers: false, config: { RECOMMENDATION_CACHE: 'off' } })
  const owner = postgres(databaseUrl, { max: 1, onnotice: () => {} })
  t.teardown(() => owner.end())
  const mcn = await createTenant(app, { kind: 'mcn' })
  const s = await makeSupplier(mcn)
  const p = await makeProduct(mcn, s.id, { title: 'Original', category: 'beauty' })
  const pool = await makePool(mcn)
  await addToPool(mcn, pool.id, [p.id])
  const anchor = await makeAnchor(mcn)

  const first = await recommend(mcn, anchor.id)
  await new Promise((r) => setTimeout(r, 5))
  const second = await recommend(mcn, anchor.id)
  t.not(second.generated_at, first.generated_at, 'computed again')
  await owner`update selection_index set title = 'Changed behind the API' where id = ${p.id}`
  t.equal((await recommend(mcn, anchor.id)).data[0]!.title, 'Changed behind the API', 'nothing cached')
})

t.test('recommendation cache: entries expire after the maximum age', async (t) => {
  const { app } = await buildTestApp(t, { workers: false })
  configureRecommendationCache(app.db, { maxAgeMs: 50 })
  const mcn = await createTenant(app, { kind: 'mcn' })
  const anchor = await makeAnchor(mcn)
  const first = await cached(t, mcn, anchor.id)
  await new Promise((r) => setTimeout(r, 80))
  t.not((await recommend(mcn, anchor.id)).generated_at, first.generated_at)
})

t.test('RecommendationCache: stamps, LRU bounds, shared computations', async (t) => {
  const cache = new RecommendationCache<{ n: number }>({ enabled: true, maxEntries: 2, maxItems: 10, maxAgeMs: 1000 })
  cache.set('a', 's1', { n: 1 }, 1)
  t.same(cache.lookup('a', 's1'), { n: 1 })
  t.equal(cache.lookup('a', 's2'), undefined, 'another stamp is a miss')
  cache.set('b', 's1', { n: 2 }, 1)
  cache.lookup('a', 's1') // a is now the most recently used
  cache.set('c', 's1', { n: 3 }, 1)
  t.equal(cache.lookup('b', 's1'), undefined, 'the least recently used entry went')
  t.ok(cache.lookup('a', 's1') && cache.lookup('c', 's1'))
  cache.set('d', 's1', { n: 4 }, 10)
  t.equal(cache.size, 1, 'bounded by items held too')
  cache.set('e', 's1', { n: 5 }, 11)
  t.equal(cache.lookup('e', 's1'), undefined, 'a value heavier than the bound is not kept')
  t.ok(cache.get('d', 's1'))
  t.equal(cache.get('d', 's1', Date.now() + 2000), undefined, 'expired')

  let runs = 0
  const compute = async () => {
    runs++
    await new Promise((r) => setTimeout(r, 10))
    return { n: 6 }
  }
  const [x, y] = await Promise.all([
    cache.fill('f', 's1', compute, () => 1),
    Promise.resolve().then(() => cache.lookup('f', 's1') ?? cache.fill('f', 's1', compute, () => 1)),
  ])
  t.equal(runs, 1, 'concurrent misses share one computation')
  t.equal(x, y)
  await t.rejects(
    cache.fill(
      'g',
      's1',
      async () => Promise.reject(new Error('boom')),
      () => 1,
    ),
  )
  t.equal(cache.lookup('g', 's1'), undefined, 'failures are not cached')

  const off = new RecommendationCache<{ n: number }>({ enabled: false, maxEntries: 2, maxItems: 10, maxAgeMs: 1000 })
  await off.fill(
    'a',
    's1',
    async () => ({ n: 1 }),
    () => 1,
  )
  t.equal(off.lookup('a', 's1'), undefined)
})
