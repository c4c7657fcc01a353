import { desc, eq, inArray, lt, sql } from 'drizzle-orm'
import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Ctx, TxCtx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import { newId } from '../../lib/ids.js'
import {
  decodeCursor,
  encodeCursor,
  scoped,
  tenantRepository,
  type PageRequest,
  mapPage,
} from '../../lib/repository.js'
import { publish } from '../../lib/hooks.js'
import { patchColumns } from '../../lib/patch.js'
import { existingAnchorIds } from '../anchors/index.js'
import { findProduct, productSummaries } from '../catalog/index.js'
import { poolChanged, supplyPoolCreated, supplyPoolUpdated } from './changes.js'
import { asGrantee, byOwner, grantsToMe } from './reads.js'
import { organizationKind } from '../identity/index.js'
import { poolAnchors, poolGrants, poolItems, supplyPools } from './tables.js'
import type { AddPoolItemInput, CreateSupplyPoolInput, UpdatePoolItemInput, UpdateSupplyPoolInput } from './schemas.js'

const poolRepo = tenantRepository(supplyPools, 'supply pool')
const itemRepo = tenantRepository(poolItems, 'pool item')
const grantRepo = tenantRepository(poolGrants, 'pool grant')
type PoolRow = typeof supplyPools.$inferSelect

const presentPool = (p: PoolRow, anchorIds: string[]) => ({
  id: p.id,
  name: p.name,
  description: p.description,
  built_by: { organization_id: p.builtByOrganizationId, kind: p.builtByKind },
  access: p.access,
  anchor_ids: anchorIds,
  status: p.status,
  item_count: p.itemCount,
  version: p.version,
  created_at: p.createdAt.toISOString(),
  updated_at: p.updatedAt.toISOString(),
})

const presentItem = (i: typeof poolItems.$inferSelect, currency: string) => ({
  id: i.id,
  pool_id: i.poolId,
  product_id: i.productId,
  price: i.price === null ? null : { amount: i.price, currency },
  supply_limit: i.supplyLimit,
  version: i.version,
  created_at: i.createdAt.toISOString(),
  updated_at: i.updatedAt.toISOString(),
})

const presentGrant = (g: typeof poolGrants.$inferSelect) => ({
  id: g.id,
  pool_id: g.poolId,
  organization_id: g.granteeTenantId,
  revoked_at: g.revokedAt?.toISOString() ?? null,
  version: g.version,
  created_at: g.createdAt.toISOString(),
})

async function anchorIdsOf(tx: TxCtx, poolIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(poolIds.map((id) => [id, []]))
  if (!poolIds.length) return out
  const rows = await tx.tx
    .select()
    .from(poolAnchors)
    .where(scoped(tx, poolAnchors, inArray(poolAnchors.poolId, poolIds)))
  for (const r of rows) out.get(r.poolId)!.push(r.anchorId)
  return out
}

async function setAnchors(tx: TxCtx, poolId: string, anchorIds: string[]) {
  if (anchorIds.length) {
    const found = await existingAnchorIds(tx, anchorIds)
    const missing = anchorIds.filter((id) => !found.has(id))
    if (missing.length)
      throw new AppError('unprocessable', `No anchor with id ${missing.join(', ')} exists.`, {
        errors: missing.map((id) => ({ pointer: `/body/anchor_ids/${anchorIds.indexOf(id)}`, detail: 'not found' })),
      })
  }
  await tx.tx.delete(poolAnchors).where(scoped(tx, poolAnchors, eq(poolAnchors.poolId, poolId)))
  if (anchorIds.length)
    await tx.tx.insert(poolAnchors).values(anchorIds.map((anchorId) => ({ tenantId: tx.tenantId, poolId, anchorId })))
}

export function createPool(ctx: Ctx, input: CreateSupplyPoolInput) {
  return inTenant(ctx, async (tx) => {
    const row = await poolRepo.insert(tx, {
      id: newId('pool'),
      name: input.name,
      description: input.description ?? null,
      builtByOrganizationId: ctx.actor.organizationId,
      builtByKind: ctx.actor.organizationKind,
      access: input.access ?? 'all_anchors',
    })
    await setAnchors(tx, row.id, input.anchor_ids ?? [])
    await publish(tx, poolChanged, { poolId: row.id })
    const pool = presentPool(row, input.anchor_ids ?? [])
    await publish(tx, supplyPoolCreated, pool)
    await audit(tx, 'supply_pool.created', { type: 'supply_pool', id: row.id }, input)
    return pool
  })
}

export function getPool(ctx: Ctx, id: string) {
  return inTenant(ctx, async (tx) => {
    const row = await poolRepo.get(tx, id)
    return presentPool(row, (await anchorIdsOf(tx, [id])).get(id)!)
  })
}

export function listPools(ctx: Ctx, query: PageRequest & { status?: 'active' | 'archived' }) {
  return inTenant(ctx, async (tx) => {
    const page = await poolRepo.list(tx, query, query.status ? eq(supplyPools.status, query.status) : undefined)
    const ids = await anchorIdsOf(
      tx,
      page.data.map((p) => p.id),
    )
    return { data: page.data.map((p) => presentPool(p, ids.get(p.id)!)), next_cursor: page.next_cursor }
  })
}

