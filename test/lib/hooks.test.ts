import { sql } from 'drizzle-orm'
import t from 'tap'
import { inTenant } from '../../src/db/tenancy.js'
import { Type } from 'typebox'
import { declareEvent } from '../../src/lib/event-catalog.js'
import { defineChange, publish, subscribe, subscriptions } from '../../src/lib/hooks.js'
import { productsChanged } from '../../src/modules/catalog/index.js'
import { serviceCtx } from '../fixtures.js'
import { buildTestApp, createTenant } from '../helper.js'
import { addToPool, makeAnchor, makePool, makeProduct, makeSupplier } from '../modules/catalog/builders.js'

t.test('domain hooks', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app, { kind: 'mcn' })
  const ctx = serviceCtx(app, mcn)

  t.test('a writer that only publishes its change keeps recommendations fresh', async (t) => {
    const supplier = await makeSupplier(mcn)
    const kept = await makeProduct(mcn, supplier.id, { title: 'Kept' })
    const archived = await makeProduct(mcn, supplier.id, { title: 'Archived behind the API’s back' })
    const pool = await makePool(mcn)
    await addToPool(mcn, pool.id, [kept.id, archived.id])
    const anchor = await makeAnchor(mcn)
    const ids = async () =>
      (await mcn.get(`/v1/anchors/${anchor.id}/recommendations`))
        .json()
        .data.map((r: { product_id: string }) => r.product_id)
    t.same((await ids()).sort(), [kept.id, archived.id].sort(), 'both recommended (and now cached)')

    // No catalog service involved: the write and one publish, nothing that knows selection exists.
    await inTenant(ctx, async (tx) => {
      await tx.tx.execute(
        sql`update products set status = 'archived' where tenant_id = ${tx.tenantId} and id = ${archived.id}`,
      )
      await publish(tx, productsChanged, { productIds: [archived.id] })
    })
    t.same(await ids(), [kept.id], 'the archived product left the recommendations at once')
  })

  t.test('a failing subscriber rolls the write back; a change becomes its public event', async (t) => {
    // A public event is declared in the catalog like any other (GET /v1/events?type= knows only those).
    declareEvent(
      'test.supplier_noted',
      'A test change became public',
      Type.Object({ supplierId: Type.String(), fail: Type.Boolean() }),
      {
        resource: { type: 'supplier', id: 'sup_01m8ftpx70eedb5gneam2g90me', version: 1 },
        data: { supplierId: 'sup_01m8ftpx70eedb5gneam2g90me', fail: false },
        occurred_at: '2026-11-30T08:00:00.000Z',
      },
    )
    const noted = defineChange<{ supplierId: string; fail: boolean }>('test.supplier_noted', {
      event: (p) => ({
        type: 'test.supplier_noted',
        resource: { type: 'supplier', id: p.supplierId, version: 1 },
        data: p,
      }),
    })
    const seen: string[] = []
    subscribe(noted, 'first', async (_tx, p) => void seen.push(`first:${p.supplierId}`))
    subscribe(noted, 'second', async (_tx, p) => {
      seen.push(`second:${p.supplierId}`)
      if (p.fail) throw new Error('derived data cannot follow')
    })
    t.throws(() => subscribe(noted, 'first', async () => {}), /subscribes to test.supplier_noted twice/)
    t.match(
      subscriptions().find((s) => s.change === 'test.supplier_noted'),
      { by: ['first', 'second'], event: true },
    )

    const supplier = await makeSupplier(mcn, { name: 'Before' })
    const rename = (fail: boolean) =>
      inTenant(ctx, async (tx) => {
        await tx.tx.execute(
          sql`update suppliers set name = 'After' where tenant_id = ${tx.tenantId} and id = ${supplier.id}`,
        )
        await publish(tx, noted, { supplierId: supplier.id, fail })
      })

    await t.rejects(rename(true), /derived data cannot follow/)
    t.same(seen, [`first:${supplier.id}`, `second:${supplier.id}`], 'subscribers ran in order, in the transaction')
    t.equal((await mcn.get(`/v1/suppliers/${supplier.id}`)).json().name, 'Before', 'the write rolled back')
    t.equal((await mcn.get('/v1/events?type=test.supplier_noted')).json().data.length, 0, 'and so did its event')

    await rename(false)
    t.equal((await mcn.get(`/v1/suppliers/${supplier.id}`)).json().name, 'After')
    const events = (await mcn.get('/v1/events?type=test.supplier_noted')).json().data
    t.equal(events.length, 1, 'the committed change wrote its event once')
    t.match(events[0], {
      resource: { type: 'supplier', id: supplier.id },
      data: { supplierId: supplier.id, fail: false },
    })
  })

  t.test('selection subscribes to every change it derives from, and nobody subscribes to nothing', async (t) => {
    const bySelection = subscriptions()
      .filter((s) => s.by.includes('selection'))
      .map((s) => s.change)
    t.same(bySelection, [
      'anchor.changed',
      'pool.changed',
      'products.changed',
      'sales.recorded',
      'supplier.changed',
      'supplier.reputations_reviewed',
      'supplier.status_changed',
    ])
  })
})
