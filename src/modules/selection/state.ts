import { sql } from 'drizzle-orm'
import type { Sql } from 'postgres'
import type { TxCtx } from '../../lib/context.js'
import { anchorExistsFragment } from '../anchors/index.js'
import { liveGrantsJsonFragment } from '../pools/index.js'
import { selectionChanges, selectionState } from './tables.js'

const STATE_ID = 'selection'
/** One write in this many (by change id) trims the tenant's old change rows in its transaction. */
export const TRIM_EVERY = 256
/** A trim keeps the change rows newer than this many ids before its own. */
export const TRIM_KEEP = 512

/** What changed, for the change log: the products (or supplier, or all) re-indexed, sales, pools, anchors. */
export type ChangeScope = 'products' | 'supplier' | 'all' | 'sales' | 'pool' | 'anchor'

/**
 * Records, in the caller's transaction, that something recommendations read has changed:
 * one row goes into the tenant's change log and commits or rolls back with the change, so
 * no process serves a recommendation computed before it (see cache.ts). It runs from the
 * domain changes selection subscribes to (index.ts): products and SKU stock, supplier
 * status, fields and reviews, pools (items, anchors, grants), anchors and sales history, and
 * from selection's own weights; refreshSelectionIndex and refreshSalesStats call it first.
 *
 * Writers only insert, so writers of one tenant never wait on each other here (the single
 * counter row this replaced was locked by every writer until its commit). The freshness
 * stamp readers compare is the number of committed changes (`readSelectionVersion`): a
 * sequence's largest id would not do, since ids are handed out before commit and a write
 * with a smaller id can commit after a larger one has been read.
 *
 * About one write in TRIM_EVERY also trims the log: it deletes the tenant's committed rows
 * more than TRIM_KEEP ids older than its own and adds their number to the tenant's
 * selection_state row in the same statement, so the count of committed changes is the same
 * before and after the trim, whatever the reader's snapshot.
 */
export async function markSelectionChanged(tx: TxCtx, scope: ChangeScope, subjectId?: string): Promise<void> {
  const [row] = await tx.tx
    .insert(selectionChanges)
    .values({ tenantId: tx.tenantId, scope, subjectId: subjectId ?? null })
    .returning({ id: selectionChanges.id })
  if (Number(row!.id) % TRIM_EVERY === 0) await trimSelectionChanges(tx, Number(row!.id) - TRIM_KEEP)
}

/**
 * Moves the tenant's committed change rows below id `before` into the count on its
 * selection_state row, in one statement. Rows of transactions still running are not
 * visible here, so they stay, to be trimmed by a later write.
 */
export async function trimSelectionChanges(tx: TxCtx, before: number): Promise<number> {
  const [row] = await tx.tx.execute<{ trimmed: number }>(sql`
    with trimmed as (
      delete from ${selectionChanges} where tenant_id = ${tx.tenantId} and id < ${before} returning 1
    ), folded as (
      insert into ${selectionState} (tenant_id, id, version)
      select ${tx.tenantId}, ${STATE_ID}, count(*) from trimmed
      on conflict (tenant_id, id) do update set version = ${selectionState}.version + excluded.version, updated_at = now()
    )
    select count(*)::int as trimmed from trimmed
  `)
  return Number(row!.trimmed)
}

/** The number of the tenant's committed changes: rows in the log plus those trimmed from it. */
const committedChangesSql = (tx: TxCtx) => sql`(
  coalesce((select s.version from ${selectionState} s where s.tenant_id = ${tx.tenantId} and s.id = ${STATE_ID}), 0)
  + (select count(*) from ${selectionChanges} c where c.tenant_id = ${tx.tenantId}))`

export interface SelectionStamp {
  anchorExists: boolean
  version: number
  /** Live grants to the tenant as [owner tenant, pool id], sorted; empty when not asked for. */
  grants: [string, string][]
}

/**
 * One statement: whether the anchor exists in the tenant, the tenant's selection version (its
 * number of committed changes),
 * and (with `withGrants`) the pools other organizations share with it. Read before any data
 * a recommendation is computed from: under READ COMMITTED each later statement sees data at
 * least as new as this version, never older. A fixed postgres.js statement on `sql`, a
 * connection in the tenant's transaction.
 */
export async function readSelectionStamp(
  sql: Sql,
  tenantId: string,
  anchorId: string,
  withGrants: boolean,
): Promise<SelectionStamp> {
  const [row] = await sql<StampRow[]>`select ${selectionStampColumns(sql, tenantId, anchorId, withGrants)}`
  return selectionStampOf(row!)
}

type StampRow = { anchor: boolean; version: bigint | string; grants: [string, string][] }

/**
 * The stamp's columns (`anchor`, `version`, `grants`), for a statement that reads data along
 * with them: one statement reads everything in one snapshot, so the data is exactly as new
 * as the version.
 */
export function selectionStampColumns(sql: Sql, tenantId: string, anchorId: string, withGrants: boolean) {
  return sql`${anchorExistsFragment(sql, tenantId, anchorId)} as anchor,
      (coalesce((select s.version from selection_state s where s.tenant_id = ${tenantId} and s.id = ${STATE_ID}), 0)
        + (select count(*) from selection_changes c where c.tenant_id = ${tenantId})) as version,
      ${withGrants ? liveGrantsJsonFragment(sql, tenantId) : sql`'[]'::json`} as grants`
}

/** The stamp from a row holding `selectionStampColumns`. */
export function selectionStampOf(row: StampRow): SelectionStamp {
  return { anchorExists: row.anchor, version: Number(row.version), grants: row.grants }
}

/** The tenant's selection version alone; read in an owner's tenant for the pools it shares. */
export async function readSelectionVersion(tx: TxCtx): Promise<number> {
  const [row] = await tx.tx.execute<{ version: number }>(sql`select ${committedChangesSql(tx)} as version`)
  return Number(row!.version)
}
