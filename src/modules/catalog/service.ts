import { and, eq, sql } from 'drizzle-orm'
import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Ctx, TxCtx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import { newId } from '../../lib/ids.js'
import { scoped, tenantRepository, type PageRequest, mapPage } from '../../lib/repository.js'
import { publish } from '../../lib/hooks.js'
import { patchColumns } from '../../lib/patch.js'
import { findSupplier } from '../suppliers/index.js'
import { productCreated, productsChanged, productUpdated } from './changes.js'
import { products, skus } from './tables.js'
import type { CreateProductInput, CreateSkuInput, UpdateProductInput, UpdateSkuInput } from './schemas.js'

export const productRepo = tenantRepository(products, 'product')
const skuRepo = tenantRepository(skus, 'SKU')
export type ProductRow = typeof products.$inferSelect

export const presentProduct = (p: ProductRow) => ({
  id: p.id,
  supplier_id: p.supplierId,
  external_id: p.externalId,
  title: p.title,
  category: p.category,
  attributes: p.attributes,
  images: p.images,
  list_price: { amount: p.listPrice, currency: p.currency },
  stock: p.stock,
  commission_rate: p.commissionRate,
  repurchase_rate: p.repurchaseRate,
  brand_tier: p.brandTier,
  status: p.status,
  version: p.version,
  created_at: p.createdAt.toISOString(),
  updated_at: p.updatedAt.toISOString(),
})

const presentSku = (s: typeof skus.$inferSelect, currency: string) => ({
  id: s.id,
  product_id: s.productId,
  code: s.code,
  attributes: s.attributes,
  price: { amount: s.price, currency },
  stock: s.stock,
  version: s.version,
  created_at: s.createdAt.toISOString(),
  updated_at: s.updatedAt.toISOString(),
})

const uniqueViolation = (err: unknown, constraint: string) => {
  const e = err as { code?: string; constraint_name?: string; cause?: { code?: string; constraint_name?: string } }
  const pg = e.code ? e : e.cause
  return pg?.code === '23505' && pg.constraint_name === constraint
}

export function createProduct(ctx: Ctx, input: CreateProductInput) {
  return inTenant(ctx, async (tx) => {
    const supplier = await findSupplier(tx, input.supplier_id)
    if (!supplier)
      throw new AppError('unprocessable', `No supplier with id ${input.supplier_id} exists.`, {
        errors: [{ pointer: '/body/supplier_id', detail: 'not found' }],
      })
    const row = await productRepo
      .insert(tx, {
        id: newId('product'),
        supplierId: supplier.id,
        externalId: input.external_id ?? null,
        title: input.title,
        category: input.category,
        attributes: input.attributes ?? {},
        images: input.images ?? [],
        listPrice: input.list_price.amount,
        currency: input.list_price.currency,
        stock: input.stock ?? 0,
        commissionRate: input.commission_rate,
        repurchaseRate: input.repurchase_rate ?? null,
        brandTier: input.brand_tier ?? supplier.brandTier,
      })
      .catch((err) => {
        if (uniqueViolation(err, 'products_external_id_idx'))
          throw new AppError('conflict', `A product with external_id ${input.external_id} exists already.`, {
            errors: [{ pointer: '/body/external_id', detail: 'is taken' }],
          })
        throw err
      })
    await publish(tx, productsChanged, { productIds: [row.id] })
    const product = presentProduct(row)
    await publish(tx, productCreated, product)
    await audit(tx, 'product.created', { type: 'product', id: row.id }, input)
    return product
  })
}

export function getProduct(ctx: Ctx, id: string) {
  return productRepo.read(ctx, id).then(presentProduct)
}

export function listProducts(
  ctx: Ctx,
  query: PageRequest & { category?: string; supplier_id?: string; status?: 'active' | 'archived' },
) {
  return inTenant(ctx, async (tx) => {
    return mapPage(
      productRepo.list(
        tx,
        query,
        query.category ? eq(products.category, query.category) : undefined,
        query.supplier_id ? eq(products.supplierId, query.supplier_id) : undefined,
        query.status ? eq(products.status, query.status) : undefined,
      ),
      presentProduct,
    )
  })
}

async function hasSkus(tx: TxCtx, productId: string): Promise<boolean> {
  const [row] = await tx.tx
    .select({ id: skus.id })
    .from(skus)
    .where(scoped(tx, skus, eq(skus.productId, productId)))
    .limit(1)
  return row !== undefined
}

