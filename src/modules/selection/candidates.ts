import type { Sql } from 'postgres'
import type { LastStatement } from '../../db/tenancy.js'
import { textArrayLiteral } from '../../lib/sql.js'
import {
  type PoolEntry,
  type PoolReach,
  poolEntriesJsonFragment,
  poolEntriesOn,
  pooledProductIdsFragment,
} from '../pools/index.js'
import type { Candidate } from './scoring.js'

/** Best products overall by pre-score, whatever their category. */
export const OVERALL_CANDIDATES = 60
/** Best products by pre-score in each category the anchor is close to. */
export const PER_CATEGORY_CANDIDATES = 15
/** At or below this many pool items in reach, candidates come from the pools directly. */
const SMALL_REACH = 3000
/** When fewer than this share of index candidates are in reach, the pools are read directly. */
const MIN_IN_REACH = 0.5

/**
 * A selection_index row as the statements below name its columns: a candidate before its owner
 * is known, with the price as PostgreSQL sends it and the product's pool entries.
 */
type Row = Omit<Candidate, 'ownerTenantId' | 'listPrice' | 'pools'> & { listPrice: bigint; entries: PoolEntry[] | null }

const columns = (sql: Sql, table: string) =>
  sql`${sql(`${table}.id`)}, ${sql(`${table}.title`)}, ${sql(`${table}.category`)}, ${sql(`${table}.brand_tier`)} as "brandTier",
    ${sql(`${table}.supplier_id`)} as "supplierId", ${sql(`${table}.reputation`)}, ${sql(`${table}.micro`)}, ${sql(`${table}.list_price`)} as "listPrice",
    ${sql(`${table}.currency`)}, ${sql(`${table}.commission_rate`)} as "commissionRate", ${sql(`${table}.repurchase_rate`)} as "repurchaseRate",
    ${sql(`${table}.over_exposure`)} as "overExposure", ${sql(`${table}.stock`)}`

/**
 * Candidate generation: eligible products (active, in stock, supplier admitted or on
 * probation) in reach of the given pools, the best by pre-score overall and per affine
 * category. Reads walk the partial indexes on selection_index in pre-score order and stop
 * early; pool membership and prices are then read for those few hundred ids. When the
 * pools hold a small part of the catalog, candidates come from the pools directly.
 *
 * Fixed postgres.js statements on `sql`, a connection in the transaction of `tenantId`, the
 * tenant that owns the pools (the caller, or the owner of pools shared with it). `eligible`
 * and the limits are written into the text, not bound, so the cached generic plan can use the
 * partial indexes. With `end`, the index statement goes out with the transaction's commit
 * (`inTenantReads`), and the rare reading of the pools directly after it runs in a new tenant
 * read transaction (`end.reread`), which sees data at least as new.
 */
export async function candidates(
  sql: Sql,
  tenantId: string,
  pools: PoolReach[],
  categories: string[],
  onlyCategory?: string,
  end?: { last: LastStatement; reread: <R>(read: (sql: Sql) => Promise<R>) => Promise<R> },
): Promise<Candidate[]> {
  if (!pools.length) return []
  const poolIds = pools.map((p) => p.id)
  const reach = pools.reduce((n, p) => n + p.itemCount, 0)
  const categoryFilter = onlyCategory ? sql`and selection_index.category = ${onlyCategory}` : sql``
  const cats = onlyCategory ? [onlyCategory] : categories

  let rows: Row[] = []
  if (reach > SMALL_REACH) {
    // One statement: the best overall and per category by walking the partial indexes in
    // pre-score order, then each candidate's entries in the pools in reach.
    const statement = sql<Row[]>`
      with cand as (
        (select * from selection_index where selection_index.tenant_id = ${tenantId} and selection_index.eligible ${categoryFilter}
          order by prescore desc nulls last limit ${sql.unsafe(String(OVERALL_CANDIDATES))})
        union
        (select c.* from unnest(${textArrayLiteral(cats)}::text[]) as cat(name) cross join lateral (
          select * from selection_index where selection_index.tenant_id = ${tenantId} and selection_index.eligible and selection_index.category = cat.name
          order by prescore desc nulls last limit ${sql.unsafe(String(PER_CATEGORY_CANDIDATES))}) c)
      )
      select ${columns(sql, 'cand')}, e.entries
      from cand cross join lateral (select ${poolEntriesJsonFragment(sql, 'cand.tenant_id', 'cand.id', poolIds)} as entries) e`
    rows = await (end ? end.last(statement) : statement)
  }
  const inReach = rows.filter((r) => r.entries !== null)
  if (reach <= SMALL_REACH || inReach.length < rows.length * MIN_IN_REACH) {
    // The pools hold few of the index's best: rank what is in them instead.
    const fromPools = (sql: Sql) => fromPoolsDirectly(sql, tenantId, poolIds, onlyCategory)
    rows = reach > SMALL_REACH && end ? await end.reread(fromPools) : await fromPools(sql)
  } else rows = inReach
  return rows.map((r) => ({
    id: r.id,
    ownerTenantId: tenantId,
    title: r.title,
    category: r.category,
    brandTier: r.brandTier,
    supplierId: r.supplierId,
    reputation: r.reputation,
    micro: r.micro,
    listPrice: Number(r.listPrice),
    currency: r.currency,
    commissionRate: r.commissionRate,
    repurchaseRate: r.repurchaseRate,
    overExposure: r.overExposure,
    stock: r.stock,
    pools: (r.entries ?? []).map((e) => ({ ...e, price: e.price === null ? null : Number(e.price) })),
  }))
}

/** The best eligible products in the pools by pre-score, with their entries: for pools that hold few of the index's best. */
async function fromPoolsDirectly(sql: Sql, tenantId: string, poolIds: string[], onlyCategory?: string): Promise<Row[]> {
  const found = await sql<Row[]>`
    select ${columns(sql, 'selection_index')} from selection_index
    where selection_index.tenant_id = ${tenantId} and selection_index.id in ${pooledProductIdsFragment(sql, tenantId, poolIds)}
      and selection_index.eligible ${onlyCategory ? sql`and selection_index.category = ${onlyCategory}` : sql``}
    order by prescore desc nulls last limit ${sql.unsafe(String(OVERALL_CANDIDATES + PER_CATEGORY_CANDIDATES * 8))}`
  const entries = await poolEntriesOn(
    sql,
    tenantId,
    found.map((r) => r.id),
    poolIds,
  )
  for (const r of found) r.entries = entries.get(r.id) ?? []
  return found
}
