import { inArray, sql } from 'drizzle-orm'
import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Ctx, TxCtx } from '../../lib/context.js'
import { publish } from '../../lib/hooks.js'
import { scoped } from '../../lib/repository.js'
import { textArray } from '../../lib/sql.js'
import { settingsDocument } from '../../lib/settings.js'
import { countProductsOnSale, productFactsSql } from '../catalog/index.js'
import { headAnchorIds, salesSql } from '../sales/index.js'
import {
  allSuppliers,
  recordReputations,
  type ReputationComponents,
  type SupplierRow,
  setSupplierStatus,
} from '../suppliers/index.js'
import { reputationsReviewed } from './changes.js'
import { inspections, reviewRatings, surveys } from './tables.js'
import type { UpdateSupplierPolicyInput } from './schemas.js'

export interface SupplierPolicyValue {
  elimination_threshold: number
  window_days: number
  weights: { inspections: number; surveys: number; returns: number; disputes: number }
  return_rate_ceiling: number
  dispute_rate_ceiling: number
  min_units_for_rates: number
}

/**
 * Documented defaults: reputation is a 0–100 weighted mean of inspection scores (40%),
 * survey scores (30%; imported surveys and buyers' reviews, each review one respondent), the return rate (15%; 30% returns or more scores 0) and the
 * dispute rate (15%; 5% or more scores 0), over the last 180 days. Parts without data
 * are left out and the others re-weighted; no data at all means no score.
 */
export const supplierPolicy = settingsDocument<SupplierPolicyValue>('supplier_policy', () => ({
  elimination_threshold: 60,
  window_days: 180,
  weights: { inspections: 0.4, surveys: 0.3, returns: 0.15, disputes: 0.15 },
  return_rate_ceiling: 0.3,
  dispute_rate_ceiling: 0.05,
  min_units_for_rates: 20,
}))

const presentPolicy = (p: { value: SupplierPolicyValue; version: number; updatedAt: Date | null }) => ({
  ...p.value,
  version: p.version,
  updated_at: p.updatedAt?.toISOString() ?? null,
})

export function getSupplierPolicy(ctx: Ctx) {
  return inTenant(ctx, async (tx) => presentPolicy(await supplierPolicy.read(tx)))
}

export function updateSupplierPolicy(ctx: Ctx, expectedVersion: number | undefined, input: UpdateSupplierPolicyInput) {
  return inTenant(ctx, async (tx) => {
    const updated = await supplierPolicy.update(tx, expectedVersion, input as Partial<SupplierPolicyValue>)
    await audit(tx, 'supplier_policy.updated', { type: 'supplier_policy', id: 'supplier_policy' }, input)
    return presentPolicy(updated)
  })
}

export interface SupplierSignals {
  inspectionAvg: number | null
  inspectionCount: number
  surveyAvg: number | null
  respondents: number
  units: number
  returned: number
  disputes: number
}

const emptySignals = (): SupplierSignals => ({
  inspectionAvg: null,
  inspectionCount: 0,
  surveyAvg: null,
  respondents: 0,
  units: 0,
  returned: 0,
  disputes: 0,
})

