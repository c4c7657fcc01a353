import t from 'tap'
import { buildTestApp, createTenant, waitForJob } from '../../helper.js'
import { makeSupplier } from './builders.js'

t.test('products and SKUs', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app, { kind: 'mcn' })
  const supplier = await makeSupplier(mcn, { brand_tier: 'premium' })

  const res = await mcn.post('/v1/products', {
    supplier_id: supplier.id,
    external_id: 'SKU-1',
    title: '羊绒围巾',
    category: 'apparel',
    attributes: { material: 'cashmere', weight_g: 180 },
    images: ['https://img.example.com/1.jpg'],
    list_price: { amount: 129900, currency: 'CNY' },
    stock: 40,
    commission_rate: 0.15,
    repurchase_rate: 0.12,
  })
  t.equal(res.statusCode, 201)
  t.equal(res.headers.etag, '"1"')
  const product = res.json()
  t.match(product, {
    id: /^prd_/,
    brand_tier: 'premium',
    list_price: { amount: 129900, currency: 'CNY' },
    stock: 40,
    status: 'active',
  })

  t.equal(
    (
      await mcn.post('/v1/products', {
        supplier_id: supplier.id,
        external_id: 'SKU-1',
        title: 'x',
        category: 'apparel',
        list_price: { amount: 1, currency: 'CNY' },
        commission_rate: 0.1,
      })
    ).statusCode,
    409,
  )
  const invalid = await mcn.post('/v1/products', {
    supplier_id: supplier.id,
    title: '',
    category: 'apparel',
    list_price: { amount: -1, currency: 'CNY' },
    commission_rate: 2,
    images: ['ftp://x'],
  })
  t.equal(invalid.statusCode, 400)
  t.ok(invalid.json().errors.length >= 3)

  const sku = await mcn.post(`/v1/products/${product.id}/skus`, {
    code: 'SCARF-RED',
    attributes: { color: 'red' },
    price: { amount: 129900, currency: 'CNY' },
    stock: 7,
  })
  t.equal(sku.statusCode, 201)
  await mcn.post(`/v1/products/${product.id}/skus`, {
    code: 'SCARF-GREY',
    price: { amount: 119900, currency: 'CNY' },
    stock: 5,
  })
  t.equal((await mcn.get(`/v1/products/${product.id}`)).json().stock, 12, 'stock is the sum of the SKUs')
  t.equal(
    (
      await mcn.post(`/v1/products/${product.id}/skus`, {
        code: 'SCARF-USD',
        price: { amount: 1, currency: 'USD' },
        stock: 1,
      })
    ).statusCode,
    422,
  )
  t.equal((await mcn.patch(`/v1/skus/${sku.json().id}`, { stock: 1 }, { 'if-match': '"1"' })).statusCode, 200)
  t.equal((await mcn.get(`/v1/products/${product.id}`)).json().stock, 6)
  t.equal(
    (await mcn.patch(`/v1/products/${product.id}`, { stock: 100 })).statusCode,
    409,
    'stock of a product with SKUs is derived',
  )
  t.equal((await mcn.get(`/v1/products/${product.id}/skus`)).json().data.length, 2)

  const updated = await mcn.patch(
    `/v1/products/${product.id}`,
    { title: '羊绒围巾 2026', status: 'archived' },
    { 'if-match': '"4"' },
  )
  t.equal(updated.statusCode, 200, updated.body)
  t.equal((await mcn.patch(`/v1/products/${product.id}`, { title: 'stale' }, { 'if-match': '"1"' })).statusCode, 412)
  t.equal((await mcn.get('/v1/products?status=archived')).json().data.length, 1)

  const other = await createTenant(app, { kind: 'mcn' })
  t.equal((await other.get(`/v1/products/${product.id}`)).statusCode, 404)
  t.equal((await other.get('/v1/products')).json().data.length, 0)
  t.equal(
    (
      await other.post('/v1/products', {
        supplier_id: supplier.id,
        title: 'x',
        category: 'apparel',
        list_price: { amount: 1, currency: 'CNY' },
        commission_rate: 0.1,
      })
    ).statusCode,
    422,
    "another tenant's supplier is unknown",
  )
})

