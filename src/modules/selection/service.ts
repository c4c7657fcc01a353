import type { Sql } from 'postgres'
import { inTenant, inTenantRead, inTenantReads, transactionClient } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Ctx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import { type AnchorAudience, anchorAudienceJsonFragment } from '../anchors/index.js'
import { findProduct } from '../catalog/index.js'
import { accessiblePoolsJsonFragment, activePools, asGrantee, type PoolReach, poolItemFor } from '../pools/index.js'
import { brandTierPolicy, checkOffer } from './brand-tier.js'
import { type CandidateList, type CandidateReads, candidates } from './candidates.js'
import { candidateCache, recommendationCache } from './cache.js'
import { refreshSelectionIndex } from './refresh.js'
import { affineCategories, anchorSignals, rank, type Candidate } from './scoring.js'
import { readSelectionStamp, readSelectionVersion, selectionStampColumns, selectionStampOf } from './state.js'
import { selectionSettings, type SelectionSettings } from './weights.js'
import type { CreateBrandTierCheckInput, UpdateSelectionWeightsInput } from './schemas.js'

const presentWeights = (s: { value: SelectionSettings; version: number; updatedAt: Date | null }) => ({
  ...s.value,
  version: s.version,
  updated_at: s.updatedAt?.toISOString() ?? null,
})

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

type RecommendationQuery = { limit: number; category?: string; pool_id?: string }
export type RecommendationList = Awaited<ReturnType<typeof finish>>

/**
 * Ranked products for an anchor: candidates from the pools it may draw from (its tenant's
 * and pools shared with the tenant), scored with the tenant's weights and re-ranked for
 * diversity. Eliminated suppliers' products are never candidates.
 *
 * Results are cached (cache.ts) under a stamp read first on every request: the anchor must
 * exist in the tenant (else 404), and the tenant's selection version, the pools shared with
 * it and each sharing owner's version (read in the owner's tenant) must equal those the
 * cached result was computed at. A hit skips candidate generation and scoring.
 */
export async function recommendForAnchor(
  ctx: Ctx,
  anchorId: string,
  query: { limit?: number; category?: string; pool_id?: string },
): Promise<RecommendationList> {
  const q: RecommendationQuery = { limit: query.limit ?? 20, category: query.category, pool_id: query.pool_id }
  const cache = recommendationCache<RecommendationList>(ctx.db)
  const key = JSON.stringify([ctx.tenantId, anchorId, q.limit, q.category ?? null, q.pool_id ?? null])
  const weigh = (r: RecommendationList) => r.data.length + 1

  // A pool_id asks for one of the tenant's own pools: shared pools play no part. Fixed
  // statements in read-only tenant transactions, each on one pooled connection that is given
  // back before the next is taken. With no entry for this query the answer is computed
  // whatever the stamp, so begin, the role, one statement reading the stamp and the ranking
  // inputs (one snapshot: the data is exactly as new as the version) and the commit go out
  // together. With an entry, the stamp alone, and on a miss the inputs in a read of their own.
  // Candidates not held in the candidate lists (validated by the same stamp) are read last.
  // Whatever is read after the stamp is at least as new, so it may be kept under it.
  const holds = cache.holds(key)
  const first = await inTenantReads(ctx, async (sql, last) => {
    if (holds) return { stamp: await readSelectionStamp(sql, ctx.tenantId, anchorId, !q.pool_id) }
    const [row] = await last(stampAndInputs(sql, ctx.tenantId, anchorId, q))
    return { stamp: selectionStampOf(row!), inputs: inputsOf(row!) }
  })
  const { stamp } = first
  if (!stamp.anchorExists) throw new AppError('not_found', `No anchor with id ${anchorId} exists.`)
  const own = () => readOwn(ctx, anchorId, q, String(stamp.version), first.inputs)
  if (!stamp.grants.length) {
    // Nothing shared with the tenant: the version is the whole stamp.
    const version = String(stamp.version)
    return (
      cache.lookup(key, version) ??
      cache.fill(key, version, async () => finish(ctx, anchorId, q, await own(), new Map()), weigh)
    )
  }

  // Pools shared with the tenant: each owner's version, read in the owner's tenant, and the
  // pools it still grants are part of the stamp.
  const grants = byOwner(stamp.grants)
  const owners: [string, number, string[]][] = []
  for (const [owner, poolIds] of grants) {
    owners.push(
      await asGrantee(
        ctx,
        owner,
        poolIds,
        async (tx, granted) =>
          [owner, await readSelectionVersion(tx), [...granted].sort()] as [string, number, string[]],
      ),
    )
  }
  const shared = JSON.stringify([stamp.version, [...grants], owners])
  return (
    cache.lookup(key, shared) ??
    cache.fill(key, shared, async () => finish(ctx, anchorId, q, await own(), grants), weigh)
  )
}

const byOwner = (grants: [string, string][]) => {
  const out = new Map<string, string[]>()
  for (const [owner, pool] of grants) out.set(owner, [...(out.get(owner) ?? []), pool])
  return out
}

