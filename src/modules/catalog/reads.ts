import { and, eq, gt, inArray, sql, type SQL } from 'drizzle-orm'
import type { TxCtx } from '../../lib/context.js'
import { scoped } from '../../lib/repository.js'
import { productRepo, type ProductRow } from './service.js'
import { products, skus } from './tables.js'

/** What other modules may read of products, inside the caller's tenant transaction. */
export function findProduct(tx: TxCtx, id: string): Promise<ProductRow | undefined> {
  return productRepo.find(tx, id)
}

/** Whether `skuId` is a SKU of the tenant's product `productId`. */
export async function findSkuOfProduct(tx: TxCtx, skuId: string, productId: string): Promise<boolean> {
  const [row] = await tx.tx
    .select({ id: skus.id })
    .from(skus)
    .where(scoped(tx, skus, eq(skus.id, skuId), eq(skus.productId, productId)))
    .limit(1)
  return row !== undefined
}

export type ProductSummary = { id: string; title: string; category: string; listPrice: number; currency: string }

/** Title, category and list price of each of `ids` that is a product of the tenant. */
export function productSummaries(tx: TxCtx, ids: string[]): Promise<ProductSummary[]> {
  if (!ids.length) return Promise.resolve([])
  return tx.tx
    .select({
      id: products.id,
      title: products.title,
      category: products.category,
      listPrice: products.listPrice,
      currency: products.currency,
    })
    .from(products)
    .where(scoped(tx, products, inArray(products.id, ids)))
}

/** How many of a supplier's products are on sale: active and in stock. */
export async function countProductsOnSale(tx: TxCtx, supplierId: string): Promise<number> {
  const [row] = await tx.tx
    .select({ n: sql<number>`count(*)::int` })
    .from(products)
    .where(
      scoped(
        tx,
        products,
        and(eq(products.supplierId, supplierId), eq(products.status, 'active'), gt(products.stock, 0)),
      ),
    )
  return row?.n ?? 0
}

export type ProductScope = { productIds: string[] } | { supplierId: string } | 'all'

/**
 * The tenant's products as a subquery, for read models that join them in one set-based
 * statement: tenant_id, id, supplier_id, category, title, list_price, currency,
 * commission_rate, repurchase_rate, brand_tier, stock, status.
 */
export function productFactsSql(tx: TxCtx, scope: ProductScope = 'all'): SQL {
  const filter =
    scope === 'all'
      ? undefined
      : 'productIds' in scope
        ? inArray(products.id, scope.productIds)
        : eq(products.supplierId, scope.supplierId)
  return sql`(select tenant_id, id, supplier_id, category, title, list_price, currency, commission_rate, repurchase_rate, brand_tier, stock, status
    from ${products} where ${scoped(tx, products, filter)})`
}
