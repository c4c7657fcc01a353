import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm'
import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Ctx, TxCtx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import { publish } from '../../lib/hooks.js'
import { newId } from '../../lib/ids.js'
import {
  decodeCursor,
  encodeCursor,
  mapPage,
  scoped,
  tenantRepository,
  type PageRequest,
} from '../../lib/repository.js'
import { textArray } from '../../lib/sql.js'
import { settingsDocument } from '../../lib/settings.js'
import { allAnchorStatuses, findAnchor } from '../anchors/index.js'
import { salesSql } from '../sales/index.js'
import { tierChanged } from './changes.js'
import { defaultTierRules, MEASURED, reviewTiers, type TierCandidate, type TierRules } from './rules.js'
import type { UpdateAnchorTierRulesInput } from './schemas.js'
import { anchorTierChanges, anchorTiers, anchorViolations, type Tier, type TierMeasures } from './tables.js'

export const tierRules = settingsDocument<TierRules>('anchor_tier_rules', defaultTierRules)

const presentRules = (p: { value: TierRules; version: number; updatedAt: Date | null }) => ({
  ...p.value,
  measured: MEASURED,
  version: p.version,
  updated_at: p.updatedAt?.toISOString() ?? null,
})

export function getTierRules(ctx: Ctx) {
  return inTenant(ctx, async (tx) => presentRules(await tierRules.read(tx)))
}

export function updateTierRules(ctx: Ctx, expectedVersion: number | undefined, input: UpdateAnchorTierRulesInput) {
  return inTenant(ctx, async (tx) => {
    const updated = await tierRules.update(tx, expectedVersion, input as Partial<TierRules>, (rules) => {
      const w = rules.weights
      if (w.gmv + w.repurchase_rate + w.strikes + w.audience_growth <= 0)
        throw new AppError('unprocessable', 'At least one measure needs a weight above 0 to rank anchors.', {
          errors: [{ pointer: '/body/weights', detail: 'all weights are 0' }],
        })
      const { head, waist } = rules.thresholds
      if (head.min_gmv !== null && waist.min_gmv !== null && waist.min_gmv > head.min_gmv)
        throw new AppError('unprocessable', 'The waist GMV minimum cannot be above the head minimum.', {
          errors: [{ pointer: '/body/thresholds/waist/min_gmv', detail: `is above the head minimum ${head.min_gmv}` }],
        })
    })
    await audit(tx, 'anchor_tier_rules.updated', { type: 'anchor_tier_rules', id: 'anchor_tier_rules' }, input)
    return presentRules(updated)
  })
}

/** GMV in the rules' currency and strikes over the rules' window, per anchor (all or some). */
export async function tierMeasures(
  tx: TxCtx,
  rules: TierRules,
  anchorIds?: string[],
): Promise<Map<string, TierMeasures>> {
  const only = anchorIds ? sql`and anchor_id = any(${textArray(anchorIds)})` : sql``
  const [gmv, strikes] = await Promise.all([
    tx.tx.execute<{ anchor_id: string; gmv: number }>(sql`
      select anchor_id, sum(amount)::float8 as gmv from ${salesSql(tx, rules.window_days)} s
      where currency = ${rules.currency} ${only}
      group by anchor_id`),
    tx.tx
      .select({
        anchorId: anchorViolations.anchorId,
        strikes: sql<number>`sum(${anchorViolations.strikeWeight})::float8`,
      })
      .from(anchorViolations)
      .where(
        scoped(
          tx,
          anchorViolations,
          sql`${anchorViolations.occurredAt} > now() - make_interval(days => ${rules.window_days}::int)`,
          sql`${anchorViolations.occurredAt} <= now()`,
          anchorIds ? inArray(anchorViolations.anchorId, anchorIds) : undefined,
        ),
      )
      .groupBy(anchorViolations.anchorId),
  ])
  const out = new Map<string, TierMeasures>()
  const at = (id: string) =>
    out.get(id) ?? out.set(id, { gmv: 0, repurchase_rate: null, strikes: 0, audience_growth: null }).get(id)!
  for (const r of gmv) at(r.anchor_id).gmv = Number(r.gmv)
  for (const r of strikes) at(r.anchorId).strikes = Math.round(Number(r.strikes) * 100) / 100
  return out
}

const tierChangeRepo = tenantRepository(anchorTierChanges, 'tier change')
type TierChangeRow = typeof anchorTierChanges.$inferSelect
const presentChange = (c: TierChangeRow) => ({
  id: c.id,
  anchor_id: c.anchorId,
  review_id: c.reviewId,
  from_tier: c.fromTier,
  to_tier: c.toTier,
  direction: c.direction,
  rank_in_tier: c.rankInTier,
  score: c.score,
  measures: c.measures,
  reasons: c.reasons,
  created_at: c.createdAt.toISOString(),
})

export interface TierReviewResult {
  reviewed: number
  promoted: string[]
  demoted: string[]
  held: { anchor_id: string; tier: Tier; wanted: Tier; reason: string }[]
}

/**
 * One tier review of the tenant's anchors (rules.ts `reviewTiers`), in one transaction:
 * every anchor's rank and measures are stored, each move is a tier history row with its
 * reasons and an `anchor.tier_changed` event. Reviews of one tenant run one at a time.
 */
