import type { Static } from 'typebox'
import { inTenant } from '../../db/tenancy.js'
import type { Ctx } from '../../lib/context.js'
import { productSummaries } from '../catalog/index.js'
import { recommendForAnchor } from '../selection/index.js'
import type { SessionRecommendation } from './schemas.js'
import { getSession } from './service.js'
import { slotsOf } from './slots.js'

/** A guest's audience counts for half the host's in a session's ranking. */
export const GUEST_WEIGHT = 0.5
/** Added to a product whose category the run-of-show does not have yet. */
export const GAP_BONUS = 0.1

/**
 * Products for a session: selection's ranking for each of its anchors (the host weighing 1,
 * each guest GUEST_WEIGHT), merged by product on the best weighted score, without what the
 * run-of-show already has, and with GAP_BONUS for a category it lacks.
 */
export async function recommendForSession(ctx: Ctx, sessionId: string, query: { limit?: number }) {
  const limit = query.limit ?? 20
  const session = await getSession(ctx, sessionId)
  const planned = await inTenant(ctx, async (tx) => {
    const slots = await slotsOf(tx, sessionId)
    const productIds = [...new Set(slots.map((s) => s.productId))]
    return { productIds, summaries: await productSummaries(tx, productIds) }
  })
  const inPlan = new Set(planned.productIds)
  const categories = new Set(planned.summaries.map((p) => p.category))
  const anchorIds = session.anchors.map((a) => a.anchor_id)
  // Deep enough that leaving out the planned products still fills the list.
  const depth = Math.min(100, limit + inPlan.size + 10)
  const rankings = await Promise.all(anchorIds.map((id) => recommendForAnchor(ctx, id, { limit: depth })))
  const merged = new Map<string, Static<typeof SessionRecommendation>>()
  rankings.forEach((ranking, i) => {
    const weight = i === 0 ? 1 : GUEST_WEIGHT
    for (const r of ranking.data) {
      if (inPlan.has(r.product_id)) continue
      const fillsGap = !categories.has(r.category)
      const score = Math.round((weight * r.score + (fillsGap ? GAP_BONUS : 0)) * 10000) / 10000
      const seen = merged.get(r.product_id)
      const forAnchorIds = [...(seen?.for_anchor_ids ?? []), anchorIds[i]!]
      // The entry shown is the anchor's whose weighted score is best; every anchor it was ranked for is named.
      if (!seen || score > seen.session_score)
        merged.set(r.product_id, { ...r, session_score: score, for_anchor_ids: forAnchorIds, fills_gap: fillsGap })
      else seen.for_anchor_ids = forAnchorIds
    }
  })
  const data = [...merged.values()]
    .sort((a, b) => b.session_score - a.session_score || a.product_id.localeCompare(b.product_id))
    .slice(0, limit)
    .map((r, i) => ({ ...r, rank: i + 1 }))
  return {
    session_id: sessionId,
    anchor_ids: anchorIds,
    run_of_show_categories: [...categories].sort(),
    data,
    generated_at: new Date().toISOString(),
  }
}
