import { sql } from 'drizzle-orm'
import t from 'tap'
import { buildTestApp, createTenant } from '../../helper.js'
import { ok, orderBody, world } from './builders.js'

t.test('supply caps drawn by paid orders', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app, { kind: 'mcn' })
  const used = async (table: 'run_of_show_slots' | 'pool_items', column: 'id' | 'pool_id', id: string) => {
    const rows = await app.db.execute<{ supply_used: number }>(
      sql`select supply_used from ${sql.identifier(table)} where ${sql.identifier(column)} = ${id}`,
    )
    return Number(rows[0]!.supply_used)
  }

  t.test('20 concurrent pays of 1 unit against a slot cap of 10', async (t) => {
    const w = await world(mcn, { slotCap: 10 })
    const created = await Promise.all(Array.from({ length: 20 }, () => mcn.post('/v1/orders', orderBody(w))))
    const ids = created.map((r) => r.json().id as string)
    const paid = await Promise.all(
      ids.map((id, i) => mcn.post(`/v1/orders/${id}/pay`, {}, { 'idempotency-key': `pay-${i}` })),
    )
    t.same(
      paid.map((r) => r.statusCode),
      Array(20).fill(200),
      'every platform order is accepted: the platform sold it already',
    )
    const items = paid.map((r) => r.json().items[0])
    t.equal(items.filter((i) => i.oversold === null).length, 10, 'exactly 10 fit the cap')
    t.equal(items.filter((i) => i.oversold === 'slot_supply_cap').length, 10, 'the other 10 are flagged')
    t.equal(await used('run_of_show_slots', 'id', w.slot), 10, 'the slot’s counter stops at its cap')
    t.equal(await used('pool_items', 'pool_id', w.pool), 20, 'the unlimited pool item drew every unit')

    // Cancelling a paid line that fitted gives its unit back; one that was oversold gives nothing.
    const fitted = paid.find((r) => r.json().items[0].oversold === null)!.json()
    const flagged = paid.find((r) => r.json().items[0].oversold !== null)!.json()
    await ok(await mcn.post(`/v1/orders/${fitted.id}/cancel`), 200)
    t.equal(await used('run_of_show_slots', 'id', w.slot), 9)
    await ok(await mcn.post(`/v1/orders/${flagged.id}/cancel`), 200)
    t.equal(await used('run_of_show_slots', 'id', w.slot), 9, 'an oversold line drew nothing, so gives nothing back')
    t.equal(await used('pool_items', 'pool_id', w.pool), 18)
    const next = await ok(await mcn.post('/v1/orders', orderBody(w, { status: 'paid' })))
    t.equal(next.items[0].oversold, null, 'the unit given back is sold again')
    t.equal(await used('run_of_show_slots', 'id', w.slot), 10)
  })

  t.test('a pool supply limit, and a line larger than what is left', async (t) => {
    const w = await world(mcn, { poolLimit: 5 })
    const a = await ok(
      await mcn.post('/v1/orders', orderBody(w, { status: 'paid' }, { quantity: 3, slot_id: undefined })),
    )
    t.equal(a.items[0].oversold, null)
    const b = await ok(
      await mcn.post('/v1/orders', orderBody(w, { status: 'paid' }, { quantity: 3, slot_id: undefined })),
    )
    t.equal(b.items[0].oversold, 'pool_supply_limit', '3 more do not fit the 2 left: flagged, nothing drawn')
    t.equal(await used('pool_items', 'pool_id', w.pool), 3)
    const c = await ok(
      await mcn.post('/v1/orders', orderBody(w, { status: 'paid' }, { quantity: 2, slot_id: undefined })),
    )
    t.equal(c.items[0].oversold, null, 'the 2 left still sell')
    t.equal(await used('pool_items', 'pool_id', w.pool), 5)
    const events = (await mcn.get('/v1/events?limit=200')).json().data
    const paidEvent = events.find((e: any) => e.type === 'order.paid' && e.resource.id === b.id)
    t.equal(paidEvent.data.items[0].oversold, 'pool_supply_limit', 'order.paid carries the flag')
    const unpaid = await ok(await mcn.post('/v1/orders', orderBody(w, {}, { quantity: 4, slot_id: undefined })))
    await ok(await mcn.post(`/v1/orders/${unpaid.id}/cancel`), 200)
    t.equal(
      await used('pool_items', 'pool_id', w.pool),
      5,
      'an unpaid order never drew, so cancelling it gives nothing',
    )
  })

  t.test('a slot line the platform sent without its pool still draws the slot’s pool', async (t) => {
    const w = await world(mcn, { poolLimit: 2 })
    const sent = orderBody(w, { status: 'paid', paid_at: '2026-01-01T10:06:00Z' }, { quantity: 2, pool_id: undefined })
    const a = await ok(await mcn.post('/v1/orders', sent))
    t.equal(a.items[0].pool_id, w.pool, 'the line names the pool its slot sells from')
    t.equal(a.items[0].oversold, null)
    t.equal(await used('pool_items', 'pool_id', w.pool), 2, 'the pool’s limit is drawn')
    const b = await ok(await mcn.post('/v1/orders', orderBody(w, { status: 'paid' }, { pool_id: undefined })))
    t.equal(b.items[0].oversold, 'pool_supply_limit', 'past the pool’s limit it is flagged, as with the pool named')
    const again = await mcn.post('/v1/orders', sent)
    t.equal(again.statusCode, 200, `the same re-send is the same order, unchanged: ${again.body}`)
    t.equal(again.json().version, a.version)
  })
})