/** Inspections, surveys and sales in the policy window, per supplier (one or all). */
export async function supplierSignals(
  tx: TxCtx,
  policy: SupplierPolicyValue,
  supplierIds?: string[],
): Promise<Map<string, SupplierSignals>> {
  const since = sql`current_date - ${policy.window_days}::int`
  const only = (col: typeof inspections.supplierId | typeof surveys.supplierId | typeof reviewRatings.supplierId) =>
    supplierIds ? inArray(col, supplierIds) : undefined
  const [insp, surv, sales] = await Promise.all([
    tx.tx
      .select({
        supplierId: inspections.supplierId,
        avg: sql<number>`avg(${inspections.score})::float8`,
        n: sql<number>`count(*)::int`,
      })
      .from(inspections)
      .where(scoped(tx, inspections, sql`${inspections.inspectedOn} >= ${since}`, only(inspections.supplierId)))
      .groupBy(inspections.supplierId),
    // Imported surveys and buyers' reviews together: a review is one respondent whose score is
    // its rating on the surveys' scale (1 → 0, 5 → 100, as surveyScore maps a mean rating).
    tx.tx.execute<{ supplierId: string; avg: number; n: number }>(sql`
      select supplier_id as "supplierId", (sum(score * n) / sum(n))::float8 as avg, sum(n)::int as n
      from (
        select supplier_id, ${surveys.score} as score, ${surveys.respondents} as n from ${surveys}
        where ${scoped(tx, surveys, sql`${surveys.surveyedOn} >= ${since}`, only(surveys.supplierId))}
        union all
        select supplier_id, (${reviewRatings.rating} - 1) * 25.0::float8, 1 from ${reviewRatings}
        where ${scoped(tx, reviewRatings, sql`${reviewRatings.ratedOn} >= ${since}`, only(reviewRatings.supplierId))}
      ) s
      group by supplier_id
    `),
    tx.tx.execute<{ supplierId: string; units: number; returned: number; disputes: number }>(sql`
      select p.supplier_id as "supplierId", sum(s.quantity)::int as units, sum(s.returned_quantity)::int as returned,
        sum(s.disputes)::int as disputes
      from ${salesSql(tx, policy.window_days)} s join ${productFactsSql(tx)} p on p.tenant_id = s.tenant_id and p.id = s.product_id
      ${supplierIds ? sql`where p.supplier_id = any(${textArray(supplierIds)})` : sql``}
      group by p.supplier_id
    `),
  ])
  const out = new Map<string, SupplierSignals>()
  const at = (id: string) => out.get(id) ?? out.set(id, emptySignals()).get(id)!
  for (const r of insp) Object.assign(at(r.supplierId), { inspectionAvg: r.avg, inspectionCount: r.n })
  for (const r of surv) Object.assign(at(r.supplierId), { surveyAvg: r.avg, respondents: r.n })
  for (const r of sales) Object.assign(at(r.supplierId), { units: r.units, returned: r.returned, disputes: r.disputes })
  return out
}

const round = (n: number) => Math.round(n * 100) / 100

/** The reputation score (0–100, or null without data) and its parts; pure. */
export function computeReputation(
  s: SupplierSignals,
  policy: SupplierPolicyValue,
): { score: number | null; components: ReputationComponents } {
  const ratesKnown = s.units >= policy.min_units_for_rates
  const returnRate = ratesKnown ? s.returned / s.units : null
  const disputeRate = ratesKnown ? s.disputes / s.units : null
  const components: ReputationComponents = {
    inspections: s.inspectionAvg === null ? null : round(s.inspectionAvg),
    surveys: s.surveyAvg === null ? null : round(s.surveyAvg),
    returns: returnRate === null ? null : round(100 * (1 - Math.min(1, returnRate / policy.return_rate_ceiling))),
    disputes: disputeRate === null ? null : round(100 * (1 - Math.min(1, disputeRate / policy.dispute_rate_ceiling))),
    inspection_count: s.inspectionCount,
    survey_respondents: s.respondents,
    units_sold: s.units,
    return_rate: returnRate === null ? null : round(returnRate * 10000) / 10000,
    dispute_rate: disputeRate === null ? null : round(disputeRate * 10000) / 10000,
  }
  let sum = 0
  let weight = 0
  for (const part of ['inspections', 'surveys', 'returns', 'disputes'] as const) {
    const value = components[part]
    if (value === null || policy.weights[part] <= 0) continue
    sum += value * policy.weights[part]
    weight += policy.weights[part]
  }
  return { score: weight > 0 ? round(sum / weight) : null, components }
}

export interface ReviewResult {
  reviewed: number
  scored: number
  probation: string[]
  eliminated: string[]
  reinstated: string[]
  head_anchors: string[]
}

