import t from 'tap'
import { buildTestApp, createTenant, waitForJob, type Caller } from '../../helper.js'
import { makeAnchor, makeProduct, makeSupplier } from './builders.js'

const HEADER = 'external_id,supplier_id,title,category,list_price,currency,stock,commission_rate,attributes'

async function importProducts(c: Caller, contentType: string, payload: string, query = '') {
  const res = await c.request({
    method: 'POST',
    url: `/v1/products/imports${query}`,
    headers: { 'content-type': contentType },
    payload,
  })
  if (res.statusCode !== 202) throw new Error(`import answered ${res.statusCode}: ${res.body}`)
  return waitForJob(c, res.json().id)
}

const byExternalId = async (c: Caller) =>
  new Map<string, any>((await c.get('/v1/products?limit=100')).json().data.map((p: any) => [p.external_id, p]))

const rowErrors = (job: any) =>
  job.errors.map((e: any) => [e.line, e.errors[0].pointer, e.errors[0].field, e.errors[0].code])

t.test('integer columns refuse non-integers: nothing is rounded or truncated', async (t) => {
  const { app } = await buildTestApp(t, { workers: true })
  const mcn = await createTenant(app, { kind: 'mcn' })
  const supplier = await makeSupplier(mcn)
  const csv = [
    HEADER,
    `P1,${supplier.id},Good,tea,3990,CNY,3,0.2,`,
    `P2,${supplier.id},Decimal price,tea,39.90,CNY,3,0.2,`,
    `P3,${supplier.id},Decimal stock,tea,3990,CNY,3.5,0.2,`,
    `P4,${supplier.id},Yen,tea,1500,JPY,1,0.2,`,
    `P5,${supplier.id},Yen decimal,tea,1500.5,JPY,1,0.2,`,
  ].join('\n')
  const job = await importProducts(mcn, 'text/csv', csv)
  t.match(job, { state: 'completed_with_errors', progress: { succeeded: 2, failed: 3 }, result: { dry_run: false } })
  t.same(rowErrors(job), [
    [3, '/list_price', 'list_price', 'type'],
    [4, '/stock', 'stock', 'type'],
    [6, '/list_price', 'list_price', 'type'],
  ])
  t.match(job.errors[0].errors[0].detail, /39\.90/, 'the detail quotes the value as written')
  const stored = await byExternalId(mcn)
  t.same([...stored.keys()].sort(), ['P1', 'P4'])
  t.same(stored.get('P1').list_price, { amount: 3990, currency: 'CNY' }, 'minor units, as written')
  t.equal(stored.get('P1').stock, 3)
  t.same(stored.get('P4').list_price, { amount: 1500, currency: 'JPY' })

  const lines = [
    { external_id: 'J1', list_price: 39.9, stock: 1 },
    { external_id: 'J2', list_price: 3990, stock: 3.5 },
    { external_id: 'J3', list_price: '3990', stock: 1 },
  ].map((r) =>
    JSON.stringify({
      supplier_id: supplier.id,
      title: 'J',
      category: 'tea',
      currency: 'CNY',
      commission_rate: 0.2,
      ...r,
    }),
  )
  const jsonl = await importProducts(mcn, 'application/x-ndjson', lines.join('\n'))
  t.match(jsonl, { state: 'failed', progress: { succeeded: 0, failed: 3 } }, 'no row could be imported')
  t.match(jsonl.failure_reason, /None of the 3 rows/)
  t.same(rowErrors(jsonl), [
    [1, '/list_price', 'list_price', 'type'],
    [2, '/stock', 'stock', 'type'],
    [3, '/list_price', 'list_price', 'type'],
  ])
  t.notOk((await byExternalId(mcn)).has('J1'))
})

