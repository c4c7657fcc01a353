import { and, eq, inArray, ne, sql } from 'drizzle-orm'
import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Ctx, TxCtx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import { newId } from '../../lib/ids.js'
import { tenantRepository, type PageRequest, mapPage, scoped } from '../../lib/repository.js'
import { patchColumns } from '../../lib/patch.js'
import { publish } from '../../lib/hooks.js'
import { anchorChanged, anchorCreated, anchorUpdated } from './changes.js'
import { anchors } from './tables.js'
import type { CreateAnchorInput, UpdateAnchorInput } from './schemas.js'

export const anchorRepo = tenantRepository(anchors, 'anchor')
export type AnchorRow = typeof anchors.$inferSelect

export const presentAnchor = (a: AnchorRow) => ({
  id: a.id,
  name: a.name,
  platform_handles: a.platformHandles,
  categories: a.categories,
  audience: a.audience,
  status: a.status,
  version: a.version,
  created_at: a.createdAt.toISOString(),
  updated_at: a.updatedAt.toISOString(),
})

export function createAnchor(ctx: Ctx, input: CreateAnchorInput) {
  return inTenant(ctx, async (tx) => {
    const row = await anchorRepo.insert(tx, {
      id: newId('anchor'),
      name: input.name,
      platformHandles: input.platform_handles ?? [],
      categories: input.categories ?? [],
      audience: input.audience ?? { interests: [] },
    })
    const anchor = presentAnchor(row)
    await publish(tx, anchorCreated, anchor)
    await audit(tx, 'anchor.created', { type: 'anchor', id: row.id }, input)
    return anchor
  })
}

export function getAnchor(ctx: Ctx, id: string) {
  return anchorRepo.read(ctx, id).then(presentAnchor)
}

export function listAnchors(ctx: Ctx, page: PageRequest) {
  return inTenant(ctx, async (tx) => {
    return mapPage(anchorRepo.list(tx, page), presentAnchor)
  })
}

export function updateAnchor(ctx: Ctx, id: string, expectedVersion: number | undefined, input: UpdateAnchorInput) {
  return inTenant(ctx, async (tx) => {
    if (input.status === 'suspended')
      throw new AppError(
        'unprocessable',
        'An anchor is suspended only by strikes under the platform’s standards (POST /v1/anchors/{id}/violations), never by a PATCH.',
        { errors: [{ pointer: '/body/status', detail: 'must be active or inactive; suspended is set by governance' }] },
      )
    if (input.status !== undefined) await refuseWhileSuspended(tx, id)
    const row = await anchorRepo.update(
      tx,
      id,
      expectedVersion,
      patchColumns<AnchorRow, UpdateAnchorInput>(input, {
        name: 'name',
        platform_handles: 'platformHandles',
        categories: 'categories',
        audience: 'audience',
        status: 'status',
      }),
    )
    await publish(tx, anchorChanged, { anchorId: id })
    const anchor = presentAnchor(row)
    await publish(tx, anchorUpdated, anchor)
    await audit(tx, 'anchor.updated', { type: 'anchor', id }, input)
    return anchor
  })
}

/**
 * A status change on a suspended anchor would lift the suspension without its record. The row
 * lock makes the check hold until commit: a suspension committed meanwhile is seen, and one
 * that comes later waits for this change.
 */
async function refuseWhileSuspended(tx: TxCtx, id: string) {
  const [row] = await tx.tx
    .select({ status: anchors.status })
    .from(anchors)
    .where(scoped(tx, anchors, eq(anchors.id, id)))
    .for('update')
  if (row?.status === 'suspended')
    throw new AppError(
      'conflict',
      `Anchor ${id} is suspended; its status changes only when the suspension is lifted with POST /v1/anchors/${id}/reinstatement.`,
    )
}

/**
 * Anchor governance suspends an anchor (`suspended: true`) or lifts its suspension (back to
 * active). One conditional statement: it changes only an anchor not yet in (or still in) that
 * state, and answers undefined otherwise, so concurrent callers cannot both win.
 */
export async function setAnchorSuspended(tx: TxCtx, id: string, suspended: boolean) {
  const [row] = await tx.tx
    .update(anchors)
    .set({
      status: suspended ? 'suspended' : 'active',
      version: sql`${anchors.version} + 1`,
      updatedAt: sql`now()`,
    })
    .where(
      scoped(
        tx,
        anchors,
        and(eq(anchors.id, id), suspended ? ne(anchors.status, 'suspended') : eq(anchors.status, 'suspended')),
      ),
    )
    .returning()
  if (!row) return undefined
  await publish(tx, anchorChanged, { anchorId: id })
  const anchor = presentAnchor(row)
  await publish(tx, anchorUpdated, anchor)
  return anchor
}

/** The anchors of `ids` in the tenant, one query, null for an unknown id; for other modules' GraphQL loaders. */
export function getAnchorsByIds(ctx: Ctx, ids: readonly string[]) {
  return inTenant(ctx, async (tx) => {
    const unique = [...new Set(ids)]
    const rows = unique.length
      ? await tx.tx
          .select()
          .from(anchors)
          .where(scoped(tx, anchors, inArray(anchors.id, unique)))
      : []
    const byId = new Map(rows.map((r) => [r.id, presentAnchor(r)]))
    return ids.map((id) => byId.get(id) ?? null)
  })
}