export function reviewAnchorTiers(ctx: Ctx, reviewId: string): Promise<TierReviewResult> {
  return inTenant(ctx, async (tx) => {
    await tx.tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`anchor-tier-review:${tx.tenantId}`}, 0))`)
    const rules = await tierRules.values(tx)
    const anchors = await allAnchorStatuses(tx)
    const current = new Map(
      (
        await tx.tx
          .select({ id: anchorTiers.id, tier: anchorTiers.tier })
          .from(anchorTiers)
          .where(scoped(tx, anchorTiers))
      ).map((r) => [r.id, r.tier]),
    )
    const measures = await tierMeasures(tx, rules)
    const candidates: TierCandidate[] = anchors.map((a) => ({
      id: a.id,
      tier: current.get(a.id) ?? 'tail',
      suspended: a.status === 'suspended',
      measures: measures.get(a.id) ?? { gmv: 0, repurchase_rate: null, strikes: 0, audience_growth: null },
    }))
    const review = reviewTiers(candidates, rules)
    if (review.ranking.length) {
      await tx.tx
        .insert(anchorTiers)
        .values(
          review.ranking.map((r) => ({
            tenantId: tx.tenantId,
            id: r.id,
            tier: r.tier,
            rank: r.rank,
            score: r.score,
            measures: r.measures,
            reviewId,
          })),
        )
        .onConflictDoUpdate({
          target: [anchorTiers.tenantId, anchorTiers.id],
          set: {
            since: sql`case when ${anchorTiers.tier} = excluded.tier then ${anchorTiers.since} else now() end`,
            tier: sql`excluded.tier`,
            rank: sql`excluded.rank`,
            score: sql`excluded.score`,
            measures: sql`excluded.measures`,
            reviewId: sql`excluded.review_id`,
            reviewedAt: sql`now()`,
            version: sql`${anchorTiers.version} + 1`,
            updatedAt: sql`now()`,
          },
        })
    }
    for (const m of review.moves) {
      const row = await tierChangeRepo.insert(tx, {
        id: newId('anchorTierChange'),
        anchorId: m.id,
        reviewId,
        fromTier: m.from,
        toTier: m.to,
        direction: m.direction,
        rankInTier: m.rankInTier,
        score: m.score,
        measures: m.measures,
        reasons: m.reasons,
      })
      await publish(tx, tierChanged, presentChange(row))
    }
    const result: TierReviewResult = {
      reviewed: anchors.length,
      promoted: review.moves.filter((m) => m.direction === 'promotion').map((m) => m.id),
      demoted: review.moves.filter((m) => m.direction === 'demotion').map((m) => m.id),
      held: review.held.map((h) => ({ anchor_id: h.id, tier: h.tier, wanted: h.wanted, reason: h.reason })),
    }
    await audit(tx, 'anchor_tiers.reviewed', { type: 'anchor_tier_review', id: reviewId }, result)
    return result
  })
}

export function listTierHistory(ctx: Ctx, anchorId: string, page: PageRequest) {
  return inTenant(ctx, async (tx) => {
    await findAnchor(tx, anchorId, { required: true })
    return mapPage(tierChangeRepo.list(tx, page, eq(anchorTierChanges.anchorId, anchorId)), presentChange)
  })
}

type TierRow = typeof anchorTiers.$inferSelect
const presentRank = (r: TierRow) => ({
  anchor_id: r.id,
  tier: r.tier,
  rank: r.rank,
  score: r.score,
  measures: r.measures,
  since: r.since.toISOString(),
  reviewed_at: r.reviewedAt.toISOString(),
})

/** A tier's anchors in rank order at the last review; the cursor carries the last rank shown. */
export function tierRanking(ctx: Ctx, query: PageRequest & { tier: Tier }) {
  return inTenant(ctx, async (tx) => {
    const limit = query.limit ?? 50
    const after = query.cursor ? Number.parseInt(decodeCursor(query.cursor), 10) : 0
    if (!Number.isSafeInteger(after) || after < 0)
      throw new AppError('validation_failed', 'The cursor is not one this API issued.', {
        errors: [{ pointer: '/query/cursor', detail: 'is not a valid cursor' }],
      })
    const rows = await tx.tx
      .select()
      .from(anchorTiers)
      .where(scoped(tx, anchorTiers, and(eq(anchorTiers.tier, query.tier), gt(anchorTiers.rank, after))))
      .orderBy(asc(anchorTiers.rank), asc(anchorTiers.id))
      .limit(limit + 1)
    const more = rows.length > limit
    const data = more ? rows.slice(0, limit) : rows
    return {
      data: data.map(presentRank),
      next_cursor: more ? encodeCursor(String(data[data.length - 1]!.rank)) : null,
    }
  })
}

/** Each anchor's tier row (absent: never reviewed, so tail). */
export async function tiersOf(tx: TxCtx, anchorIds: string[]): Promise<Map<string, TierRow>> {
  if (!anchorIds.length) return new Map()
  const rows = await tx.tx
    .select()
    .from(anchorTiers)
    .where(scoped(tx, anchorTiers, inArray(anchorTiers.id, anchorIds)))
  return new Map(rows.map((r) => [r.id, r]))
}

/**
 * The tier-aware support weight selection may apply (resource tilt to 中小主播): each anchor's
 * tier and its tier's weight, plus the weight for niche categories, from the tenant's tier rules.
 */
export async function anchorSupportWeights(
  tx: TxCtx,
  anchorIds: string[],
): Promise<{ anchors: Map<string, { tier: Tier; weight: number }>; nicheCategory: number }> {
  const rules = await tierRules.values(tx)
  const tiers = await tiersOf(tx, anchorIds)
  const anchors = new Map(
    anchorIds.map((id) => {
      const tier = tiers.get(id)?.tier ?? 'tail'
      return [id, { tier, weight: rules.support_weights[tier] }]
    }),
  )
  return { anchors, nicheCategory: rules.support_weights.niche_category }
}
