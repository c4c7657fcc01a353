import t from 'tap'
import postgres from 'postgres'
import { seedCatalog } from '../../../bench/seed-catalog.js'
import { newId } from '../../../src/lib/ids.js'
import { configureCandidateCache, configureRecommendationCache } from '../../../src/modules/selection/cache.js'
import { buildTestApp, callerFor, fetchToken, type Caller } from '../../helper.js'

type List = { candidates_considered: number; data: { product_id: string; commission_rate: number }[] }

// More pool items in reach than SMALL_REACH (3,000), so candidates come from the selection
// index, one list overall and one per category, as in production catalogs.
t.test('candidate lists: every answer equals one computed from nothing cached, before and after writes', async (t) => {
  const { app, databaseUrl } = await buildTestApp(t, { workers: false, config: { RECOMMENDATION_CACHE: 'candidates' } })
  const seed = await seedCatalog(databaseUrl, { products: 4000, suppliers: 120, anchors: 6, salesRows: 3000 })
  const token = await fetchToken(app, { client_id: seed.clientId, client_secret: seed.clientSecret })
  const mcn: Caller = callerFor(app, token, { organizationId: seed.tenantId, ...seed })
  const anchors = (await mcn.get('/v1/anchors?limit=50').then((r) => r.json() as { data: { id: string }[] })).data.map(
    (a) => a.id,
  )
  t.equal(anchors.length, 6)

  // One anchor draws only from a pool of the 3,100 products with the lowest pre-score: more
  // than SMALL_REACH in reach, but few of the index's best, so its candidates come from the
  // pool directly, after the index statement. Set up as the owner before any request.
  const owner = postgres(databaseUrl, { max: 1, onnotice: () => {} })
  t.teardown(() => owner.end())
  const tail = newId('pool')
  const tailAnchor = anchors[1]!
  await owner.begin(async (sql) => {
    await sql`update supply_pools set access = 'listed_anchors' where tenant_id = ${seed.tenantId}`
    await sql`insert into pool_anchors (tenant_id, pool_id, anchor_id)
      select ${seed.tenantId}, p.id, a.id from supply_pools p, anchors a
      where p.tenant_id = ${seed.tenantId} and a.tenant_id = ${seed.tenantId} and a.id <> ${tailAnchor}`
    await sql`insert into supply_pools (tenant_id, id, name, built_by_organization_id, built_by_kind, access, item_count)
      values (${seed.tenantId}, ${tail}, 'Tail pool', ${seed.tenantId}, 'mcn', 'listed_anchors', 3100)`
    await sql`insert into pool_anchors (tenant_id, pool_id, anchor_id) values (${seed.tenantId}, ${tail}, ${tailAnchor})`
    const lowest = await sql<{ id: string }[]>`select id from selection_index where tenant_id = ${seed.tenantId}
      order by prescore asc nulls first, id limit 3100`
    await sql`insert into pool_items ${sql(lowest.map((p) => ({ tenant_id: seed.tenantId, id: newId('poolItem'), pool_id: tail, product_id: p.id })))}`
  })
  const inTail = new Set(
    (await owner<{ id: string }[]>`select product_id as id from pool_items where pool_id = ${tail}`).map((r) => r.id),
  )
  const queries = ['', '?limit=5', '?category=beauty', '?limit=40&category=food']

  const answers = async () => {
    const out: unknown[] = []
    for (const a of anchors)
      for (const q of queries) {
        const res = await mcn.get(`/v1/anchors/${a}/recommendations${q}`)
        t.equal(res.statusCode, 200)
        const { generated_at: _, ...list } = res.json()
        out.push(list)
      }
    return out
  }
  /** With the lists held (asked twice, so the second round reads no candidates), then with none. */
  const compare = async (label: string) => {
    configureCandidateCache(app.db, { enabled: true })
    const first = await answers()
    const held = await answers()
    configureCandidateCache(app.db, { enabled: false })
    const fresh = await answers()
    t.same(held, first, `${label}: the same answers from the lists held`)
    t.same(held, fresh, `${label}: the same answers as with nothing cached`)
    return held as List[]
  }

  const before = await compare('seeded')
  t.ok(
    before.every((l) => l.candidates_considered > 20),
    'candidates came from the index (dozens per anchor)',
  )
  const tailLists = before.slice(queries.length, 2 * queries.length)
  t.ok(
    tailLists.every((l) => l.data.length > 0 && l.data.every((r) => inTail.has(r.product_id))),
    'the tail pool’s anchor got products of its pool only, read from the pool directly',
  )

  // A write through the API changes the tenant's selection version: lists held from before
  // are not used again, whichever anchor asks.
  const top = before[0]!.data[0]!.product_id
  configureCandidateCache(app.db, { enabled: true })
  await answers()
  t.equal((await mcn.patch(`/v1/products/${top}`, { commission_rate: 0.01 })).statusCode, 200)
  const after = await answers()
  const changed = (after[0] as List).data.find((r) => r.product_id === top)
  t.not(changed?.commission_rate, before[0]!.data[0]!.commission_rate, 'the change shows at once')
  t.same(await compare('after a product update'), after, 'and equals a computation from nothing cached')

  // The result cache stays off in this mode: each request ranks afresh.
  configureRecommendationCache(app.db, { enabled: false })
  const one = await mcn.get(`/v1/anchors/${anchors[0]}/recommendations`)
  await new Promise((r) => setTimeout(r, 5))
  const two = await mcn.get(`/v1/anchors/${anchors[0]}/recommendations`)
  t.not(one.json().generated_at, two.json().generated_at)
})
