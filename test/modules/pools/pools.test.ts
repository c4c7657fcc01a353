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
} from '../catalog/builders.js'

const ids = (res: { json(): any }) => res.json().data.map((r: { product_id: string }) => r.product_id)

t.test('supply pools: items with pool prices, anchor access, and pools shared by a platform', async (t) => {
  const { app } = await buildTestApp(t, { workers: true })
  const mcn = await createTenant(app, { kind: 'mcn' })
  const supplier = await makeSupplier(mcn)
  const a = await makeProduct(mcn, supplier.id, {
    title: 'A',
    category: 'beauty',
    list_price: { amount: 10000, currency: 'CNY' },
  })
  const b = await makeProduct(mcn, supplier.id, { title: 'B', category: 'beauty' })
  const star = await makeAnchor(mcn, { name: 'Star' })
  const rookie = await makeAnchor(mcn, { name: 'Rookie' })

  const open = await makePool(mcn, { name: 'Everyone' })
  t.match(open, {
    id: /^pool_/,
    access: 'all_anchors',
    built_by: { organization_id: mcn.organizationId, kind: 'mcn' },
    item_count: 0,
  })
  const item = await mcn.post(`/v1/supply-pools/${open.id}/items`, {
    product_id: a.id,
    price: { amount: 8800, currency: 'CNY' },
    supply_limit: 500,
  })
  t.equal(item.statusCode, 201)
  t.match(item.json(), { id: /^pitm_/, price: { amount: 8800, currency: 'CNY' }, supply_limit: 500 })
  t.equal((await mcn.post(`/v1/supply-pools/${open.id}/items`, { product_id: a.id })).statusCode, 409)
  t.equal(
    (await mcn.post(`/v1/supply-pools/${open.id}/items`, { product_id: b.id, price: { amount: 1, currency: 'USD' } }))
      .statusCode,
    422,
  )
  t.equal((await mcn.get(`/v1/supply-pools/${open.id}`)).json().item_count, 1)

  const vip = await makePool(mcn, { name: 'Star only', access: 'listed_anchors', anchor_ids: [star.id] })
  t.same(vip.anchor_ids, [star.id])
  await addToPool(mcn, vip.id, [b.id])
  t.equal(
    (
      await mcn.post('/v1/supply-pools', {
        name: 'x',
        access: 'listed_anchors',
        anchor_ids: ['anc_01h00000000000000000000000'],
      })
    ).statusCode,
    422,
  )

  // The pool price sets the recommended price; a listed pool is only the listed anchor's.
  const forStar = (await mcn.get(`/v1/anchors/${star.id}/recommendations`)).json()
  t.same(new Set(forStar.data.map((r: { product_id: string }) => r.product_id)), new Set([a.id, b.id]))
  const recA = forStar.data.find((r: { product_id: string }) => r.product_id === a.id)
  t.match(recA, {
    price: { amount: 8800 },
    list_price: { amount: 10000 },
    pool_ids: [open.id],
    supply_limit: 500,
    expected_commission: { amount: 1760 },
  })
  t.same(ids(await mcn.get(`/v1/anchors/${rookie.id}/recommendations`)), [a.id])

  // Changing a pool: archive hides it; items can be repriced and removed.
  const itemId = item.json().id
  t.equal((await mcn.patch(`/v1/pool-items/${itemId}`, { price: null }, { 'if-match': '"1"' })).json().price, null)
  t.equal((await mcn.patch(`/v1/supply-pools/${vip.id}`, { status: 'archived' })).statusCode, 200)
  t.same(ids(await mcn.get(`/v1/anchors/${star.id}/recommendations`)), [a.id])
  t.equal((await mcn.delete(`/v1/pool-items/${itemId}`)).statusCode, 204)
  t.equal((await mcn.get(`/v1/pool-items/${itemId}`)).statusCode, 404)
  t.same(ids(await mcn.get(`/v1/anchors/${star.id}/recommendations`)), [])
  t.equal((await mcn.get(`/v1/supply-pools/${open.id}`)).json().item_count, 0)

  // A platform builds a pool in its own tenant and shares it with the MCN.
  const platform = await createTenant(app, { kind: 'platform' })
  const platformSupplier = await makeSupplier(platform, { name: 'Platform brand', micro: true })
  const shared = await makeProduct(platform, platformSupplier.id, { title: 'Platform exclusive', category: 'food' })
  const platformPool = await makePool(platform, { name: 'Platform 专供' })
  t.equal(platformPool.built_by.kind, 'platform')
  await addToPool(platform, platformPool.id, [shared.id], { price: { amount: 5000, currency: 'CNY' } })
  t.equal((await mcn.get(`/v1/supply-pools/${platformPool.id}`)).statusCode, 404, 'not shared yet: not found')
  t.same(ids(await mcn.get(`/v1/anchors/${rookie.id}/recommendations`)), [])

  t.equal(
    (await platform.post(`/v1/supply-pools/${platformPool.id}/grants`, { organization_id: platform.organizationId }))
      .statusCode,
    422,
    'not with itself',
  )
  const grant = await platform.post(`/v1/supply-pools/${platformPool.id}/grants`, {
    organization_id: mcn.organizationId,
  })
  t.equal(grant.statusCode, 201)
  t.match(grant.json(), {
    id: /^pgr_/,
    pool_id: platformPool.id,
    organization_id: mcn.organizationId,
    revoked_at: null,
  })
  t.equal(
    (await mcn.post(`/v1/supply-pools/${platformPool.id}/grants`, { organization_id: mcn.organizationId })).statusCode,
    404,
    'only the owner shares',
  )

  const sharedList = (await mcn.get('/v1/shared-supply-pools')).json().data
  t.match(sharedList, [
    { pool_id: platformPool.id, name: 'Platform 专供', item_count: 1, owner_organization_id: platform.organizationId },
  ])
  const rec = (await mcn.get(`/v1/anchors/${rookie.id}/recommendations`)).json().data
  t.match(rec, [
    {
      product_id: shared.id,
      owner_organization_id: platform.organizationId,
      price: { amount: 5000 },
      micro_supplier: true,
    },
  ])
  t.equal((await mcn.get(`/v1/products/${shared.id}`)).statusCode, 404, 'the shared product is drawn from, not owned')

  // Sales of a shared product can be imported by the MCN.
  const sales = await importSales(mcn, [
    { anchor_id: rookie.id, product_id: shared.id, quantity: 3, sold_on: daysAgo(1) },
  ])
  t.match(sales, { state: 'succeeded', progress: { succeeded: 1, failed: 0 } })

  // Another MCN sees none of it; revoking stops the sharing at once.
  const outsider = await createTenant(app, { kind: 'mcn' })
  const outsiderAnchor = await makeAnchor(outsider)
  t.same(ids(await outsider.get(`/v1/anchors/${outsiderAnchor.id}/recommendations`)), [])
  t.same((await outsider.get('/v1/shared-supply-pools')).json().data, [])
  const rejected = await importSales(outsider, [
    { anchor_id: outsiderAnchor.id, product_id: shared.id, quantity: 1, sold_on: daysAgo(1) },
  ])
  t.match(rejected.errors, [{ line: 1, errors: [{ field: 'product_id', code: 'not_found' }] }])
  t.equal(
    (await platform.post(`/v1/supply-pools/${platformPool.id}/grants/revoke`, { organization_id: mcn.organizationId }))
      .statusCode,
    200,
  )
  t.same(ids(await mcn.get(`/v1/anchors/${rookie.id}/recommendations`)), [])
  t.same((await mcn.get('/v1/shared-supply-pools')).json().data, [])
  t.equal((await platform.get(`/v1/supply-pools/${platformPool.id}/grants`)).json().data[0].revoked_at !== null, true)
})