type SalesProfile = {
  categoryUnits: Record<string, number>
  recent: { id: string; title: string; category: string }[]
}
/** What ranking needs besides candidates. */
type Inputs = {
  anchor: AnchorAudience | null
  settings: SelectionSettings
  pools: PoolReach[]
  profile: SalesProfile | null
}
type InputsRow = { anchor: AnchorAudience | null; settings: unknown; pools: PoolReach[]; profile: SalesProfile | null }

/** The inputs as columns of one statement: scalar subqueries of each module that owns them. */
const inputColumns = (sql: Sql, tenantId: string, anchorId: string, query: RecommendationQuery) =>
  sql`${anchorAudienceJsonFragment(sql, tenantId, anchorId)} as anchor,
    ${selectionSettings.valueFragment(sql, tenantId)} as settings,
    ${accessiblePoolsJsonFragment(sql, tenantId, anchorId, query.pool_id)} as pools,
    (select json_build_object('categoryUnits', category_units, 'recent', recent) from anchor_sales_profiles
      where tenant_id = ${tenantId} and id = ${anchorId}) as profile`

const inputsOf = (row: InputsRow): Inputs => ({
  anchor: row.anchor,
  settings: selectionSettings.fromValue(row.settings),
  pools: row.pools,
  profile: row.profile,
})

/** The stamp (state.ts) and the inputs, in one fixed statement on a connection in the tenant's transaction. */
const stampAndInputs = (sql: Sql, tenantId: string, anchorId: string, query: RecommendationQuery) =>
  sql<(Parameters<typeof selectionStampOf>[0] & InputsRow)[]>`
    select ${selectionStampColumns(sql, tenantId, anchorId, !query.pool_id)}, ${inputColumns(sql, tenantId, anchorId, query)}`

/** The inputs alone, as the tenant, in one round trip. */
async function readInputs(ctx: Ctx, anchorId: string, query: RecommendationQuery) {
  const [row] = await inTenantRead(
    ctx,
    (sql) => sql<InputsRow[]>`select ${inputColumns(sql, ctx.tenantId, anchorId, query)}`,
  )
  return inputsOf(row!)
}

/**
 * The anchor's signals, the weights and candidates from the tenant's own pools, each read
 * after the stamp `version` (or with it, when `inputs` were); candidate lists are held under it.
 */
async function readOwn(ctx: Ctx, anchorId: string, query: RecommendationQuery, version: string, inputs?: Inputs) {
  const { anchor, settings, pools, profile } = inputs ?? (await readInputs(ctx, anchorId, query))
  if (!anchor) throw new AppError('not_found', `No anchor with id ${anchorId} exists.`)
  if (query.pool_id && !pools.length)
    throw new AppError('not_found', `No supply pool with id ${query.pool_id} is open to this anchor.`)
  const signals = anchorSignals(anchor, profile ?? { categoryUnits: {}, recent: [] })
  const categories = affineCategories(signals)
  const reads: CandidateReads = {
    read: (read) => inTenantReads(ctx, read),
    lists: candidateCache<CandidateList>(ctx.db),
    stamp: version,
  }
  return {
    settings,
    signals,
    categories,
    found: await candidates(reads, ctx.tenantId, pools, categories, query.category),
  }
}

/** Adds candidates from shared pools (read in each owner's tenant, one transaction per owner) and ranks. */
async function finish(
  ctx: Ctx,
  anchorId: string,
  query: RecommendationQuery,
  own: Awaited<ReturnType<typeof readOwn>>,
  grants: Map<string, string[]>,
) {
  const shared: Candidate[] = []
  for (const [owner, poolIds] of grants) {
    shared.push(
      ...(await asGrantee(ctx, owner, poolIds, async (tx, granted) => {
        return candidates(
          transactionClient(tx.tx),
          tx.tenantId,
          await activePools(tx, granted),
          own.categories,
          query.category,
        )
      })),
    )
  }

  const all = [...own.found, ...shared]
  const ranked = rank(all, own.signals, own.settings.weights, query.limit, own.settings.max_category_share)
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

/** Checks a planned price or offer for a product against its brand tier's strategy. */
export function checkBrandTier(ctx: Ctx, input: CreateBrandTierCheckInput) {
  return inTenant(ctx, async (tx) => {
    const product = await findProduct(tx, input.product_id)
    if (!product)
      throw new AppError('unprocessable', `No product with id ${input.product_id} exists.`, {
        errors: [{ pointer: '/body/product_id', detail: 'not found' }],
      })
    if (input.planned_price.currency !== product.currency)
      throw new AppError('unprocessable', `The planned price must be in the product’s currency ${product.currency}.`, {
        errors: [{ pointer: '/body/planned_price/currency', detail: `must be ${product.currency}` }],
      })
    let poolSupplyLimit: number | null | undefined
    if (input.pool_id) {
      const item = await poolItemFor(tx, input.pool_id, product.id)
      if (!item)
        throw new AppError('unprocessable', `Product ${product.id} is not in pool ${input.pool_id}.`, {
          errors: [{ pointer: '/body/pool_id', detail: 'does not hold the product' }],
        })
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
