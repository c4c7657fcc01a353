import { and, eq, inArray, isNull } from 'drizzle-orm'
import type { Sql } from 'postgres'
import { inTenant, transactionClient } from '../../db/tenancy.js'
import type { Ctx, TxCtx } from '../../lib/context.js'
import { scoped } from '../../lib/repository.js'
import { textArrayLiteral } from '../../lib/sql.js'
import { type ProductSummary, productSummaries } from '../catalog/index.js'
import { poolGrants, poolItems, supplyPools } from './tables.js'

export type GrantRow = typeof poolGrants.$inferSelect

/**
 * Pools other organizations shared with the caller. The grant row belongs to the owner;
 * its RLS policy lets the grantee read it, which is all the grantee can see of the owner.
 */
export function grantsToMe(tx: TxCtx): Promise<GrantRow[]> {
  return tx.tx
    .select()
    .from(poolGrants)
    .where(and(eq(poolGrants.granteeTenantId, tx.tenantId), isNull(poolGrants.revokedAt)))
}

/**
 * Runs `fn` in the owner's tenant for pools it shared with the caller, after checking in
 * the owner's own transaction that the grants still stand; `fn` gets only those pool ids.
 * Runs outside the caller's transaction (a transaction acts as one tenant).
 */
export function asGrantee<T>(
  ctx: Ctx,
  ownerTenantId: string,
  poolIds: string[],
  fn: (ownerTx: TxCtx, grantedPoolIds: string[]) => Promise<T>,
): Promise<T> {
  const ownerCtx: Ctx = { ...ctx, tenantId: ownerTenantId }
  return inTenant(ownerCtx, async (tx) => {
    const live = await tx.tx
      .select({ poolId: poolGrants.poolId })
      .from(poolGrants)
      .where(
        scoped(
          tx,
          poolGrants,
          inArray(poolGrants.poolId, poolIds),
          eq(poolGrants.granteeTenantId, ctx.tenantId),
          isNull(poolGrants.revokedAt),
        ),
      )
    return fn(
      tx,
      live.map((g) => g.poolId),
    )
  })
}

/** Grants to the caller, grouped by owner tenant. */
export function byOwner(grants: GrantRow[]): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const g of grants) out.set(g.tenantId, [...(out.get(g.tenantId) ?? []), g.poolId])
  return out
}

/** The tenant's active pools the anchor may draw from (all-anchor pools and those listing it). */
export function accessiblePools(tx: TxCtx, anchorId: string, onlyPool?: string): Promise<PoolReach[]> {
  return accessiblePoolsOn(transactionClient(tx.tx), tx.tenantId, anchorId, onlyPool)
}

/** `accessiblePools` on a postgres.js connection in the tenant's transaction (one fixed statement). */
async function accessiblePoolsOn(
  sql: Sql,
  tenantId: string,
  anchorId: string,
  onlyPool?: string,
): Promise<PoolReach[]> {
  const [row] = await sql<{ pools: PoolReach[] }[]>`
    select ${accessiblePoolsJsonFragment(sql, tenantId, anchorId, onlyPool)} as pools`
  return row!.pools
}

/** `accessiblePools` as a scalar subquery (a JSON array of PoolReach), for a statement of the caller's. */
export function accessiblePoolsJsonFragment(sql: Sql, tenantId: string, anchorId: string, onlyPool?: string) {
  return sql`(select coalesce(json_agg(json_build_object('id', id, 'itemCount', item_count) order by id), '[]'::json)
    from supply_pools
    where tenant_id = ${tenantId} and status = 'active' ${onlyPool ? sql`and id = ${onlyPool}` : sql``}
      and (access = 'all_anchors' or exists (select 1 from pool_anchors pa
        where pa.tenant_id = supply_pools.tenant_id and pa.pool_id = supply_pools.id and pa.anchor_id = ${anchorId})))`
}

/** In the owner's tenant: which of the given pools are still active. */
export function activePools(tx: TxCtx, poolIds: string[]): Promise<PoolReach[]> {
  if (!poolIds.length) return Promise.resolve([])
  return tx.tx
    .select({ id: supplyPools.id, itemCount: supplyPools.itemCount })
    .from(supplyPools)
    .where(scoped(tx, supplyPools, eq(supplyPools.status, 'active'), inArray(supplyPools.id, poolIds)))
}