t.test('attributes keep their JSON types on every path', async (t) => {
  const { app } = await buildTestApp(t, { workers: true })
  const mcn = await createTenant(app, { kind: 'mcn' })
  const supplier = await makeSupplier(mcn)
  const attributes = { weight_g: 500, organic: true, origin: 'Yunnan', code: '500', flag: 'true' }

  const created = await makeProduct(mcn, supplier.id, { external_id: 'R1', attributes })
  t.same(created.attributes, attributes, 'REST create')
  t.same((await mcn.get(`/v1/products/${created.id}`)).json().attributes, attributes, 'REST read')
  const patched = await mcn.request({
    method: 'PATCH',
    url: `/v1/products/${created.id}`,
    headers: { 'if-match': `"${created.version}"` },
    payload: { attributes: { ...attributes, weight_g: 250 } },
  })
  t.equal(patched.statusCode, 200, patched.body)
  t.same(patched.json().attributes, { ...attributes, weight_g: 250 }, 'REST update')

  const cell = `"${JSON.stringify(attributes).replaceAll('"', '""')}"`
  const csvJob = await importProducts(mcn, 'text/csv', `${HEADER}\nC1,${supplier.id},Csv,tea,100,CNY,1,0.2,${cell}`)
  t.equal(csvJob.state, 'succeeded')
  const line = JSON.stringify({
    external_id: 'L1',
    supplier_id: supplier.id,
    title: 'Jsonl',
    category: 'tea',
    list_price: 100,
    currency: 'CNY',
    commission_rate: 0.2,
    attributes,
  })
  t.equal((await importProducts(mcn, 'application/x-ndjson', line)).state, 'succeeded')
  const stored = await byExternalId(mcn)
  t.same(stored.get('C1').attributes, attributes, 'CSV import')
  t.same(stored.get('L1').attributes, attributes, 'JSON lines import')

  const gql = await mcn.post('/graphql', {
    query: `query($id: ID!) { product(id: $id) { attributes } }`,
    variables: { id: stored.get('L1').id },
  })
  t.same(gql.json().data?.product?.attributes, attributes, `GraphQL: ${gql.body}`)
})

t.test('dry_run validates every row and writes nothing', async (t) => {
  const { app } = await buildTestApp(t, { workers: true })
  const mcn = await createTenant(app, { kind: 'mcn' })
  const supplier = await makeSupplier(mcn)
  const csv = [HEADER, `D1,${supplier.id},Good,tea,3990,CNY,3,0.2,`, `D2,${supplier.id},Bad,tea,39.9,CNY,3,0.2,`].join(
    '\n',
  )
  const dry = await importProducts(mcn, 'text/csv', csv, '?dry_run=true')
  t.match(dry, { state: 'completed_with_errors', result: { succeeded: 1, failed: 1, dry_run: true } })
  t.same(rowErrors(dry), [[3, '/list_price', 'list_price', 'type']])
  t.equal((await mcn.get('/v1/products')).json().data.length, 0, 'nothing written')

  const clean = await importProducts(
    mcn,
    'text/csv',
    `${HEADER}\nD1,${supplier.id},Good,tea,3990,CNY,3,0.2,`,
    '?dry_run=true',
  )
  t.match(clean, { state: 'succeeded', result: { succeeded: 1, failed: 0, dry_run: true } })
  t.equal((await mcn.get('/v1/products')).json().data.length, 0, 'nothing written')

  const anchor = await makeAnchor(mcn)
  const product = await makeProduct(mcn, supplier.id)
  const sale = JSON.stringify({ anchor_id: anchor.id, product_id: product.id, quantity: 2, sold_on: '2026-11-01' })
  const res = await mcn.request({
    method: 'POST',
    url: '/v1/anchor-sales/imports?dry_run=true',
    headers: { 'content-type': 'application/x-ndjson' },
    payload: `${sale}\n${JSON.stringify({ anchor_id: anchor.id, product_id: product.id, quantity: 1.5, sold_on: '2026-11-01' })}`,
  })
  const salesDry = await waitForJob(mcn, res.json().id)
  t.match(salesDry, { state: 'completed_with_errors', result: { succeeded: 1, failed: 1, dry_run: true } })
  t.same(rowErrors(salesDry), [[2, '/quantity', 'quantity', 'type']])
  t.equal((await mcn.get(`/v1/anchors/${anchor.id}/sales`)).json().data.length, 0, 'no sale written')
})

t.test('templates: the header and an example row as CSV, behind the read scope', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app, { kind: 'mcn' })
  for (const [url, first] of [
    ['/v1/products/imports/template', 'external_id,supplier_id,title,category,list_price,currency,commission_rate'],
    ['/v1/anchor-sales/imports/template', 'anchor_id,product_id,quantity,sold_on'],
  ] as const) {
    const res = await mcn.get(url)
    t.equal(res.statusCode, 200, url)
    t.match(res.headers['content-type'], /^text\/csv/)
    const [header, example, rest] = res.body.split('\r\n')
    t.ok(header!.startsWith(first), `${url} header: ${header}`)
    t.equal(example!.split(',').length >= header!.split(',').length, true, 'an example row under it')
    t.equal(rest, '')
    t.equal((await app.inject({ method: 'GET', url })).statusCode, 401, 'needs a token')
  }
  const products = (await mcn.get('/v1/products/imports/template')).body
  t.match(products, /"\{""weight_g"":500,""organic"":true/, 'attributes as a quoted JSON cell')
  t.match(products, /\|https:/, 'images separated by |')
})
