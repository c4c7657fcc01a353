import { and, gte } from 'drizzle-orm'
import { eq } from 'drizzle-orm'
import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Ctx } from '../../lib/context.js'
import { newId } from '../../lib/ids.js'
import { tenantRepository, type PageRequest, mapPage } from '../../lib/repository.js'
import { markSelectionChanged } from '../selection/state.js'
import { anchors, anchorSales } from './tables.js'
import type { CreateAnchorInput, UpdateAnchorInput } from './schemas.js'

export const anchorRepo = tenantRepository(anchors, 'anchor')
const saleRepo = tenantRepository(anchorSales, 'sale')
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

const presentSale = (s: typeof anchorSales.$inferSelect) => ({
  id: s.id,
  anchor_id: s.anchorId,
  product_id: s.productId,
  product_title: s.productTitle,
  category: s.category,
  quantity: s.quantity,
  amount: { amount: s.amount, currency: s.currency },
  returned_quantity: s.returnedQuantity,
  disputes: s.disputes,
  sold_on: s.soldOn,
  external_id: s.externalId,
  created_at: s.createdAt.toISOString(),
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
    await audit(tx, 'anchor.created', { type: 'anchor', id: row.id }, input)
    return presentAnchor(row)
  })
}

export function getAnchor(ctx: Ctx, id: string) {
  return inTenant(ctx, async (tx) => presentAnchor(await anchorRepo.get(tx, id)))
}

export function listAnchors(ctx: Ctx, page: PageRequest) {
  return inTenant(ctx, async (tx) => {
    return mapPage(anchorRepo.list(tx, page), presentAnchor)
  })
}

export function updateAnchor(ctx: Ctx, id: string, expectedVersion: number | undefined, input: UpdateAnchorInput) {
  return inTenant(ctx, async (tx) => {
    const row = await anchorRepo.update(tx, id, expectedVersion, {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.platform_handles !== undefined ? { platformHandles: input.platform_handles } : {}),
      ...(input.categories !== undefined ? { categories: input.categories } : {}),
      ...(input.audience !== undefined ? { audience: input.audience } : {}),
      ...(input.status !== undefined ? { status: input.status } : {}),
    })
    // Categories and the audience profile feed audience_fit: cached recommendations go.
    await markSelectionChanged(tx)
    await audit(tx, 'anchor.updated', { type: 'anchor', id }, input)
    return presentAnchor(row)
  })
}

export function listSales(ctx: Ctx, anchorId: string, query: PageRequest & { since?: string }) {
  return inTenant(ctx, async (tx) => {
    await anchorRepo.get(tx, anchorId)
    return mapPage(
      saleRepo.list(
        tx,
        query,
        and(eq(anchorSales.anchorId, anchorId), query.since ? gte(anchorSales.soldOn, query.since) : undefined),
      ),
      presentSale,
    )
  })
}