/**
 * One governance review of the tenant's suppliers: recompute every reputation; an admitted
 * supplier below the threshold goes on probation; one still below at the next review is
 * eliminated (its products leave selection at once); one that recovered is reinstated.
 */
export function reviewSuppliers(ctx: Ctx, reviewId: string): Promise<ReviewResult> {
  return inTenant(ctx, async (tx) => {
    const policy = await supplierPolicy.values(tx)
    const all = await allSuppliers(tx)
    const signals = await supplierSignals(tx, policy)
    const result: ReviewResult = {
      reviewed: all.length,
      scored: 0,
      probation: [],
      eliminated: [],
      reinstated: [],
      head_anchors: [],
    }
    const computed = all.map((s) => ({
      supplier: s,
      ...computeReputation(signals.get(s.id) ?? emptySignals(), policy),
    }))

    await recordReputations(
      tx,
      computed.map((c) => ({ id: c.supplier.id, score: c.score, components: c.components })),
    )

    for (const c of computed) {
      if (c.score === null) continue
      result.scored++
      const below = c.score < policy.elimination_threshold
      const s = c.supplier
      const judged = { reputationScore: c.score, eliminationThreshold: policy.elimination_threshold }
      if (below && s.status === 'admitted') {
        const reason = `reputation ${c.score} is below the elimination threshold ${policy.elimination_threshold}`
        const row = await setSupplierStatus(
          tx,
          s.id,
          'probation',
          { probationSince: sql`now()` },
          { outcome: 'probation', reason, ...judged },
        )
        await auditStatus(tx, 'supplier.probation', row, reason, judged)
        result.probation.push(s.id)
      } else if (below && s.status === 'probation') {
        const productsRemoved = await countProductsOnSale(tx, s.id)
        const reason = `reputation ${c.score} stayed below the elimination threshold ${policy.elimination_threshold} after probation`
        const row = await setSupplierStatus(
          tx,
          s.id,
          'eliminated',
          { eliminatedAt: sql`now()` },
          { outcome: 'eliminated', reason, productsRemoved, ...judged },
        )
        await auditStatus(tx, 'supplier.eliminated', row, reason, { ...judged, productsRemoved })
        result.eliminated.push(s.id)
      } else if (!below && s.status === 'probation') {
        const reason = `reputation ${c.score} is back above the elimination threshold ${policy.elimination_threshold}`
        const row = await setSupplierStatus(
          tx,
          s.id,
          'admitted',
          { probationSince: null },
          { outcome: 'reinstated', reason, ...judged },
        )
        await auditStatus(tx, 'supplier.reinstated', row, reason, judged)
        result.reinstated.push(s.id)
      }
    }
    // Sales stats and the whole selection index follow the new reputations (selection subscribes).
    await publish(tx, reputationsReviewed, { reviewId })
    result.head_anchors = await headAnchorIds(tx)
    await audit(
      tx,
      'suppliers.reviewed',
      { type: 'supplier_review', id: reviewId },
      { ...result, head_anchors: undefined },
    )
    return result
  })
}

/** The audit row of a status change carries what its event carries. */
function auditStatus(
  tx: TxCtx,
  action: string,
  row: SupplierRow,
  reason: string,
  judged: { reputationScore: number; eliminationThreshold: number; productsRemoved?: number },
) {
  return audit(
    tx,
    action,
    { type: 'supplier', id: row.id },
    {
      supplier_id: row.id,
      name: row.name,
      status: row.status,
      reputation_score: judged.reputationScore,
      elimination_threshold: judged.eliminationThreshold,
      reason,
      ...(judged.productsRemoved === undefined ? {} : { products_removed: judged.productsRemoved }),
    },
  )
}

/** The reputation of one supplier as of now, for admission checks. */
export async function currentReputation(tx: TxCtx, supplierId: string) {
  const policy = await supplierPolicy.values(tx)
  const signals = (await supplierSignals(tx, policy, [supplierId])).get(supplierId) ?? emptySignals()
  return { policy, signals, ...computeReputation(signals, policy) }
}
