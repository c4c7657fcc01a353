import t from 'tap'
import { Webhook } from 'standardwebhooks'
import { buildTestApp, createTenant, waitForJob } from '../../helper.js'
import { makeAnchor, makePool, makeProduct, makeSupplier } from '../catalog/builders.js'
import { installedApp } from './installed-app.js'
import { startReceiver } from './receiver.js'

t.test('today’s resources emit their events, each carrying the resource as GET shows it', async (t) => {
  const { app } = await buildTestApp(t, { workers: true, config: { NODE_ENV: 'development' } })
  const mcn = await createTenant(app)
  const receiver = await startReceiver(t)
  const { secret } = (
    await mcn.post('/v1/webhook-endpoints', {
      url: receiver.url,
      event_types: ['product.*', 'anchor.*', 'supply_pool.*', 'installation.*'],
    })
  ).json()

  const supplier = await makeSupplier(mcn)
  const product = await makeProduct(mcn, supplier.id)
  const changedProduct = (await mcn.patch(`/v1/products/${product.id}`, { title: 'Renamed' })).json()
  const anchor = await makeAnchor(mcn)
  const changedAnchor = (await mcn.patch(`/v1/anchors/${anchor.id}`, { name: 'Renamed' })).json()
  const pool = await makePool(mcn)
  const changedPool = (await mcn.patch(`/v1/supply-pools/${pool.id}`, { name: 'Renamed' })).json()
  const { installationId } = await installedApp(app, mcn, ['catalog:read'])
  const uninstalled = (await mcn.delete(`/v1/installations/${installationId}`)).json()
  await mcn.delete(`/v1/installations/${installationId}`)

  const expected = [
    ['product.created', product],
    ['product.updated', changedProduct],
    ['anchor.created', anchor],
    ['anchor.updated', changedAnchor],
    ['supply_pool.created', pool],
    ['supply_pool.updated', changedPool],
    ['installation.created', { id: installationId, revoked_at: null }],
    ['installation.deleted', uninstalled],
  ] as const
  // The supplier made on the way is admitted and says so (supplier.admitted); this test is about the others.
  const events = (await mcn.get('/v1/events?limit=200'))
    .json()
    .data.reverse()
    .filter((e: { type: string }) => !e.type.startsWith('supplier.'))
  t.same(
    events.map((e: { type: string }) => e.type),
    expected.map(([type]) => type),
    'one event per change, in order; uninstalling twice is told once',
  )
  for (const [i, [type, resource]] of expected.entries()) {
    t.match(events[i], { type, resource: { id: resource.id }, data: resource }, type)
    t.equal(events[i].resource.version, events[i].data.version, `${type}: resource version is the resource's`)
  }

  await receiver.waitFor(expected.length)
  const delivered = receiver.deliveries.map((d) =>
    new Webhook(secret).verify(d.body, d.headers as Record<string, string>),
  )
  t.same(
    (delivered as { id: string }[]).map((e) => e.id).sort(),
    events.map((e: { id: string }) => e.id).sort(),
    'each delivered, signed, as listed',
  )
})

t.test('a product import tells each product it created or changed', async (t) => {
  const { app } = await buildTestApp(t, { workers: true })
  const mcn = await createTenant(app)
  const supplier = await makeSupplier(mcn)
  const header = 'external_id,supplier_id,title,category,list_price,currency,stock,commission_rate'
  const importCsv = async (rows: string[]) => {
    const res = await mcn.request({
      method: 'POST',
      url: '/v1/products/imports',
      headers: { 'content-type': 'text/csv' },
      payload: [header, ...rows].join('\n'),
    })
    t.equal(res.statusCode, 202, res.body)
    return waitForJob(mcn, res.json().id)
  }
  await importCsv([`A,${supplier.id},Tea,tea,3990,CNY,3,0.2`, `B,${supplier.id},Cup,tea,990,CNY,3,0.2`])
  await importCsv([`A,${supplier.id},Green tea,tea,3990,CNY,3,0.2`])
  const events = (await mcn.get('/v1/events?limit=50')).json().data.reverse()
  const products = events.filter((e: { type: string }) => e.type.startsWith('product.'))
  t.same(
    products.map((e: { type: string; data: { external_id: string; title: string } }) => [
      e.type,
      e.data.external_id,
      e.data.title,
    ]),
    [
      ['product.created', 'A', 'Tea'],
      ['product.created', 'B', 'Cup'],
      ['product.updated', 'A', 'Green tea'],
    ],
  )
})