export type PoolReach = { id: string; itemCount: number }
export type PoolEntry = { pool_id: string; price: number | null; supply_limit: number | null }

/** Each product's entries (pool, price, supply limit) in the given pools. */
export function poolEntries(tx: TxCtx, productIds: string[], poolIds: string[]): Promise<Map<string, PoolEntry[]>> {
  return poolEntriesOn(transactionClient(tx.tx), tx.tenantId, productIds, poolIds)
}

/** `poolEntries` on a postgres.js connection in the tenant's transaction (one fixed statement). */
export async function poolEntriesOn(
  sql: Sql,
  tenantId: string,
  productIds: string[],
  poolIds: string[],
): Promise<Map<string, PoolEntry[]>> {
  const out = new Map<string, PoolEntry[]>()
  if (!productIds.length) return out
  const rows = await sql<{ productId: string; poolId: string; price: bigint | null; supplyLimit: number | null }[]>`
    select product_id as "productId", pool_id as "poolId", price, supply_limit as "supplyLimit" from pool_items
    where tenant_id = ${tenantId} and product_id = any(${textArrayLiteral(productIds)}::text[])
      and pool_id = any(${textArrayLiteral(poolIds)}::text[])`
  for (const r of rows) {
    const entry = { pool_id: r.poolId, price: r.price === null ? null : Number(r.price), supply_limit: r.supplyLimit }
    const entries = out.get(r.productId)
    if (entries) entries.push(entry)
    else out.set(r.productId, [entry])
  }
  return out
}

/**
 * A JSON array (or null) of one product's entries in the given pools, as a postgres.js fragment
 * for statements that read candidates and their entries at once. `tenantId` and `productId`
 * name columns of the outer statement (`'cand.id'` for cand.id).
 */
export function poolEntriesJsonFragment(sql: Sql, tenantId: string, productId: string, poolIds: string[]) {
  return sql`(select json_agg(json_build_object('pool_id', pool_id, 'price', price, 'supply_limit', supply_limit))
    from pool_items where pool_items.tenant_id = ${sql(tenantId)} and pool_items.product_id = ${sql(productId)}
      and pool_items.pool_id = any(${textArrayLiteral(poolIds)}::text[]))`
}

/** The ids of the products in the given pools, as a postgres.js subquery fragment. */
export function pooledProductIdsFragment(sql: Sql, tenantId: string, poolIds: string[]) {
  return sql`(select product_id from pool_items where tenant_id = ${tenantId} and pool_id = any(${textArrayLiteral(poolIds)}::text[]))`
}

/** The pool item for a product in a pool, if the pool holds it. */
export async function poolItemFor(tx: TxCtx, poolId: string, productId: string) {
  const [item] = await tx.tx
    .select()
    .from(poolItems)
    .where(scoped(tx, poolItems, eq(poolItems.poolId, poolId), eq(poolItems.productId, productId)))
  return item
}

/** Live grants to the tenant as a JSON array of [owner tenant, pool id], sorted; a postgres.js fragment. */
export function liveGrantsJsonFragment(sql: Sql, tenantId: string) {
  return sql`(select coalesce(json_agg(json_build_array(g.tenant_id, g.pool_id) order by g.tenant_id, g.pool_id), '[]'::json) from pool_grants g where g.grantee_tenant_id = ${tenantId} and g.revoked_at is null)`
}

/** Products a tenant's anchors may sell: the tenant's own, or those in pools shared with it. */
export async function productsInReach(ctx: Ctx, ids: string[]): Promise<Map<string, ProductSummary>> {
  const { own, grants } = await inTenant(ctx, async (tx) => ({
    own: await productSummaries(tx, ids),
    grants: await grantsToMe(tx),
  }))
  const found = new Map(own.map((p) => [p.id, p]))
  const missing = ids.filter((id) => !found.has(id))
  if (missing.length && grants.length) {
    for (const [owner, poolIds] of byOwner(grants)) {
      const shared = await asGrantee(ctx, owner, poolIds, async (tx, granted) => {
        if (!granted.length) return []
        const held = await tx.tx
          .selectDistinct({ productId: poolItems.productId })
          .from(poolItems)
          .where(scoped(tx, poolItems, inArray(poolItems.productId, missing), inArray(poolItems.poolId, granted)))
        return productSummaries(
          tx,
          held.map((h) => h.productId),
        )
      })
      for (const p of shared) found.set(p.id, p)
    }
  }
  return found
}
