import t from 'tap'
import { buildTestApp, createTenant } from '../../helper.js'
import { makePool, makeProduct, makeSupplier } from '../catalog/builders.js'

t.test('brand-tier strategy checks for a planned price or offer', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app, { kind: 'mcn' })
  const price = (amount: number) => ({ amount, currency: 'CNY' })
  const productOf = async (tier: string) =>
    (
      await makeProduct(mcn, (await makeSupplier(mcn, { brand_tier: tier })).id, {
        list_price: price(10000),
        stock: 1000,
      })
    ).id
  const premium = await productOf('premium')
  const mature = await productOf('mature')
  const emerging = await productOf('emerging')
  const check = async (body: Record<string, unknown>) => {
    const res = await mcn.post('/v1/selection/brand-tier-checks', body)
    t.equal(res.statusCode, 200, res.body)
    return res.json() as { verdict: string; discount_rate: number; findings: { code: string; severity: string }[] }
  }
  const codes = (r: { findings: { code: string }[] }) => r.findings.map((f) => f.code)

  // Premium: a small discount with a gift passes; a deep cut is rejected; no gift warns; supply is capped.
  t.match(await check({ product_id: premium, planned_price: price(9500), gift: { description: '定制礼盒' } }), {
    verdict: 'ok',
    discount_rate: 0.05,
    findings: [],
  })
  const deep = await check({ product_id: premium, planned_price: price(7000), gift: { description: 'gift' } })
  t.match(deep, { verdict: 'rejected', discount_rate: 0.3 })
  t.same(codes(deep), ['discount_above_limit'])
  t.same(codes(await check({ product_id: premium, planned_price: price(9500) })), ['gift_preferred'])
  t.equal((await check({ product_id: premium, planned_price: price(9500) })).verdict, 'warning')
  const flood = await check({ product_id: premium, planned_price: price(10000), planned_quantity: 301 })
  t.same(codes(flood), ['supply_above_cap'])
  t.equal(flood.verdict, 'rejected')
  const pool = await makePool(mcn)
  await mcn.post(`/v1/supply-pools/${pool.id}/items`, { product_id: premium, supply_limit: 50 })
  t.same(
    codes(await check({ product_id: premium, planned_price: price(10000), planned_quantity: 60, pool_id: pool.id })),
    ['supply_above_cap'],
    "the pool's limit is the cap",
  )

  // Mature: a moderate band.
  t.equal((await check({ product_id: mature, planned_price: price(8000) })).verdict, 'ok')
  t.same(codes(await check({ product_id: mature, planned_price: price(9800) })), ['discount_below_band'])
  t.same(codes(await check({ product_id: mature, planned_price: price(6000) })), ['discount_above_band'])

  // Emerging: a weak discount does not draw attention.
  const weak = await check({ product_id: emerging, planned_price: price(9500) })
  t.match(weak, { verdict: 'warning', findings: [{ code: 'discount_too_weak', severity: 'warning' }] })
  t.equal((await check({ product_id: emerging, planned_price: price(7000) })).verdict, 'ok')

  // Any tier: above the list price, or more than in stock.
  t.same(codes(await check({ product_id: mature, planned_price: price(12000) })), [
    'price_above_list',
    'discount_below_band',
  ])
  t.same(codes(await check({ product_id: emerging, planned_price: price(7000), planned_quantity: 5000 })), [
    'insufficient_stock',
  ])

  t.equal(
    (
      await mcn.post('/v1/selection/brand-tier-checks', {
        product_id: mature,
        planned_price: { amount: 1, currency: 'USD' },
      })
    ).statusCode,
    422,
  )
  const other = await createTenant(app, { kind: 'mcn' })
  t.equal(
    (await other.post('/v1/selection/brand-tier-checks', { product_id: mature, planned_price: price(1) })).statusCode,
    422,
    "another tenant's product is unknown",
  )
})
