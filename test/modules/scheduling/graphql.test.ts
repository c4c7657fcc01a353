import t from 'tap'
import { buildTestApp, createTenant } from '../../helper.js'
import { addToPool, makeAnchor, makePool, makeProduct, makeSupplier } from '../catalog/builders.js'

const at = (day: number, hour: number) => new Date(Date.UTC(2030, 0, day, hour)).toISOString()

t.test('GraphQL: sessions with their anchors, crew and run-of-show in a fixed number of queries', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app, { kind: 'mcn' })
  const crew = (await mcn.post('/v1/crew-members', { name: '阿杰', roles: ['copywriter', 'designer'] })).json()
  const pool = await makePool(mcn)
  const products = [
    await makeProduct(mcn, (await makeSupplier(mcn)).id, { title: 'tea' }),
    await makeProduct(mcn, (await makeSupplier(mcn, { brand_tier: 'premium' })).id, { title: 'cup' }),
  ]
  await addToPool(
    mcn,
    pool.id,
    products.map((p) => p.id),
  )
  const sessions: string[] = []
  for (let i = 0; i < 8; i++) {
    const host = await makeAnchor(mcn, { name: `host ${i}` })
    const guest = await makeAnchor(mcn, { name: `guest ${i}` })
    const res = await mcn.post('/v1/sessions', {
      title: `session ${i}`,
      platform: 'douyin',
      planned_start: at(i + 1, 10),
      planned_end: at(i + 1, 12),
      host_anchor_id: host.id,
      guest_anchor_ids: [guest.id],
      crew: [{ crew_member_id: crew.id, role: i % 2 ? 'copywriter' : 'designer' }],
    })
    t.equal(res.statusCode, 201, res.body)
    sessions.push(res.json().id)
    for (const product of products.slice(0, 1 + (i % 2))) {
      const slot = await mcn.post(`/v1/sessions/${res.json().id}/slots`, {
        product_id: product.id,
        pool_id: pool.id,
        planned_minute: 0,
        duration_minutes: 10,
        live_price: { amount: 8000, currency: 'CNY' },
      })
      t.equal(slot.statusCode, 201, slot.body)
    }
  }

  const query = `query ($first: Int) {
    sessions(first: $first) { data { id title anchors { role anchor { name } } crew { role crew_member { name roles } }
      run_of_show { version slots { product_id check { brand_tier verdict } } } } }
  }`
  const sql = app.database.sql as unknown as { options: { debug?: unknown } }
  const run = async (first: number) => {
    let count = 0
    // The revocation cache's heartbeat NOTIFY runs on the same pool every 100 ms; it is not the request's.
    sql.options.debug = (_connection: unknown, query: string) => {
      if (!query.includes('pg_notify')) count++
    }
    const res = await mcn.post('/graphql', { query, variables: { first } })
    sql.options.debug = undefined
    t.equal(res.statusCode, 200, res.body)
    t.equal(res.json().errors, undefined)
    return { data: res.json().data.sessions.data, count }
  }
  // The first request of a process warms caches (signing keys) that later requests skip.
  await run(1)
  const small = await run(2)
  const large = await run(8)
  t.equal(small.data.length, 2)
  t.equal(large.data.length, 8)
  t.same(
    large.data.map((s: { id: string }) => s.id),
    [...sessions].reverse(),
  )
  t.match(large.data[0], {
    title: 'session 7',
    anchors: [
      { role: 'host', anchor: { name: 'host 7' } },
      { role: 'guest', anchor: { name: 'guest 7' } },
    ],
    crew: [{ role: 'copywriter', crew_member: { name: '阿杰', roles: ['copywriter', 'designer'] } }],
    run_of_show: {
      slots: [
        { product_id: products[0]!.id, check: { brand_tier: 'mature', verdict: 'ok' } },
        { product_id: products[1]!.id, check: { brand_tier: 'premium', verdict: 'rejected' } },
      ],
    },
  })
  t.ok(small.count > 0, `${small.count} queries for 2 sessions`)
  t.equal(large.count, small.count, `the same ${small.count} queries for 8 sessions`)
})
