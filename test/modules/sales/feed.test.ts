import t from 'tap'
import { inTenant } from '../../../src/db/tenancy.js'
import { publish } from '../../../src/lib/hooks.js'
import { disputeOpened, refundCompleted } from '../../../src/modules/aftersales/index.js'
import { orderPaid } from '../../../src/modules/orders/index.js'
import { salesRecorded } from '../../../src/modules/sales/index.js'
import { serviceCtx } from '../../fixtures.js'
import { buildTestApp, type Caller, createTenant, waitForJob } from '../../helper.js'
import { daysAgo, importSales, makeAnchor } from '../catalog/builders.js'
import { ok, orderBody, world, type World } from '../orders/builders.js'

/** A rate as supplier reputation reports it (a percentage to two places, as a fraction). */
const rate = (n: number, of: number) => Math.round((n / of) * 10_000 * 100) / 100 / 10_000
/**
 * The UTC day the file runs on, taken once. An order's sale falls on its payment's UTC day, so the
 * orders below are paid early on this day: "an hour ago" lands on yesterday in the first hour
 * after midnight, and a run that crosses midnight would compare two different days.
 */
const today = daysAgo(0)

/** A platform order paid this (UTC) morning: `quantity` units of the world's product at `unitPrice`. */
const paidBody = (w: World, quantity: number, unitPrice: number, extra: Record<string, unknown> = {}) =>
  orderBody(
    w,
    { placed_at: `${today}T00:00:00.000Z`, status: 'paid', paid_at: `${today}T00:00:01.000Z`, ...extra },
    { quantity, unit_price: unitPrice },
  )

async function tierReview(c: Caller) {
  const res = await c.post('/v1/anchor-tier-reviews')
  if (res.statusCode !== 202) throw new Error(`tier review answered ${res.statusCode}: ${res.body}`)
  return waitForJob(c, res.json().id)
}

/** The anchor's GMV as the last tier review measured it, wherever it ranks. */
async function measuredGmv(c: Caller, anchorId: string): Promise<number | undefined> {
  for (const tier of ['head', 'waist', 'tail']) {
    const rows = (await c.get(`/v1/anchor-tier-ranking?tier=${tier}&limit=200`)).json().data
    const row = rows.find((r: { anchor_id: string }) => r.anchor_id === anchorId)
    if (row) return row.measures.gmv
  }
  return undefined
}

async function reputationOf(c: Caller, supplierId: string) {
  const res = await c.post('/v1/supplier-reviews')
  if (res.statusCode !== 202) throw new Error(`supplier review answered ${res.statusCode}: ${res.body}`)
  await waitForJob(c, res.json().id)
  return (await c.get(`/v1/suppliers/${supplierId}`)).json().reputation.components
}

/** The recommendation of `productId` for the anchor, polled until `until` holds (the refresh job runs within ~2 s here). */
async function recommendation(c: Caller, anchorId: string, productId: string, until: (r: any) => boolean) {
  const deadline = Date.now() + 15_000
  let last: any
  while (Date.now() < deadline) {
    const list = (await c.get(`/v1/anchors/${anchorId}/recommendations`)).json()
    last = list.data.find((r: { product_id: string }) => r.product_id === productId)
    if (last && until(last)) return last
    await new Promise((r) => setTimeout(r, 200))
  }
  return last
}