t.test('bulk import: bad rows are reported per line, good rows land, re-imports upsert', async (t) => {
  const { app } = await buildTestApp(t, { workers: true })
  const mcn = await createTenant(app, { kind: 'mcn' })
  const supplier = await makeSupplier(mcn, { brand_tier: 'emerging' })
  const other = await createTenant(app, { kind: 'mcn' })
  const foreignSupplier = await makeSupplier(other)

  const csv = [
    'external_id,supplier_id,title,category,list_price,currency,stock,commission_rate,images,attributes',
    `A1,${supplier.id},云南普洱,tea,5900,CNY,100,0.2,https://img.example.com/a.jpg|https://img.example.com/b.jpg,"{""year"":2019}"`,
    `A2,${supplier.id},Bad price,tea,cheap,CNY,1,0.2,,`,
    `A3,${foreignSupplier.id},Someone else's,tea,100,CNY,1,0.2,,`,
    `A4,${supplier.id},Bad image,tea,100,CNY,1,0.2,not-a-url,`,
    `A5,${supplier.id},Bad attributes,tea,100,CNY,1,0.2,,{oops`,
    `A1,${supplier.id},Duplicate in file,tea,100,CNY,1,0.2,,`,
    `A6,${supplier.id},红茶,tea,3900,CNY,0,0.3,,`,
  ].join('\n')
  const started = await mcn.request({
    method: 'POST',
    url: '/v1/products/imports',
    headers: { 'content-type': 'text/csv' },
    payload: csv,
  })
  t.equal(started.statusCode, 202)
  t.equal(started.headers.location, `/v1/jobs/${started.json().id}`)
  t.match(started.json(), { kind: 'products.import', state: 'queued', progress: { total: 7 } })
  const job = await waitForJob(mcn, started.json().id)
  t.match(job, { state: 'completed_with_errors', progress: { total: 7, processed: 7, succeeded: 2, failed: 5 } })
  t.same(
    job.errors.map((e: { line: number; errors: { field: string; code: string }[] }) => [
      e.line,
      e.errors[0]!.field,
      e.errors[0]!.code,
    ]),
    [
      [3, 'list_price', 'type'],
      [4, 'supplier_id', 'not_found'],
      [5, 'images', 'format'],
      [6, 'attributes', 'invalid_json'],
      [7, 'external_id', 'duplicate'],
    ],
  )
  const imported = (await mcn.get('/v1/products')).json().data
  t.equal(imported.length, 2)
  const puer = imported.find((p: { external_id: string }) => p.external_id === 'A1')
  t.match(puer, {
    title: '云南普洱',
    brand_tier: 'emerging',
    attributes: { year: 2019 },
    images: ['https://img.example.com/a.jpg', 'https://img.example.com/b.jpg'],
    list_price: { amount: 5900 },
  })

  // JSON lines, updating A1 by external_id.
  const jsonl = [
    JSON.stringify({
      external_id: 'A1',
      supplier_id: supplier.id,
      title: '云南普洱 2019',
      category: 'tea',
      list_price: 6900,
      currency: 'CNY',
      commission_rate: 0.25,
      images: ['https://img.example.com/c.jpg'],
    }),
    '{not json',
    JSON.stringify({ external_id: 'B1' }),
  ].join('\n')
  const second = await waitForJob(
    mcn,
    (
      await mcn.request({
        method: 'POST',
        url: '/v1/products/imports',
        headers: { 'content-type': 'application/x-ndjson' },
        payload: jsonl,
      })
    ).json().id,
  )
  t.match(second, { state: 'completed_with_errors', progress: { succeeded: 1, failed: 2 } })
  t.same(
    second.errors.map((e: { line: number; errors: { code: string }[] }) => [e.line, e.errors[0]!.code]),
    [
      [2, 'invalid_json'],
      [3, 'required'],
    ],
  )
  const again = (await mcn.get(`/v1/products/${puer.id}`)).json()
  t.match(again, { title: '云南普洱 2019', list_price: { amount: 6900 }, version: 2 })
  t.equal((await mcn.get('/v1/products')).json().data.length, 2, 'no duplicate')

  // A bad file is refused before any job exists.
  t.equal(
    (
      await mcn.request({
        method: 'POST',
        url: '/v1/products/imports',
        headers: { 'content-type': 'text/csv' },
        payload: 'title,category\nx,y',
      })
    ).statusCode,
    400,
  )
  t.equal(
    (
      await mcn.request({
        method: 'POST',
        url: '/v1/products/imports',
        headers: { 'content-type': 'text/plain' },
        payload: 'x',
      })
    ).statusCode,
    415,
  )
  t.equal((await other.get('/v1/products')).json().data.length, 0, 'imports stay in their tenant')
})
