import { sql } from 'drizzle-orm'
import type { TxCtx } from '../../lib/context.js'
import { anchors } from '../anchors/tables.js'
import { poolGrants } from '../pools/tables.js'
import { selectionState } from './tables.js'

const STATE_ID = 'selection'

/**
 * Records, in the caller's transaction, that something recommendations read has changed:
 * the tenant's selection version goes up and commits or rolls back with the change, so no
 * process serves a recommendation computed before it (see cache.ts). Every write to what
 * recommendations read calls it: refreshSelectionIndex and refreshSalesStats (products,
 * SKU stock, supplier status and reputation, sales stats and anchor profiles, weights),
 * pools, pool items, pool anchors, grants and anchors.
 *
 * Lock order: the version row is locked until commit, so writers of one tenant queue here.
 * Take it after the rows the change itself locks (the product, the supplier, the pool)
 * and before the derived rows many writers share (selection_index, sales stats), which is
 * what refreshSelectionIndex and refreshSalesStats do; then two writers never wait on each
 * other in opposite orders.
 */
export async function markSelectionChanged(tx: TxCtx): Promise<void> {
  await tx.tx
    .insert(selectionState)
    .values({ tenantId: tx.tenantId, id: STATE_ID, version: 1 })
    .onConflictDoUpdate({
      target: [selectionState.tenantId, selectionState.id],
      set: { version: sql`${selectionState.version} + 1`, updatedAt: sql`now()` },
    })
}

export interface SelectionStamp {
  anchorExists: boolean
  version: number
  /** Live grants to the tenant as [owner tenant, pool id], sorted; empty when not asked for. */
  grants: [string, string][]
}

/**
 * One statement: whether the anchor exists in the tenant, the tenant's selection version,
 * and (with `withGrants`) the pools other organizations share with it. Read before any data
 * a recommendation is computed from: under READ COMMITTED each later statement sees data at
 * least as new as this version, never older.
 */
export async function readSelectionStamp(tx: TxCtx, anchorId: string, withGrants: boolean): Promise<SelectionStamp> {
  const grants = withGrants
    ? sql`(select coalesce(json_agg(json_build_array(g.tenant_id, g.pool_id) order by g.tenant_id, g.pool_id), '[]'::json) from ${poolGrants} g where g.grantee_tenant_id = ${tx.tenantId} and g.revoked_at is null)`
    : sql`'[]'::json`
  const [row] = await tx.tx.execute<{ anchor: boolean; version: number; grants: [string, string][] }>(sql`
    select exists (select 1 from ${anchors} a where a.tenant_id = ${tx.tenantId} and a.id = ${anchorId}) as anchor,
      coalesce((select s.version from ${selectionState} s where s.tenant_id = ${tx.tenantId} and s.id = ${STATE_ID}), 0) as version,
      ${grants} as grants
  `)
  return { anchorExists: row!.anchor, version: Number(row!.version), grants: row!.grants }
}

/** The tenant's selection version alone; read in an owner's tenant for the pools it shares. */
export async function readSelectionVersion(tx: TxCtx): Promise<number> {
  const [row] = await tx.tx.execute<{ version: number }>(
    sql`select coalesce((select s.version from ${selectionState} s where s.tenant_id = ${tx.tenantId} and s.id = ${STATE_ID}), 0) as version`,
  )
  return Number(row!.version)
}
