import { eq, inArray } from 'drizzle-orm'
import type { Sql } from 'postgres'
import type { TxCtx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import { scoped } from '../../lib/repository.js'
import { anchorRepo, type AnchorRow } from './service.js'
import { anchors, type AudienceProfile } from './tables.js'

/** What other modules may read of anchors, inside the caller's tenant transaction. */
type FindOptions = {
  /**
   * Holds the anchor's row until the caller commits, so a decision taken on its status stands:
   * a change committed meanwhile (a suspension) is seen, and one that comes later waits.
   */
  lockStatus?: boolean
}
export async function findAnchor(tx: TxCtx, id: string, opts: FindOptions & { required: true }): Promise<AnchorRow>
export async function findAnchor(
  tx: TxCtx,
  id: string,
  opts?: FindOptions & { required?: false },
): Promise<AnchorRow | undefined>
export async function findAnchor(tx: TxCtx, id: string, opts: FindOptions & { required?: boolean } = {}) {
  const row = opts.lockStatus
    ? (
        await tx.tx
          .select()
          .from(anchors)
          .where(scoped(tx, anchors, eq(anchors.id, id)))
          .for('share')
      )[0]
    : await anchorRepo.find(tx, id)
  if (!row && opts.required) throw new AppError('not_found', `No anchor with id ${id} exists.`)
  return row
}

/** Which of `ids` are anchors of the tenant. */
export async function existingAnchorIds(tx: TxCtx, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set()
  const rows = await tx.tx
    .select({ id: anchors.id })
    .from(anchors)
    .where(scoped(tx, anchors, inArray(anchors.id, ids)))
  return new Set(rows.map((r) => r.id))
}

/** A boolean postgres.js fragment: the anchor exists in the tenant; for statements that read several facts at once. */
export function anchorExistsFragment(sql: Sql, tenantId: string, anchorId: string) {
  return sql`exists (select 1 from anchors a where a.tenant_id = ${tenantId} and a.id = ${anchorId})`
}

/** What ranking reads of an anchor, as `anchorAudienceJsonFragment` returns it (null when there is no such anchor). */
export type AnchorAudience = { categories: string[]; audience: AudienceProfile }

/** What ranking reads of an anchor (its categories and audience) as a scalar JSON subquery, for a statement of the caller's. */
export function anchorAudienceJsonFragment(sql: Sql, tenantId: string, anchorId: string) {
  return sql`(select json_build_object('categories', categories, 'audience', audience) from anchors
    where tenant_id = ${tenantId} and id = ${anchorId})`
}

/** Every anchor of the tenant with its status, oldest first; for reviews that rank them all. */
export function allAnchorStatuses(tx: TxCtx): Promise<{ id: string; name: string; status: AnchorRow['status'] }[]> {
  return tx.tx
    .select({ id: anchors.id, name: anchors.name, status: anchors.status })
    .from(anchors)
    .where(scoped(tx, anchors))
    .orderBy(anchors.id)
}
