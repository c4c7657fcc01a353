import t from 'tap'
import { buildTestApp, createTenant } from '../../helper.js'
import { addToPool, makeAnchor, makePool, makeProduct, makeSupplier } from '../catalog/builders.js'

const at = (hour: number) => new Date(Date.UTC(2030, 0, 1, hour)).toISOString()
const cny = (amount: number) => ({ amount, currency: 'CNY' })

t.test('run-of-show: slots from the host’s pools, brand-tier checks, reordering, the going-live gate', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app, { kind: 'mcn' })
  const host = await makeAnchor(mcn, { name: '小雨' })
  const stranger = await makeAnchor(mcn, { name: '阿明' })
  const premium = await makeProduct(mcn, (await makeSupplier(mcn, { brand_tier: 'premium' })).id, {
    title: '高端茶',
    list_price: cny(10000),
  })
  const mature = await makeProduct(mcn, (await makeSupplier(mcn, { brand_tier: 'mature' })).id, {
    title: '成熟茶',
    list_price: cny(10000),
  })
  const outside = await makeProduct(mcn, (await makeSupplier(mcn)).id, { title: 'not pooled' })
  const pool = await makePool(mcn, { access: 'listed_anchors', anchor_ids: [host.id] })
  await addToPool(mcn, pool.id, [premium.id], { supply_limit: 100 })
  await addToPool(mcn, pool.id, [mature.id])
  const closed = await makePool(mcn, { access: 'listed_anchors', anchor_ids: [stranger.id] })
  await addToPool(mcn, closed.id, [mature.id])

  const session = (
    await mcn.post('/v1/sessions', {
      title: '春茶',
      platform: 'douyin',
      planned_start: at(10),
      planned_end: at(12),
      host_anchor_id: host.id,
    })
  ).json()
  const add = (body: Record<string, unknown>) =>
    mcn.post(`/v1/sessions/${session.id}/slots`, { planned_minute: 0, duration_minutes: 10, ...body })

  // What a slot may draw from.
  const refused = async (body: Record<string, unknown>, pointer: string) => {
    const res = await add(body)
    t.equal(res.statusCode, 422, res.body)
    t.match(res.json(), { errors: [{ pointer }] })
  }
  await refused({ product_id: outside.id, pool_id: pool.id, live_price: cny(100) }, '/body/pool_id')
  await refused({ product_id: mature.id, pool_id: closed.id, live_price: cny(100) }, '/body/pool_id')
  await refused(
    { product_id: mature.id, pool_id: pool.id, live_price: { amount: 100, currency: 'USD' } },
    '/body/live_price/currency',
  )
  await refused(
    { product_id: premium.id, pool_id: pool.id, live_price: cny(9500), supply_cap: 101 },
    '/body/supply_cap',
  )

  // Checked against the brand tier: a premium gift slot is fine, a deep premium cut is rejected, a weak mature cut warns.
  const giftRes = await add({
    product_id: premium.id,
    pool_id: pool.id,
    live_price: cny(9500),
    supply_cap: 100,
    offer: { kind: 'gift', description: '茶杯' },
    hero: true,
  })
  t.equal(giftRes.statusCode, 201, giftRes.body)
  const gift = giftRes.json()
  t.match(gift, { position: 0, hero: true, check: { brand_tier: 'premium', verdict: 'ok', findings: [] } })
  const cut = (
    await add({ product_id: premium.id, pool_id: pool.id, live_price: cny(7000), planned_minute: 10 })
  ).json()
  t.match(cut, {
    position: 1,
    check: { verdict: 'rejected', findings: [{ code: 'discount_above_limit', severity: 'violation' }] },
  })
  const weak = (
    await add({ product_id: mature.id, pool_id: pool.id, live_price: cny(9800), planned_minute: 20 })
  ).json()
  t.match(weak, { position: 2, check: { verdict: 'warning', findings: [{ code: 'discount_below_band' }] } })

  const plan = await mcn.get(`/v1/sessions/${session.id}/run-of-show`)
  t.equal(plan.statusCode, 200)
  t.equal(plan.headers.etag, '"4"')
  t.match(plan.json(), {
    version: 4,
    rejected_slot_ids: [cut.id],
    warnings: [{ slot_id: weak.id, code: 'discount_below_band' }],
  })

  // A rejection blocks going live, listing the slots.
  const blocked = await mcn.post(`/v1/sessions/${session.id}/status`, { status: 'live' })
  t.equal(blocked.statusCode, 409, blocked.body)
  t.match(blocked.json(), {
    rejected_slots: [{ slot_id: cut.id, position: 1, findings: [{ code: 'discount_above_limit' }] }],
  })
  t.match(blocked.json().detail, cut.id)
  t.equal((await mcn.get(`/v1/sessions/${session.id}`)).json().status, 'scheduled')

  // Reordering: one call, If-Match on the run-of-show, the whole list exactly once.
  const order = (ids: string[], etag?: string) =>
    mcn.request({
      method: 'PUT',
      url: `/v1/sessions/${session.id}/run-of-show/order`,
      payload: { slot_ids: ids },
      headers: etag ? { 'if-match': etag } : {},
    })
  t.equal((await order([weak.id, gift.id, cut.id], '"3"')).statusCode, 412)
  t.equal((await order([weak.id, gift.id], '"4"')).statusCode, 422)
  t.equal((await order([weak.id, gift.id, cut.id, 'slot_01h00000000000000000000000'], '"4"')).statusCode, 422)
  const reordered = await order([weak.id, cut.id, gift.id], '"4"')
  t.equal(reordered.statusCode, 200, reordered.body)
  t.equal(reordered.headers.etag, '"5"')
  t.same(
    reordered.json().slots.map((s: { id: string; position: number }) => [s.id, s.position]),
    [
      [weak.id, 0],
      [cut.id, 1],
      [gift.id, 2],
    ],
  )

  // Fixing the rejected slot lets the session go live; the supply cap still may not pass the pool's limit.
  t.equal((await mcn.patch(`/v1/slots/${gift.id}`, { supply_cap: 150 })).statusCode, 422)
  const fixed = await mcn.patch(
    `/v1/slots/${cut.id}`,
    { live_price: cny(9200), offer: { kind: 'gift' } },
    { 'if-match': '"2"' },
  )
  t.equal(fixed.statusCode, 200, fixed.body)
  t.match(fixed.json(), { version: 3, check: { verdict: 'ok' } })
  t.equal((await mcn.patch(`/v1/slots/${cut.id}`, { hero: true }, { 'if-match': '"2"' })).statusCode, 412)
  t.equal((await mcn.delete(`/v1/slots/${weak.id}`)).statusCode, 204)
  t.same(
    (await mcn.get(`/v1/sessions/${session.id}/run-of-show`))
      .json()
      .slots.map((s: { id: string; position: number }) => [s.id, s.position]),
    [
      [cut.id, 0],
      [gift.id, 1],
    ],
  )
  // A pool limit lowered after planning shows up as a violation at once.
  const item = (await mcn.get(`/v1/supply-pools/${pool.id}/items`))
    .json()
    .data.find((i: { product_id: string }) => i.product_id === premium.id)
  t.equal((await mcn.patch(`/v1/pool-items/${item.id}`, { supply_limit: 50 })).statusCode, 200)
  t.match((await mcn.get(`/v1/slots/${gift.id}`)).json(), {
    check: { verdict: 'rejected', findings: [{ code: 'supply_above_cap' }] },
  })
  t.equal((await mcn.post(`/v1/sessions/${session.id}/status`, { status: 'live' })).statusCode, 409)
  t.equal((await mcn.patch(`/v1/slots/${gift.id}`, { supply_cap: 50 })).statusCode, 200)

  const live = await mcn.post(`/v1/sessions/${session.id}/status`, { status: 'live' })
  t.equal(live.statusCode, 200, live.body)
  t.equal(
    (await add({ product_id: mature.id, pool_id: pool.id, live_price: cny(8000) })).statusCode,
    409,
    'planned before going live',
  )
  t.equal((await mcn.patch(`/v1/slots/${gift.id}`, { hero: false })).statusCode, 409)

  // Live control names slots: the timeline then says which slot was shown.
  const pin = (body: Record<string, unknown>) => mcn.post(`/v1/sessions/${session.id}/pin`, body)
  t.equal((await pin({ slot_id: gift.id, product_id: premium.id })).statusCode, 400)
  t.equal((await pin({})).statusCode, 400)
  const pinned = await pin({ slot_id: gift.id })
  t.equal(pinned.statusCode, 201, pinned.body)
  t.match(pinned.json(), { kind: 'pin', slot_id: gift.id, product_id: premium.id, sku_id: null })
  const shelved = await mcn.post(`/v1/sessions/${session.id}/shelf`, { slot_id: cut.id, on_shelf: true })
  t.match(shelved.json(), { kind: 'shelf', slot_id: cut.id, product_id: premium.id })
  const elsewhere = (
    await mcn.post('/v1/sessions', {
      title: 'other',
      platform: 'douyin',
      planned_start: at(14),
      planned_end: at(15),
      host_anchor_id: host.id,
    })
  ).json()
  t.match((await mcn.post(`/v1/sessions/${elsewhere.id}/pin`, { slot_id: gift.id })).json(), {
    code: 'conflict',
    session_status: 'scheduled',
  })
  t.same(
    (await mcn.get(`/v1/sessions/${session.id}/timeline`)).json().data.map((s: { slot_id: string }) => s.slot_id),
    [gift.id, cut.id],
  )

  // GraphQL reads the run-of-show through a loader.
  const gql = await mcn.post('/graphql', {
    query: `{ sessions { data { id run_of_show { version slots { id position check { verdict } } } } } }`,
  })
  t.equal(gql.statusCode, 200, gql.body)
  t.same(
    gql
      .json()
      .data.sessions.data.find((s: { id: string }) => s.id === session.id)
      .run_of_show.slots.map((s: { id: string }) => s.id),
    [cut.id, gift.id],
  )
})
