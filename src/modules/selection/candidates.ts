import { eq, inArray, sql } from 'drizzle-orm'
import type { TxCtx } from '../../lib/context.js'
import { scoped } from '../../lib/repository.js'
import { textArray } from '../../lib/sql.js'
import { type PoolEntry, type PoolReach, poolEntries, poolEntriesJsonSql, pooledProductIdsSql } from '../pools/index.js'
import { selectionIndex } from './tables.js'
import type { Candidate } from './scoring.js'

/** Best products overall by pre-score, whatever their category. */
export const OVERALL_CANDIDATES = 60
/** Best products by pre-score in each category the anchor is close to. */
export const PER_CATEGORY_CANDIDATES = 15
/** At or below this many pool items in reach, candidates come from the pools directly. */
const SMALL_REACH = 3000
/** When fewer than this share of index candidates are in reach, the pools are read directly. */
const MIN_IN_REACH = 0.5

const columns = {
  id: selectionIndex.id,
  tenantId: selectionIndex.tenantId,
  title: selectionIndex.title,
  category: selectionIndex.category,
  brandTier: selectionIndex.brandTier,
  supplierId: selectionIndex.supplierId,
  reputation: selectionIndex.reputation,
  micro: selectionIndex.micro,
  listPrice: selectionIndex.listPrice,
  currency: selectionIndex.currency,
  commissionRate: selectionIndex.commissionRate,
  repurchaseRate: selectionIndex.repurchaseRate,
  overExposure: selectionIndex.overExposure,
  stock: selectionIndex.stock,
}
type Row = Pick<typeof selectionIndex.$inferSelect, keyof typeof columns>
const byPrescore = sql`${selectionIndex.prescore} desc nulls last`

/**
 * Candidate generation: eligible products (active, in stock, supplier admitted or on
 * probation) in reach of the given pools, the best by pre-score overall and per affine
 * category. Reads walk the partial indexes on selection_index in pre-score order and stop
 * early; pool membership and prices are then read for those few hundred ids. When the
 * pools hold a small part of the catalog, candidates come from the pools directly.
 * Runs in whichever tenant owns the pools.
 */
export async function candidates(
  tx: TxCtx,
  pools: PoolReach[],
  categories: string[],
  onlyCategory?: string,
): Promise<Candidate[]> {
  if (!pools.length) return []
  const poolIds = pools.map((p) => p.id)
  const reach = pools.reduce((n, p) => n + p.itemCount, 0)
  const categoryFilter = onlyCategory ? eq(selectionIndex.category, onlyCategory) : undefined
  const cats = onlyCategory ? [onlyCategory] : categories

  let rows: (Row & { entries: PoolEntry[] | null })[] = []
  if (reach > SMALL_REACH) {
    // One statement: the best overall and per category by walking the partial indexes in
    // pre-score order, then each candidate's entries in the pools in reach.
    const result = await tx.tx.execute<Record<string, unknown>>(sql`
      with cand as (
        (select * from selection_index where ${scoped(tx, selectionIndex, eq(selectionIndex.eligible, true), categoryFilter)} order by ${byPrescore} limit ${OVERALL_CANDIDATES})
        union
        (select c.* from unnest(${textArray(cats)}) as cat(name) cross join lateral (
          select * from selection_index where ${scoped(tx, selectionIndex, eq(selectionIndex.eligible, true), sql`selection_index.category = cat.name`)}
          order by ${byPrescore} limit ${PER_CATEGORY_CANDIDATES}) c)
      )
      select cand.id, cand.tenant_id as "tenantId", cand.title, cand.category, cand.brand_tier as "brandTier", cand.supplier_id as "supplierId", cand.reputation, cand.micro,
        cand.list_price as "listPrice", cand.currency, cand.commission_rate as "commissionRate", cand.repurchase_rate as "repurchaseRate",
        cand.over_exposure as "overExposure", cand.stock, e.entries
      from cand cross join lateral (select ${poolEntriesJsonSql(sql`cand.tenant_id`, sql`cand.id`, poolIds)} as entries) e
    `)
    // execute() returns untyped rows; the select list above names every column of Row.
    rows = result as unknown as typeof rows
  }
  const inReach = rows.filter((r) => r.entries !== null)
  if (reach <= SMALL_REACH || inReach.length < rows.length * MIN_IN_REACH) {
    // The pools hold few of the index's best: rank what is in them instead.
    const found = (await tx.tx
      .select(columns)
      .from(selectionIndex)
      .where(
        scoped(
          tx,
          selectionIndex,
          inArray(selectionIndex.id, pooledProductIdsSql(tx, poolIds)),
          eq(selectionIndex.eligible, true),
          categoryFilter,
        ),
      )
      .orderBy(byPrescore)
      .limit(OVERALL_CANDIDATES + PER_CATEGORY_CANDIDATES * 8)) as Row[]
    const entries = await poolEntries(
      tx,
      found.map((r) => r.id),
      poolIds,
    )
    rows = found.map((r) => ({ ...r, entries: entries.get(r.id) ?? [] }))
  } else rows = inReach
  return rows.map(({ entries, ...r }) => ({
    ...r,
    ownerTenantId: r.tenantId,
    listPrice: Number(r.listPrice),
    pools: (entries ?? []).map((e) => ({ ...e, price: e.price === null ? null : Number(e.price) })),
  }))
}
