import { and, eq, inArray } from 'drizzle-orm'
import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Ctx, TxCtx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import { scoped, tenantRepository } from '../../lib/repository.js'
import { anchors } from '../anchors/tables.js'
import { anchorSalesProfiles } from './tables.js'
import { products } from '../catalog/tables.js'
import { poolItems, supplyPools } from '../pools/tables.js'
import { asGrantee, byOwner, grantsToMe } from '../pools/shared.js'
import { brandTierPolicy, checkOffer } from './brand-tier.js'
import { accessiblePools, candidates } from './candidates.js'
import { refreshSelectionIndex } from './refresh.js'
import { affineCategories, anchorSignals, rank, type Candidate } from './scoring.js'
import { selectionSettings, type SelectionSettings } from './weights.js'
import type { CreateBrandTierCheckInput, UpdateSelectionWeightsInput } from './schemas.js'

const anchorRepo = tenantRepository(anchors, 'anchor')
const profileRepo = tenantRepository(anchorSalesProfiles, 'anchor sales profile')
const productRepo = tenantRepository(products, 'product')

const presentWeights = (s: { value: SelectionSettings; version: number; updatedAt: Date | null }) => ({ ...s.value, version: s.version, updated_at: s.updatedAt?.toISOString() ?? null })

export function getWeights(ctx: Ctx) {
  return inTenant(ctx, async (tx) => presentWeights(await selectionSettings.read(tx)))
}

/** Changes the weights and re-ranks the tenant's selection index in the same transaction. */
export function updateWeights(ctx: Ctx, expectedVersion: number | undefined, input: UpdateSelectionWeightsInput) {
  return inTenant(ctx, async (tx) => {
    const updated = await selectionSettings.update(tx, expectedVersion, input as Partial<SelectionSettings>)
    await refreshSelectionIndex(tx, 'all')
    await audit(tx, 'selection_weights.updated', { type: 'selection_weights', id: 'selection' }, input)
    return presentWeights(updated)
  })
}

/**
 * Ranked products for an anchor: candidates from the pools it may draw from (its tenant's
 * and pools shared with the tenant), scored with the tenant's weights and re-ranked for
 * diversity. Eliminated suppliers' products are never candidates.
 */
export async function recommendForAnchor(ctx: Ctx, anchorId: string, query: { limit?: number; category?: string; pool_id?: string }) {
  const limit = query.limit ?? 20
  const own = await inTenant(ctx, async (tx) => {
    const anchor = await anchorRepo.get(tx, anchorId)
    const [settings, pools, profile, grants] = await Promise.all([
      selectionSettings.values(tx),
      accessiblePools(tx, anchorId, query.pool_id),
      profileRepo.find(tx, anchorId),
      query.pool_id ? Promise.resolve([]) : grantsToMe(tx),
    ])
    if (query.pool_id && !pools.length) throw new AppError('not_found', `No supply pool with id ${query.pool_id} is open to this anchor.`)
    const signals = anchorSignals(anchor, profile ?? { categoryUnits: {}, recent: [] })
    const categories = affineCategories(signals)
    return { settings, signals, categories, grants, found: await candidates(tx, pools, categories, query.category) }
  })

  // Shared pools are read in their owner's tenant, one transaction per owner.
  const shared: Candidate[] = []
  for (const [owner, poolIds] of byOwner(own.grants)) {
    shared.push(
      ...(await asGrantee(ctx, owner, poolIds, async (tx, granted) => {
        return candidates(tx, await accessiblePoolsById(tx, granted), own.categories, query.category)
      })),
    )
  }

  const all = [...own.found, ...shared]
  const ranked = rank(all, own.signals, own.settings.weights, limit, own.settings.max_category_share)
  return {
    anchor_id: anchorId,
    weights: own.settings.weights,
    max_category_share: own.settings.max_category_share,
    candidates_considered: all.length,
    generated_at: new Date().toISOString(),
    data: ranked.map((r, i) => ({
      rank: i + 1,
      product_id: r.candidate.id,
      title: r.candidate.title,
      category: r.candidate.category,
      brand_tier: r.candidate.brandTier as 'premium' | 'mature' | 'emerging',
      supplier_id: r.candidate.supplierId,
      micro_supplier: r.candidate.micro,
      price: { amount: r.price, currency: r.candidate.currency },
      list_price: { amount: r.candidate.listPrice, currency: r.candidate.currency },
      commission_rate: r.candidate.commissionRate,
      expected_commission: { amount: Math.round(r.price * r.candidate.commissionRate), currency: r.candidate.currency },
      pool_ids: r.poolIds,
      supply_limit: r.supplyLimit,
      stock: r.candidate.stock,
      owner_organization_id: r.candidate.ownerTenantId === ctx.tenantId ? null : r.candidate.ownerTenantId,
      score: r.score,
      score_breakdown: r.breakdown,
      parts: r.parts,
      near_duplicate_of: r.nearDuplicateOf,
    })),
  }
}

/** In the owner's tenant: the shared pools that are still active (every anchor of the grantee may draw from them). */
async function accessiblePoolsById(tx: TxCtx, poolIds: string[]) {
  if (!poolIds.length) return []
  return tx.tx
    .select({ id: supplyPools.id, itemCount: supplyPools.itemCount })
    .from(supplyPools)
    .where(scoped(tx, supplyPools, eq(supplyPools.status, 'active'), inArray(supplyPools.id, poolIds)))
}

/** Checks a planned price or offer for a product against its brand tier's strategy. */
export function checkBrandTier(ctx: Ctx, input: CreateBrandTierCheckInput) {
  return inTenant(ctx, async (tx) => {
    const product = await productRepo.find(tx, input.product_id)
    if (!product) throw new AppError('unprocessable', `No product with id ${input.product_id} exists.`, { errors: [{ pointer: '/body/product_id', detail: 'not found' }] })
    if (input.planned_price.currency !== product.currency) throw new AppError('unprocessable', `The planned price must be in the product’s currency ${product.currency}.`, { errors: [{ pointer: '/body/planned_price/currency', detail: `must be ${product.currency}` }] })
    let poolSupplyLimit: number | null | undefined
    if (input.pool_id) {
      const [item] = await tx.tx.select().from(poolItems).where(scoped(tx, poolItems, and(eq(poolItems.poolId, input.pool_id), eq(poolItems.productId, product.id))))
      if (!item) throw new AppError('unprocessable', `Product ${product.id} is not in pool ${input.pool_id}.`, { errors: [{ pointer: '/body/pool_id', detail: 'does not hold the product' }] })
      poolSupplyLimit = item.supplyLimit
    }
    const result = checkOffer(product.brandTier, {
      // The discount is measured against the list price, whatever the pool price.
      listPrice: product.listPrice,
      plannedPrice: input.planned_price.amount,
      plannedQuantity: input.planned_quantity,
      gift: input.gift,
      stock: product.stock,
      poolSupplyLimit,
    })
    return {
      product_id: product.id,
      brand_tier: product.brandTier,
      list_price: { amount: product.listPrice, currency: product.currency },
      planned_price: input.planned_price,
      discount_rate: result.discountRate,
      verdict: result.verdict,
      findings: result.findings,
      policy: { ...brandTierPolicy[product.brandTier] } as Record<string, unknown>,
    }
  })
}
