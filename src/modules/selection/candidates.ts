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
import type { RecommendationCache } from './cache.js'
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

/** Candidates as one statement or list read them, each marked with whether a pool in reach holds it. */
export type CandidateList = readonly { candidate: Candidate; inReach: boolean }[]

/**
 * How the tenant's own candidates are read outside any transaction of the caller's: each
 * statement in a tenant read transaction of its own (`read`, i.e. `inTenantReads`), taken
 * after the request read its selection stamp, so it sees data at least as new. `lists` holds
 * candidate lists under `stamp`, that version (state.ts), so a list is used only while nothing
 * it was read from has changed.
 */
export interface CandidateReads {
  read: <R>(read: (sql: Sql, last: LastStatement) => Promise<R>) => Promise<R>
  lists: RecommendationCache<CandidateList>
  stamp: string
}

/**
 * Candidate generation: eligible products (active, in stock, supplier admitted or on
 * probation) in reach of the given pools, the best by pre-score overall and per affine
 * category. Reads walk the partial indexes on selection_index in pre-score order and stop
 * early; pool membership and prices are then read for those few hundred ids. When the
 * pools hold a small part of the catalog, candidates come from the pools directly.
 *
 * Each part (the best overall, the best of one category, the pools read directly) is a
 * candidate list of its own for the tenant and the pools in reach: with `CandidateReads`,
 * parts held under the request's stamp are not read again, and only the missing ones are, in
 * one statement. A product in two parts counts once, as in the union of one statement.
 *
 * `on` is either a connection in the transaction of `tenantId`, the tenant that owns the
 * pools (the owner of pools shared with the caller), or `CandidateReads` for the caller's own.
 * Fixed postgres.js statements; `eligible` and the limits are written into the text, not
 * bound, so the cached generic plan can use the partial indexes.
 */
export async function candidates(
  on: Sql | CandidateReads,
  tenantId: string,
  pools: PoolReach[],
  categories: string[],
  onlyCategory?: string,
): Promise<Candidate[]> {
  if (!pools.length) return []
  const poolIds = pools.map((p) => p.id)
  const reach = pools.reduce((n, p) => n + p.itemCount, 0)
  const cats = onlyCategory ? [onlyCategory] : [...new Set(categories)]
  const reads = typeof on === 'function' ? undefined : on
  const listKey = (part: string) => JSON.stringify([tenantId, [...poolIds].sort(), part])
  const held = (key: string) => reads?.lists.lookup(key, reads.stamp)
  const keep = (key: string, read: () => Promise<CandidateList>) =>
    reads ? reads.lists.fill(key, reads.stamp, read, (l) => l.length + 1) : read()

  let found: CandidateList = []
  if (reach > SMALL_REACH) {
    const parts = [
      { key: listKey(`overall:${onlyCategory ?? ''}`), category: null as string | null },
      ...cats.map((c) => ({ key: listKey(`category:${c}`), category: c })),
    ].map((p) => ({ ...p, list: held(p.key) }))
    const missing = parts.filter((p) => p.list === undefined)
    if (missing.length) {
      const statement = (sql: Sql) =>
        indexCandidates(
          sql,
          tenantId,
          poolIds,
          missing[0]!.category === null ? { onlyCategory } : undefined,
          missing.filter((p) => p.category !== null).map((p) => p.category!),
        )
      const rows = reads ? reads.read((sql, last) => last(statement(sql))) : statement(on as Sql)
      const read = rows.then((rows) => toLists(rows, tenantId))
      for (const p of missing) p.list = keep(p.key, async () => (await read).get(p.category) ?? [])
    }
    found = distinct(await Promise.all(parts.map((p) => p.list!)))
  }
  const inReach = found.filter((r) => r.inReach)
  if (reach <= SMALL_REACH || inReach.length < found.length * MIN_IN_REACH) {
    // The pools hold few of the index's best: rank what is in them instead.
    const key = listKey(`pools:${onlyCategory ?? ''}`)
    const fromPools = (sql: Sql) => fromPoolsDirectly(sql, tenantId, poolIds, onlyCategory)
    found = await (held(key) ?? keep(key, () => (reads ? reads.read((sql) => fromPools(sql)) : fromPools(on as Sql))))
  } else found = inReach
  return found.map((r) => r.candidate)
}

/**
 * The best eligible products by pre-score overall (with `overall`) and in each of
 * `categories`, from the selection index, each row marked with its part (null for overall)
 * and carrying its entries in the pools in reach.
 */
function indexCandidates(
  sql: Sql,
  tenantId: string,
  poolIds: string[],
  overall: { onlyCategory?: string } | undefined,
  categories: string[],
) {
  const categoryFilter = overall?.onlyCategory ? sql`and selection_index.category = ${overall.onlyCategory}` : sql``
  const best = overall
    ? sql`(select null::text as part, * from selection_index where selection_index.tenant_id = ${tenantId} and selection_index.eligible ${categoryFilter}
          order by prescore desc nulls last limit ${sql.unsafe(String(OVERALL_CANDIDATES))})
        union all`
    : sql``
  // One statement: the parts by walking the partial indexes in pre-score order, then each
  // candidate's entries in the pools in reach.
  return sql<(Row & { part: string | null })[]>`
    with cand as (
      ${best}
      (select cat.name as part, c.* from unnest(${textArrayLiteral(categories)}::text[]) as cat(name) cross join lateral (
        select * from selection_index where selection_index.tenant_id = ${tenantId} and selection_index.eligible and selection_index.category = cat.name
        order by prescore desc nulls last limit ${sql.unsafe(String(PER_CATEGORY_CANDIDATES))}) c)
    )
    select cand.part, ${columns(sql, 'cand')}, e.entries
    from cand cross join lateral (select ${poolEntriesJsonFragment(sql, 'cand.tenant_id', 'cand.id', poolIds)} as entries) e`
}

const toLists = (rows: readonly (Row & { part: string | null })[], ownerTenantId: string) => {
  const byPart = new Map<string | null, { candidate: Candidate; inReach: boolean }[]>()
  for (const r of rows) {
    const list = byPart.get(r.part) ?? []
    list.push(listed(r, ownerTenantId))
    byPart.set(r.part, list)
  }
  return byPart
}

/** Each product once, as it first appears. */
function distinct(lists: CandidateList[]): CandidateList {
  const seen = new Set<string>()
  const out: { candidate: Candidate; inReach: boolean }[] = []
  for (const list of lists)
    for (const item of list) {
      if (seen.has(item.candidate.id)) continue
      seen.add(item.candidate.id)
      out.push(item)
    }
  return out
}

const listed = (r: Row, ownerTenantId: string): { candidate: Candidate; inReach: boolean } => ({
  inReach: r.entries !== null,
  candidate: {
    id: r.id,
    ownerTenantId,
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
  },
})

/** The best eligible products in the pools by pre-score, with their entries: for pools that hold few of the index's best. */
async function fromPoolsDirectly(
  sql: Sql,
  tenantId: string,
  poolIds: string[],
  onlyCategory?: string,
): Promise<CandidateList> {
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
  return found.map((r) => listed(r, tenantId))
}
