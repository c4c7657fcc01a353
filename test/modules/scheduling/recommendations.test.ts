import t from 'tap'
import { buildTestApp, createTenant } from '../../helper.js'
import { addToPool, makeAnchor, makePool, makeProduct, makeSupplier } from '../catalog/builders.js'

const at = (hour: number) => new Date(Date.UTC(2030, 0, 1, hour)).toISOString()

t.test('recommendations for a session: its anchors’ rankings merged, without what the run-of-show has', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app, { kind: 'mcn' })
  const host = await makeAnchor(mcn, {
    name: '小美',
    categories: ['beauty'],
    audience: { interests: [{ category: 'beauty', weight: 0.9 }] },
  })
  const guest = await makeAnchor(mcn, {
    name: '阿厨',
    categories: ['food'],
    audience: { interests: [{ category: 'food', weight: 0.9 }] },
  })
  const supplier = await makeSupplier(mcn)
  const planned = await makeProduct(mcn, supplier.id, { title: '面膜', category: 'beauty' })
  const serum = await makeProduct(mcn, supplier.id, { title: '精华液', category: 'beauty' })
  const noodles = await makeProduct(mcn, supplier.id, { title: '螺蛳粉', category: 'food' })
  const pool = await makePool(mcn, { access: 'listed_anchors', anchor_ids: [host.id, guest.id] })
  await addToPool(mcn, pool.id, [planned.id, serum.id, noodles.id])
  const session = (
    await mcn.post('/v1/sessions', {
      title: '周末场',
      platform: 'douyin',
      planned_start: at(10),
      planned_end: at(12),
      host_anchor_id: host.id,
      guest_anchor_ids: [guest.id],
    })
  ).json()
  const slot = await mcn.post(`/v1/sessions/${session.id}/slots`, {
    product_id: planned.id,
    pool_id: pool.id,
    planned_minute: 0,
    duration_minutes: 10,
    live_price: { amount: 9000, currency: 'CNY' },
  })
  t.equal(slot.statusCode, 201, slot.body)

  const res = await mcn.get(`/v1/sessions/${session.id}/recommendations`)
  t.equal(res.statusCode, 200, res.body)
  const list = res.json()
  t.match(list, { session_id: session.id, anchor_ids: [host.id, guest.id], run_of_show_categories: ['beauty'] })
  const ids = list.data.map((r: { product_id: string }) => r.product_id)
  t.notOk(ids.includes(planned.id), 'what the run-of-show has is left out')
  t.same(
    list.data.map((r: { rank: number }) => r.rank),
    ids.map((_: string, i: number) => i + 1),
  )

  // Each product's session score, recomputed from the anchors' own rankings.
  const scoreOf = async (anchorId: string) =>
    new Map<string, number>(
      (await mcn.get(`/v1/anchors/${anchorId}/recommendations`))
        .json()
        .data.map((r: { product_id: string; score: number }) => [r.product_id, r.score]),
    )
  const [hostScores, guestScores] = [await scoreOf(host.id), await scoreOf(guest.id)]
  for (const [product, fillsGap] of [
    [serum.id, false],
    [noodles.id, true],
  ] as const) {
    const entry = list.data.find((r: { product_id: string }) => r.product_id === product)
    const expected = Math.max(hostScores.get(product) ?? -Infinity, 0.5 * (guestScores.get(product) ?? -Infinity))
    t.match(entry, { fills_gap: fillsGap, for_anchor_ids: [host.id, guest.id] })
    t.equal(entry.session_score, Math.round((expected + (fillsGap ? 0.1 : 0)) * 10000) / 10000)
  }
  const scores = list.data.map((r: { session_score: number }) => r.session_score)
  t.same(
    scores,
    [...scores].sort((a: number, b: number) => b - a),
    'best first',
  )

  t.equal((await mcn.get(`/v1/sessions/${session.id}/recommendations?limit=1`)).json().data.length, 1)
  t.equal((await mcn.get('/v1/sessions/ses_01h00000000000000000000000/recommendations')).statusCode, 404)
  const other = await createTenant(app, { kind: 'mcn' })
  t.equal((await other.get(`/v1/sessions/${session.id}/recommendations`)).statusCode, 404)
})