export function updatePool(ctx: Ctx, id: string, expectedVersion: number | undefined, input: UpdateSupplyPoolInput) {
  return inTenant(ctx, async (tx) => {
    const row = await poolRepo.update(
      tx,
      id,
      expectedVersion,
      patchColumns<PoolRow, UpdateSupplyPoolInput>(input, {
        name: 'name',
        description: 'description',
        access: 'access',
        status: 'status',
      }),
    )
    if (input.anchor_ids !== undefined) await setAnchors(tx, id, input.anchor_ids)
    await publish(tx, poolChanged, { poolId: id })
    const pool = presentPool(row, (await anchorIdsOf(tx, [id])).get(id)!)
    await publish(tx, supplyPoolUpdated, pool)
    await audit(tx, 'supply_pool.updated', { type: 'supply_pool', id }, input)
    return pool
  })
}

function checkCurrency(price: { currency: string } | null | undefined, currency: string) {
  if (price && price.currency !== currency)
    throw new AppError('unprocessable', `The pool price must be in the product’s currency ${currency}.`, {
      errors: [{ pointer: '/body/price/currency', detail: `must be ${currency}` }],
    })
}

export function addItem(ctx: Ctx, poolId: string, input: AddPoolItemInput) {
  return inTenant(ctx, async (tx) => {
    await poolRepo.get(tx, poolId)
    const product = await findProduct(tx, input.product_id)
    if (!product)
      throw new AppError('unprocessable', `No product with id ${input.product_id} exists.`, {
        errors: [{ pointer: '/body/product_id', detail: 'not found' }],
      })
    checkCurrency(input.price, product.currency)
    const [row] = await tx.tx
      .insert(poolItems)
      .values({
        tenantId: tx.tenantId,
        id: newId('poolItem'),
        poolId,
        productId: product.id,
        price: input.price?.amount ?? null,
        supplyLimit: input.supply_limit ?? null,
      })
      .onConflictDoNothing()
      .returning()
    if (!row)
      throw new AppError('conflict', `Product ${product.id} is in the pool already; change its pool item instead.`, {
        errors: [{ pointer: '/body/product_id', detail: 'already in the pool' }],
      })
    await tx.tx
      .update(supplyPools)
      .set({ itemCount: sql`${supplyPools.itemCount} + 1` })
      .where(scoped(tx, supplyPools, eq(supplyPools.id, poolId)))
    await publish(tx, poolChanged, { poolId: poolId })
    await audit(tx, 'pool_item.created', { type: 'pool_item', id: row.id }, { pool_id: poolId, ...input })
    return presentItem(row, product.currency)
  })
}

export function listItems(ctx: Ctx, poolId: string, page: PageRequest) {
  return inTenant(ctx, async (tx) => {
    await poolRepo.get(tx, poolId)
    const limit = page.limit ?? 50
    const rows = await tx.tx
      .select()
      .from(poolItems)
      .where(
        scoped(
          tx,
          poolItems,
          eq(poolItems.poolId, poolId),
          page.cursor ? lt(poolItems.id, decodeCursor(page.cursor)) : undefined,
        ),
      )
      .orderBy(desc(poolItems.id))
      .limit(limit + 1)
    const data = rows.slice(0, limit)
    const currencies = await currencyOf(
      tx,
      data.map((i) => i.productId),
    )
    return {
      data: data.map((i) => presentItem(i, currencies.get(i.productId)!)),
      next_cursor: rows.length > limit ? encodeCursor(data[data.length - 1]!.id) : null,
    }
  })
}

/** Pool prices are in their product's currency (a pool item's product always exists: a foreign key). */
async function currencyOf(tx: TxCtx, productIds: string[]): Promise<Map<string, string>> {
  return new Map((await productSummaries(tx, [...new Set(productIds)])).map((p) => [p.id, p.currency]))
}

async function itemWithCurrency(tx: TxCtx, id: string) {
  const item = await itemRepo.get(tx, id)
  return { item, currency: (await currencyOf(tx, [item.productId])).get(item.productId)! }
}

export function getItem(ctx: Ctx, id: string) {
  return inTenant(ctx, async (tx) => {
    const { item, currency } = await itemWithCurrency(tx, id)
    return presentItem(item, currency)
  })
}

export function updateItem(ctx: Ctx, id: string, expectedVersion: number | undefined, input: UpdatePoolItemInput) {
  return inTenant(ctx, async (tx) => {
    const { currency } = await itemWithCurrency(tx, id)
    checkCurrency(input.price, currency)
    const row = await itemRepo.update(tx, id, expectedVersion, {
      ...patchColumns<typeof poolItems.$inferSelect, UpdatePoolItemInput>(input, { supply_limit: 'supplyLimit' }),
      // null takes the pool price away: the list price applies again.
      ...(input.price !== undefined ? { price: input.price?.amount ?? null } : {}),
    })
    await publish(tx, poolChanged, { poolId: row.poolId })
    await audit(tx, 'pool_item.updated', { type: 'pool_item', id }, input)
    return presentItem(row, currency)
  })
}