t.test('the sales read from real orders, refunds and disputes', async (t) => {
  const { app } = await buildTestApp(t, { workers: true, config: { SALES_REFRESH_SECONDS: 1 } })
  const mcn = await createTenant(app, { kind: 'mcn' })
  const other = await createTenant(app, { kind: 'mcn' })
  const w = await world(mcn)
  const supplierId = (await mcn.get(`/v1/products/${w.product}`)).json().supplier_id
  const importedOnly = await makeAnchor(mcn, { name: 'Imported only' })

  t.test('GMV: imported history before the first order, orders from then on, a cancel removes one', async (t) => {
    await importSales(mcn, [
      // Before the anchor's first order: counts.
      {
        anchor_id: w.anchor,
        product_id: w.product,
        quantity: 20,
        sold_on: daysAgo(10),
        amount: 50_000,
        returned_quantity: 2,
      },
      // The day of its first order: the orders have it, so the import no longer counts.
      {
        anchor_id: w.anchor,
        product_id: w.product,
        quantity: 100,
        sold_on: today,
        amount: 900_000,
        returned_quantity: 50,
        disputes: 9,
      },
      // An anchor with no order keeps all of its imported history.
      { anchor_id: importedOnly.id, product_id: w.product, quantity: 1, sold_on: today, amount: 8_000 },
    ])
    const before = await tierReview(mcn)
    t.equal(before.state, 'succeeded')
    t.equal(await measuredGmv(mcn, w.anchor), 950_000, 'before any order, all imported history counts')

    const body = paidBody(w, 20, 1_000)
    const first = await mcn.post('/v1/orders', body)
    t.equal(first.statusCode, 201, first.body)
    const resent = await mcn.post('/v1/orders', body)
    t.equal(resent.statusCode, 200, 'an unchanged re-send finds the order')
    t.equal(resent.json().id, first.json().id)
    const cancelled = await ok(await mcn.post('/v1/orders', paidBody(w, 3, 7_000)))
    await ok(await mcn.post(`/v1/orders/${cancelled.id}/cancel`), 200)

    // Imported after the first order, for a day the orders have: recorded, superseded, not counted.
    await importSales(mcn, [
      { anchor_id: w.anchor, product_id: w.product, quantity: 5, sold_on: today, amount: 40_000 },
    ])
    const listed = (await mcn.get(`/v1/anchors/${w.anchor}/sales?limit=100`)).json().data
    t.same(
      listed.map((s: any) => [s.sold_on === today, s.amount.amount, s.order_item_id !== null, s.superseded]).sort(),
      [
        [false, 50_000, false, false],
        [true, 20_000, true, false],
        [true, 40_000, false, true],
        [true, 900_000, false, true],
      ],
      'the paid order is a sale; the imports on its day are superseded; the cancelled order is gone',
    )

    await tierReview(mcn)
    t.equal(
      await measuredGmv(mcn, w.anchor),
      50_000 + 20_000,
      'the import before the first order + the paid order once; the cancelled one and the same-day import not at all',
    )
    t.equal(await measuredGmv(mcn, importedOnly.id), 8_000, 'per anchor: one without orders keeps its import')
    await tierReview(other)
    t.equal(await measuredGmv(other, w.anchor), undefined, 'another tenant sees none of it')
  })

  t.test('returns and disputes from after-sales raise the supplier’s rates; each counts once', async (t) => {
    const plain = await reputationOf(mcn, supplierId)
    // 20 imported units with 2 returned (the same-day import is superseded), 20 ordered, and the
    // other anchor's imported unit.
    t.match(plain, { units_sold: 41, return_rate: rate(2, 41), dispute_rate: 0 })

    const order = await ok(await mcn.post('/v1/orders', paidBody(w, 20, 1_000)))
    const line = order.items[0].id
    const refund = await ok(
      await mcn.post(`/v1/orders/${order.id}/refunds`, {
        reason: 'damaged',
        amount: 5_000,
        order_item_id: line,
        with_return: true,
      }),
    )
    await ok(await mcn.post(`/v1/refunds/${refund.id}/approve`), 200)
    await ok(await mcn.post(`/v1/refunds/${refund.id}/return-shipment`, { tracking_number: 'SF1' }), 200)
    const completed = await ok(await mcn.post(`/v1/refunds/${refund.id}/complete`), 200)
    // A refund without return (仅退款) sends no goods back.
    const kept = await ok(await mcn.post(`/v1/orders/${order.id}/refunds`, { reason: 'not_received', amount: 1_000 }))
    await ok(await mcn.post(`/v1/refunds/${kept.id}/approve`), 200)
    await ok(await mcn.post(`/v1/refunds/${kept.id}/complete`), 200)
    const dispute = await ok(await mcn.post('/v1/disputes', { order_id: order.id, evidence: { text: '罐子压扁了' } }))

    let now = await reputationOf(mcn, supplierId)
    // 61 units: returned 2 + 5 (5,000 of a 20,000 line with return = 5 units), 1 dispute.
    t.match(now, { units_sold: 61, return_rate: rate(7, 61), dispute_rate: rate(1, 61) })

    // The same changes delivered again (a retried subscriber, a replayed hook) change nothing.
    await inTenant(serviceCtx(app, mcn), async (tx) => {
      await publish(tx, refundCompleted, completed)
      await publish(tx, disputeOpened, dispute)
      await publish(tx, orderPaid, order)
    })
    now = await reputationOf(mcn, supplierId)
    t.match(now, { units_sold: 61, return_rate: rate(7, 61), dispute_rate: rate(1, 61) }, 'counted once')
  })

  t.test('rebuilds that meet (the refresh job, a review, an import) wait for each other', async (t) => {
    const ctx = serviceCtx(app, mcn)
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, (_, i) =>
        inTenant(ctx, (tx) => publish(tx, salesRecorded, { jobId: `concurrent-${i}` })),
      ),
    )
    t.same(
      results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok')),
      ['ok', 'ok', 'ok', 'ok'],
    )
  })

  t.test('selection learns from orders after the refresh window: diversity sees what the anchor sold', async (t) => {
    const fresh = await world(mcn)
    const unsold = await recommendation(mcn, fresh.anchor, fresh.product, () => true)
    t.ok(unsold, 'the product is recommended')
    t.equal(unsold.parts.diversity, 0, 'nothing sold yet')

    const order = await ok(await mcn.post('/v1/orders', paidBody(fresh, 2, 2_872)))
    const sold = await recommendation(mcn, fresh.anchor, fresh.product, (r) => r.parts.diversity < 0)
    t.equal(sold.parts.diversity, -1, 'sold in the last 30 days: the diversity penalty')
    t.equal(sold.near_duplicate_of, fresh.product)

    await ok(await mcn.post(`/v1/orders/${order.id}/cancel`), 200)
    const back = await recommendation(mcn, fresh.anchor, fresh.product, (r) => r.parts.diversity === 0)
    t.equal(back.parts.diversity, 0, 'a cancelled order sold nothing')
  })
})
