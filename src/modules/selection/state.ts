import { sql } from 'drizzle-orm'
import type { TxCtx } from '../../lib/context.js'
import { anchorExistsSql } from '../anchors/index.js'
import { liveGrantsJsonSql } from '../pools/index.js'
import { selectionState } from './tables.js'

const STATE_ID = 'selection'

/**
 * Records, in the caller's transaction, that something recommendations read has changed:
 * the tenant's selection version goes up and commits or rolls back with the change, so no
 * process serves a recommendation computed before it (see cache.ts). It runs from the
 * domain changes selection subscribes to (index.ts): products and SKU stock, supplier
 * status, fields and reviews, pools (items, anchors, grants), anchors and sales history, and
 * from selection's own weights; refreshSelectionIndex and refreshSalesStats call it first.
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
  const grants = withGrants ? liveGrantsJsonSql(tx) : sql`'[]'::json`
  const [row] = await tx.tx.execute<{ anchor: boolean; version: number; grants: [string, string][] }>(sql`
    select ${anchorExistsSql(tx, anchorId)} as anchor,
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