export function updateProduct(ctx: Ctx, id: string, expectedVersion: number | undefined, input: UpdateProductInput) {
  return inTenant(ctx, async (tx) => {
    const before = await productRepo.get(tx, id)
    if (input.list_price && input.list_price.currency !== before.currency && (await hasSkus(tx, id))) {
      throw new AppError('conflict', 'The product has SKUs priced in its currency; the currency cannot change.', {
        errors: [{ pointer: '/body/list_price/currency', detail: `must stay ${before.currency}` }],
      })
    }
    if (input.stock !== undefined && (await hasSkus(tx, id))) {
      throw new AppError('conflict', 'The product’s stock is the sum of its SKUs’ stock; change the SKUs instead.', {
        errors: [{ pointer: '/body/stock', detail: 'is derived from the SKUs' }],
      })
    }
    const row = await productRepo.update(tx, id, expectedVersion, {
      ...patchColumns<ProductRow, UpdateProductInput>(input, {
        title: 'title',
        category: 'category',
        attributes: 'attributes',
        images: 'images',
        stock: 'stock',
        commission_rate: 'commissionRate',
        repurchase_rate: 'repurchaseRate',
        brand_tier: 'brandTier',
        status: 'status',
      }),
      ...(input.list_price ? { listPrice: input.list_price.amount, currency: input.list_price.currency } : {}),
    })
    await publish(tx, productsChanged, { productIds: [id] })
    const product = presentProduct(row)
    await publish(tx, productUpdated, product)
    await audit(tx, 'product.updated', { type: 'product', id }, input)
    return product
  })
}

/** A product with SKUs has the sum of their stock. */
async function syncStock(tx: TxCtx, productId: string) {
  await tx.tx
    .update(products)
    .set({
      stock: sql`(select coalesce(sum(${skus.stock}), 0) from ${skus} where ${scoped(tx, skus, eq(skus.productId, productId))})`,
      version: sql`${products.version} + 1`,
      updatedAt: sql`now()`,
    })
    .where(scoped(tx, products, eq(products.id, productId)))
  await publish(tx, productsChanged, { productIds: [productId] })
}

export function createSku(ctx: Ctx, productId: string, input: CreateSkuInput) {
  return inTenant(ctx, async (tx) => {
    const product = await productRepo.get(tx, productId)
    if (input.price.currency !== product.currency)
      throw new AppError('unprocessable', `The SKU price must be in the product’s currency ${product.currency}.`, {
        errors: [{ pointer: '/body/price/currency', detail: `must be ${product.currency}` }],
      })
    const row = await skuRepo
      .insert(tx, {
        id: newId('sku'),
        productId,
        code: input.code,
        attributes: input.attributes ?? {},
        price: input.price.amount,
        stock: input.stock,
      })
      .catch((err) => {
        if (uniqueViolation(err, 'skus_code_idx'))
          throw new AppError('conflict', `A SKU with code ${input.code} exists already.`, {
            errors: [{ pointer: '/body/code', detail: 'is taken' }],
          })
        throw err
      })
    await syncStock(tx, productId)
    await audit(tx, 'sku.created', { type: 'sku', id: row.id }, { product_id: productId, ...input })
    return presentSku(row, product.currency)
  })
}

export function listSkus(ctx: Ctx, productId: string, page: PageRequest) {
  return inTenant(ctx, async (tx) => {
    const product = await productRepo.get(tx, productId)
    const result = await skuRepo.list(tx, page, eq(skus.productId, productId))
    return { data: result.data.map((s) => presentSku(s, product.currency)), next_cursor: result.next_cursor }
  })
}

async function skuWithCurrency(tx: TxCtx, id: string) {
  const [row] = await tx.tx
    .select({ sku: skus, currency: products.currency })
    .from(skus)
    .innerJoin(products, and(eq(products.tenantId, skus.tenantId), eq(products.id, skus.productId)))
    .where(scoped(tx, skus, eq(skus.id, id)))
  if (!row) throw new AppError('not_found', `No SKU with id ${id} exists.`)
  return row
}

export function getSku(ctx: Ctx, id: string) {
  return inTenant(ctx, async (tx) => {
    const { sku, currency } = await skuWithCurrency(tx, id)
    return presentSku(sku, currency)
  })
}

export function updateSku(ctx: Ctx, id: string, expectedVersion: number | undefined, input: UpdateSkuInput) {
  return inTenant(ctx, async (tx) => {
    const { sku, currency } = await skuWithCurrency(tx, id)
    if (input.price && input.price.currency !== currency)
      throw new AppError('unprocessable', `The SKU price must be in the product’s currency ${currency}.`, {
        errors: [{ pointer: '/body/price/currency', detail: `must be ${currency}` }],
      })
    const row = await skuRepo.update(tx, id, expectedVersion, {
      ...patchColumns<typeof skus.$inferSelect, UpdateSkuInput>(input, { attributes: 'attributes', stock: 'stock' }),
      ...(input.price ? { price: input.price.amount } : {}),
    })
    if (input.stock !== undefined) await syncStock(tx, sku.productId)
    await audit(tx, 'sku.updated', { type: 'sku', id }, input)
    return presentSku(row, currency)
  })
}
