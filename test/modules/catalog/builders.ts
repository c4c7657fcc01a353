import type { Caller } from '../../helper.js'
import { waitForJob } from '../../helper.js'

/** Builders that make catalog resources through the public API and fail loudly. */
async function created(res: { statusCode: number; body: string; json(): any }, what: string): Promise<any> {
  if (res.statusCode !== 201) throw new Error(`creating ${what} answered ${res.statusCode}: ${res.body}`)
  return res.json()
}

export const makeSupplier = (c: Caller, body: Record<string, unknown> = {}) =>
  c
    .post('/v1/suppliers', { name: 'Supplier', kind: 'brand', brand_tier: 'mature', status: 'admitted', ...body })
    .then((r) => created(r, 'supplier'))

export const makeProduct = (c: Caller, supplierId: string, body: Record<string, unknown> = {}) =>
  c
    .post('/v1/products', {
      supplier_id: supplierId,
      title: 'Product',
      category: 'beauty',
      list_price: { amount: 10000, currency: 'CNY' },
      stock: 100,
      commission_rate: 0.2,
      ...body,
    })
    .then((r) => created(r, 'product'))

export const makePool = (c: Caller, body: Record<string, unknown> = {}) =>
  c.post('/v1/supply-pools', { name: 'Pool', ...body }).then((r) => created(r, 'supply pool'))

export async function addToPool(c: Caller, poolId: string, productIds: string[], extra: Record<string, unknown> = {}) {
  for (const id of productIds)
    await c.post(`/v1/supply-pools/${poolId}/items`, { product_id: id, ...extra }).then((r) => created(r, 'pool item'))
}

export const makeAnchor = (c: Caller, body: Record<string, unknown> = {}) =>
  c.post('/v1/anchors', { name: 'Anchor', ...body }).then((r) => created(r, 'anchor'))

/** Imports sales history as JSON lines and waits for the job. */
export async function importSales(c: Caller, rows: Record<string, unknown>[]) {
  const res = await c.request({
    method: 'POST',
    url: '/v1/anchor-sales/imports',
    headers: { 'content-type': 'application/x-ndjson' },
    payload: rows.map((r) => JSON.stringify(r)).join('\n'),
  })
  if (res.statusCode !== 202) throw new Error(`sales import answered ${res.statusCode}: ${res.body}`)
  return waitForJob(c, res.json().id)
}

export const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10)

/** Runs a supplier review and waits for it. */
export async function review(c: Caller) {
  const res = await c.post('/v1/supplier-reviews')
  if (res.statusCode !== 202) throw new Error(`review answered ${res.statusCode}: ${res.body}`)
  return waitForJob(c, res.json().id)
}