export function removeItem(ctx: Ctx, id: string) {
  return inTenant(ctx, async (tx) => {
    const [row] = await tx.tx
      .delete(poolItems)
      .where(scoped(tx, poolItems, eq(poolItems.id, id)))
      .returning()
    if (!row) throw new AppError('not_found', `No pool item with id ${id} exists.`)
    await tx.tx
      .update(supplyPools)
      .set({ itemCount: sql`${supplyPools.itemCount} - 1` })
      .where(scoped(tx, supplyPools, eq(supplyPools.id, row.poolId)))
    await publish(tx, poolChanged, { poolId: row.poolId })
    await audit(tx, 'pool_item.deleted', { type: 'pool_item', id }, { pool_id: row.poolId, product_id: row.productId })
  })
}

// ── Sharing a pool with an MCN ──

/** The pool's owner shares it with an MCN organization, whose anchors may then draw from it. */
export async function grantPool(ctx: Ctx, poolId: string, input: { organization_id: string }) {
  // Organizations are control-plane data, read by the owning role before the tenant transaction.
  const granteeKind = await organizationKind(ctx, input.organization_id)
  return inTenant(ctx, async (tx) => {
    await poolRepo.get(tx, poolId)
    if (granteeKind !== 'mcn' || input.organization_id === ctx.tenantId) {
      throw new AppError('unprocessable', 'A pool can be shared with another MCN organization only.', {
        errors: [{ pointer: '/body/organization_id', detail: 'is not another MCN organization' }],
      })
    }
    const [row] = await tx.tx
      .insert(poolGrants)
      .values({ tenantId: tx.tenantId, id: newId('poolGrant'), poolId, granteeTenantId: input.organization_id })
      .onConflictDoUpdate({
        target: [poolGrants.tenantId, poolGrants.poolId, poolGrants.granteeTenantId],
        set: { revokedAt: null, version: sql`${poolGrants.version} + 1`, updatedAt: sql`now()` },
      })
      .returning()
    // The grantee's recommendations read the owner's version (and see the grant row itself).
    await publish(tx, poolChanged, { poolId: poolId })
    await audit(tx, 'pool_grant.created', { type: 'pool_grant', id: row!.id }, { pool_id: poolId, ...input })
    return presentGrant(row!)
  })
}

export function listGrants(ctx: Ctx, poolId: string, page: PageRequest) {
  return inTenant(ctx, async (tx) => {
    await poolRepo.get(tx, poolId)
    return mapPage(grantRepo.list(tx, page, eq(poolGrants.poolId, poolId)), presentGrant)
  })
}

export function revokeGrant(ctx: Ctx, poolId: string, input: { organization_id: string }) {
  return inTenant(ctx, async (tx) => {
    await poolRepo.get(tx, poolId)
    const [row] = await tx.tx
      .update(poolGrants)
      .set({
        revokedAt: sql`coalesce(${poolGrants.revokedAt}, now())`,
        version: sql`${poolGrants.version} + 1`,
        updatedAt: sql`now()`,
      })
      .where(
        scoped(tx, poolGrants, eq(poolGrants.poolId, poolId), eq(poolGrants.granteeTenantId, input.organization_id)),
      )
      .returning()
    if (!row) throw new AppError('not_found', `Pool ${poolId} is not shared with ${input.organization_id}.`)
    await publish(tx, poolChanged, { poolId: poolId })
    await audit(tx, 'pool_grant.revoked', { type: 'pool_grant', id: row.id }, { pool_id: poolId, ...input })
    return presentGrant(row)
  })
}

/** Pools shared with the caller, with their names read in each owner's tenant. */
export async function listSharedPools(ctx: Ctx, page: PageRequest) {
  const limit = page.limit ?? 50
  const grants = await inTenant(ctx, async (tx) => {
    const mine = await grantsToMe(tx)
    return mine.filter((g) => !page.cursor || g.id < decodeCursor(page.cursor)).sort((a, b) => (a.id < b.id ? 1 : -1))
  })
  const pageGrants = grants.slice(0, limit)
  const data = []
  for (const [owner, poolIds] of byOwner(pageGrants)) {
    const pools = await asGrantee(ctx, owner, poolIds, (tx, granted) =>
      granted.length
        ? tx.tx
            .select()
            .from(supplyPools)
            .where(scoped(tx, supplyPools, inArray(supplyPools.id, granted)))
        : Promise.resolve([]),
    )
    for (const p of pools) {
      const g = pageGrants.find((x) => x.poolId === p.id && x.tenantId === owner)!
      data.push({
        grant_id: g.id,
        pool_id: p.id,
        name: p.name,
        description: p.description,
        item_count: p.itemCount,
        owner_organization_id: owner,
        granted_at: g.updatedAt.toISOString(),
      })
    }
  }
  data.sort((a, b) => (a.grant_id < b.grant_id ? 1 : -1))
  return { data, next_cursor: grants.length > limit ? encodeCursor(pageGrants[pageGrants.length - 1]!.id) : null }
}
