import { and, eq, sql } from 'drizzle-orm'
import type { TxCtx } from '../../lib/context.js'
import { scoped } from '../../lib/repository.js'
import { textArray } from '../catalog/sql.js'
import { poolAnchors, poolItems, supplyPools } from '../pools/tables.js'
import { selectionIndex } from './tables.js'
import type { Candidate } from './scoring.js'

/** Best products overall by pre-score, whatever their category. */
export const OVERALL_CANDIDATES = 150
/** Best products by pre-score in each category the anchor is close to. */
export const PER_CATEGORY_CANDIDATES = 40
/** At or below this many pool items in reach, candidates come from the pools directly. */
const SMALL_REACH = 5000

/** The tenant's active pools the anchor may draw from (all-anchor pools and those listing it). */
export async function accessiblePools(tx: TxCtx, anchorId: string, onlyPool?: string): Promise<{ id: string; itemCount: number }[]> {
  return tx.tx
    .select({ id: supplyPools.id, itemCount: supplyPools.itemCount })
    .from(supplyPools)
    .where(
      scoped(
        tx,
        supplyPools,
        eq(supplyPools.status, 'active'),
        onlyPool ? eq(supplyPools.id, onlyPool) : undefined,
        sql`(${supplyPools.access} = 'all_anchors' or exists (select 1 from ${poolAnchors} where ${and(eq(poolAnchors.tenantId, supplyPools.tenantId), eq(poolAnchors.poolId, supplyPools.id), eq(poolAnchors.anchorId, anchorId))}))`,
      ),
    )
}

/**
 * Candidate generation in one statement: eligible products (active, in stock, supplier
 * admitted or on probation) in the given pools, the best few hundred by pre-score overall
 * and per affine category, through the partial indexes on selection_index; then their
 * details and pool entries. Runs in whichever tenant owns the pools.
 */
export async function candidates(tx: TxCtx, pools: { id: string; itemCount: number }[], categories: string[], onlyCategory?: string): Promise<Candidate[]> {
  if (!pools.length) return []
  const poolIds = textArray(pools.map((p) => p.id))
  const inPools = sql`exists (select 1 from pool_items where pool_items.tenant_id = selection_index.tenant_id and pool_items.product_id = selection_index.id and pool_items.pool_id = any(${poolIds}))`
  const reach = pools.reduce((n, p) => n + p.itemCount, 0)
  const categoryFilter = onlyCategory ? eq(selectionIndex.category, onlyCategory) : undefined
  const cats = textArray(onlyCategory ? [onlyCategory] : categories)

  const ids =
    reach <= SMALL_REACH
      ? sql`select selection_index.tenant_id, selection_index.id from pool_items join selection_index on selection_index.tenant_id = pool_items.tenant_id and selection_index.id = pool_items.product_id
            where ${scoped(tx, poolItems, sql`pool_items.pool_id = any(${poolIds})`)} and selection_index.eligible ${categoryFilter ? sql`and ${categoryFilter}` : sql``}
            group by selection_index.tenant_id, selection_index.id, selection_index.prescore order by selection_index.prescore desc limit ${OVERALL_CANDIDATES + PER_CATEGORY_CANDIDATES * 8}`
      : sql`(select selection_index.tenant_id, selection_index.id from selection_index where ${scoped(tx, selectionIndex, eq(selectionIndex.eligible, true), categoryFilter, inPools)}
              order by selection_index.prescore desc limit ${OVERALL_CANDIDATES})
            union
            (select c.tenant_id, c.id from unnest(${cats}) as cat(name) cross join lateral (
              select selection_index.tenant_id, selection_index.id from selection_index
              where ${scoped(tx, selectionIndex, eq(selectionIndex.eligible, true), sql`selection_index.category = cat.name`, inPools)}
              order by selection_index.prescore desc limit ${PER_CATEGORY_CANDIDATES}) c)`

  const rows = await tx.tx.execute<{
    id: string
    tenant_id: string
    title: string
    category: string
    brand_tier: string
    supplier_id: string
    reputation_score: number | null
    micro: boolean
    list_price: string | number
    currency: string
    commission_rate: number
    repurchase_rate: number | null
    over_exposure: number
    stock: number
    pools: { pool_id: string; price: number | null; supply_limit: number | null }[]
  }>(sql`
    with cand as (${ids})
    select p.id, p.tenant_id, p.title, p.category, p.brand_tier, p.supplier_id, s.reputation_score, s.micro, p.list_price, p.currency,
      p.commission_rate, p.repurchase_rate, si.over_exposure, p.stock,
      (select json_agg(json_build_object('pool_id', pi.pool_id, 'price', pi.price, 'supply_limit', pi.supply_limit))
         from pool_items pi where pi.tenant_id = p.tenant_id and pi.product_id = p.id and pi.pool_id = any(${poolIds})) as pools
    from cand
    join products p on p.tenant_id = cand.tenant_id and p.id = cand.id
    join selection_index si on si.tenant_id = p.tenant_id and si.id = p.id
    join suppliers s on s.tenant_id = p.tenant_id and s.id = p.supplier_id
  `)
  return rows.map((r) => ({
    id: r.id,
    ownerTenantId: r.tenant_id,
    title: r.title,
    category: r.category,
    brandTier: r.brand_tier,
    supplierId: r.supplier_id,
    reputation: r.reputation_score,
    micro: r.micro,
    listPrice: Number(r.list_price),
    currency: r.currency,
    commissionRate: r.commission_rate,
    repurchaseRate: r.repurchase_rate,
    overExposure: r.over_exposure,
    stock: r.stock,
    pools: r.pools ?? [],
  }))
}
