import { and, eq, gte } from 'drizzle-orm'
import { inTenant } from '../../db/tenancy.js'
import type { Ctx } from '../../lib/context.js'
import { mapPage, type PageRequest, tenantRepository } from '../../lib/repository.js'
import { findAnchor } from '../anchors/index.js'
import { anchorSales } from './tables.js'

const saleRepo = tenantRepository(anchorSales, 'sale')

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
  order_item_id: s.orderItemId,
  superseded: s.superseded,
  created_at: s.createdAt.toISOString(),
})

export function listSales(ctx: Ctx, anchorId: string, query: PageRequest & { since?: string }) {
  return inTenant(ctx, async (tx) => {
    await findAnchor(tx, anchorId, { required: true })
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
