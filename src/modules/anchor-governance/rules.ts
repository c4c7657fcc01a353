import type { Tier, TierMeasures } from './tables.js'

// ── Strikes ──

export interface StrikeInput {
  id: string
  weight: number
  occurredAt: Date
  recordedAt: Date
}

export interface StrikePolicy {
  windowDays: number
  threshold: number
}

/**
 * The strikes that count toward a suspension at `now`: the weights of violations that occurred
 * inside the rolling window, recorded after the anchor's last reinstatement (a reinstated
 * anchor starts again from zero; its violations stay on record and still weigh in tier
 * reviews). A violation dated in the future does not count until it happened.
 */
export function countStrikes(
  violations: StrikeInput[],
  policy: StrikePolicy,
  now: Date,
  reinstatedAt: Date | null,
): { strikes: number; counted: string[]; suspend: boolean } {
  const from = now.getTime() - policy.windowDays * 86_400_000
  const counted = violations.filter(
    (v) =>
      v.occurredAt.getTime() > from &&
      v.occurredAt.getTime() <= now.getTime() &&
      (reinstatedAt === null || v.recordedAt.getTime() > reinstatedAt.getTime()),
  )
  const strikes = round(counted.reduce((sum, v) => sum + v.weight, 0))
  return { strikes, counted: counted.map((v) => v.id), suspend: strikes >= policy.threshold }
}

// ── Tiers ──

export const TIERS: readonly Tier[] = ['tail', 'waist', 'head']
const level = (t: Tier) => TIERS.indexOf(t)

export interface TierThresholds {
  min_gmv: number | null
  min_repurchase_rate: number | null
  max_strikes: number | null
  min_audience_growth: number | null
}

export interface TierRules {
  window_days: number
  currency: string
  thresholds: { head: TierThresholds; waist: TierThresholds }
  weights: { gmv: number; repurchase_rate: number; strikes: number; audience_growth: number }
  /** Strikes at or above this score 0 on the strikes measure. */
  strike_ceiling: number
  /** Per tier and direction: at most max(minimum, floor(share × anchors in the tier)) moves per review. */
  max_moves_per_review: { share: number; minimum: number }
  support_weights: { head: number; waist: number; tail: number; niche_category: number }
}

/**
 * Documented defaults. Measures over 90 days: GMV in CNY from the sales history, strikes from
 * recorded violations; repurchase rate and audience growth have no data source yet (sales
 * history names no buyer, and no follower counts are collected), so they are reported as not
 * measured, their thresholds are not applied and their weights drop out of the score. Head
 * needs ¥500,000 GMV and at most 2 strikes, waist ¥50,000 and at most 5. Per review at most a
 * tenth of a tier (at least one anchor) moves each way. Support weights tilt selection toward
 * tail (中小) anchors and niche categories.
 */
export function defaultTierRules(): TierRules {
  return {
    window_days: 90,
    currency: 'CNY',
    thresholds: {
      head: { min_gmv: 50_000_000, min_repurchase_rate: null, max_strikes: 2, min_audience_growth: null },
      waist: { min_gmv: 5_000_000, min_repurchase_rate: null, max_strikes: 5, min_audience_growth: null },
    },
    weights: { gmv: 0.7, repurchase_rate: 0.15, strikes: 0.15, audience_growth: 0 },
    strike_ceiling: 6,
    max_moves_per_review: { share: 0.1, minimum: 1 },
    support_weights: { head: 1, waist: 1.15, tail: 1.3, niche_category: 1.2 },
  }
}

/** Where each measure comes from today, shown beside the rules. */
export const MEASURED = {
  gmv: 'anchor sales history (imports; orders later)',
  repurchase_rate: 'not measured: sales history carries no buyer, and orders are not built yet',
  strikes: 'violations recorded against the anchor in the window',
  audience_growth: 'not measured: no follower data source exists yet',
}

export interface TierCandidate {
  id: string
  tier: Tier
  suspended: boolean
  measures: TierMeasures
}

export interface RankedAnchor {
  id: string
  tier: Tier
  rank: number
  score: number
  measures: TierMeasures
}

export interface TierMove {
  id: string
  from: Tier
  to: Tier
  direction: 'promotion' | 'demotion'
  rankInTier: number
  score: number
  measures: TierMeasures
  reasons: string[]
}

export interface TierReview {
  moves: TierMove[]
  held: { id: string; tier: Tier; wanted: Tier; reason: string }[]
  /** Every anchor ranked inside the tier it holds after the review. */
  ranking: RankedAnchor[]
}

const round = (n: number) => Math.round(n * 100) / 100
const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 4 })

/** 0–100 from the measures that are measured, weighted; the ranking key inside a tier. */
export function tierScore(m: TierMeasures, rules: TierRules): number {
  const headGmv = rules.thresholds.head.min_gmv
  const parts: [number | null, number][] = [
    [headGmv ? Math.min(1, m.gmv / headGmv) : null, rules.weights.gmv],
    [
      m.repurchase_rate === null || !rules.thresholds.head.min_repurchase_rate
        ? null
        : Math.min(1, m.repurchase_rate / rules.thresholds.head.min_repurchase_rate),
      rules.weights.repurchase_rate,
    ],
    [1 - Math.min(1, m.strikes / rules.strike_ceiling), rules.weights.strikes],
    [
      m.audience_growth === null || !rules.thresholds.head.min_audience_growth
        ? null
        : Math.max(0, Math.min(1, m.audience_growth / rules.thresholds.head.min_audience_growth)),
      rules.weights.audience_growth,
    ],
  ]
  let sum = 0
  let weight = 0
  for (const [value, w] of parts) {
    if (value === null || w <= 0) continue
    sum += value * w
    weight += w
  }
  return weight > 0 ? round((100 * sum) / weight) : 0
}

/** Whether the measures meet a tier's thresholds, and each threshold's verdict in words. */
export function meetsTier(m: TierMeasures, tier: Tier, rules: TierRules): { meets: boolean; reasons: string[] } {
  if (tier === 'tail') return { meets: true, reasons: [] }
  const t = rules.thresholds[tier]
  const reasons: string[] = []
  let meets = true
  const atLeast = (what: string, value: number | null, min: number | null) => {
    if (min === null) return
    if (value === null) {
      reasons.push(`${what} is not measured yet, so the ${tier} minimum ${fmt(min)} is not applied`)
      return
    }
    const ok = value >= min
    meets &&= ok
    reasons.push(`${what} ${fmt(value)} ${ok ? 'meets' : 'is below'} the ${tier} minimum ${fmt(min)}`)
  }
  atLeast(`GMV (${rules.currency} minor units, last ${rules.window_days} days)`, m.gmv, t.min_gmv)
  atLeast('repurchase rate', m.repurchase_rate, t.min_repurchase_rate)
  if (t.max_strikes !== null) {
    const ok = m.strikes <= t.max_strikes
    meets &&= ok
    reasons.push(`strikes ${fmt(m.strikes)} ${ok ? 'are within' : 'exceed'} the ${tier} maximum ${fmt(t.max_strikes)}`)
  }
  atLeast('audience growth', m.audience_growth, t.min_audience_growth)
  return { meets, reasons }
}

/** The highest tier whose thresholds the measures meet. */
export function qualifyingTier(m: TierMeasures, rules: TierRules): Tier {
  if (meetsTier(m, 'head', rules).meets) return 'head'
  if (meetsTier(m, 'waist', rules).meets) return 'waist'
  return 'tail'
}

export function movesAllowed(tierSize: number, rules: TierRules): number {
  const { share, minimum } = rules.max_moves_per_review
  return Math.min(tierSize, Math.max(minimum, Math.floor(share * tierSize)))
}

const byRank = (a: { score: number; measures: TierMeasures; id: string }, b: typeof a) =>
  b.score - a.score ||
  b.measures.gmv - a.measures.gmv ||
  a.measures.strikes - b.measures.strikes ||
  (a.id < b.id ? -1 : 1)

function rankInTiers<T extends { id: string; tier: Tier; score: number; measures: TierMeasures }>(anchors: T[]) {
  const out = new Map<string, number>()
  for (const tier of TIERS) {
    const inTier = anchors.filter((a) => a.tier === tier).sort(byRank)
    for (const [i, a] of inTier.entries()) out.set(a.id, i + 1)
  }
  return out
}

/**
 * One tier review. Anchors are ranked inside their tier first (score, then GMV, then fewer
 * strikes); each one's qualifying tier is the highest whose thresholds it meets. An anchor
 * above its tier moves up one step, one below moves down one step, never two at once. Per
 * tier and direction only `movesAllowed` anchors move: the best-ranked promotions and the
 * worst-ranked demotions; the others are held until the next review, with the reason. A
 * suspended anchor is not promoted.
 */
export function reviewTiers(candidates: TierCandidate[], rules: TierRules): TierReview {
  const scored = candidates.map((c) => ({ ...c, score: tierScore(c.measures, rules) }))
  const before = rankInTiers(scored)
  const moves: TierMove[] = []
  const held: TierReview['held'] = []
  for (const tier of TIERS) {
    const inTier = scored.filter((a) => a.tier === tier).sort(byRank)
    const limit = movesAllowed(inTier.length, rules)
    const up = inTier.filter((a) => level(qualifyingTier(a.measures, rules)) > level(tier))
    const down = inTier.filter((a) => level(qualifyingTier(a.measures, rules)) < level(tier)).reverse()
    let promoted = 0
    for (const a of up) {
      const to = TIERS[level(tier) + 1]!
      if (a.suspended) {
        held.push({ id: a.id, tier, wanted: to, reason: 'a suspended anchor is not promoted' })
        continue
      }
      if (promoted >= limit) {
        held.push({
          id: a.id,
          tier,
          wanted: to,
          reason: `only ${limit} of the ${inTier.length} ${tier} anchors may be promoted per review; ranked ${before.get(a.id)}`,
        })
        continue
      }
      promoted++
      const reasons = [
        `ranked ${before.get(a.id)} of ${inTier.length} in ${tier} with score ${a.score}`,
        ...meetsTier(a.measures, to, rules).reasons,
      ]
      moves.push(move(a, tier, to, 'promotion', before.get(a.id)!, reasons))
    }
    let demoted = 0
    for (const a of down) {
      const to = TIERS[level(tier) - 1]!
      if (demoted >= limit) {
        held.push({
          id: a.id,
          tier,
          wanted: to,
          reason: `only ${limit} of the ${inTier.length} ${tier} anchors may be demoted per review; ranked ${before.get(a.id)}`,
        })
        continue
      }
      demoted++
      const reasons = [
        `ranked ${before.get(a.id)} of ${inTier.length} in ${tier} with score ${a.score}`,
        ...meetsTier(a.measures, tier, rules).reasons,
      ]
      moves.push(move(a, tier, to, 'demotion', before.get(a.id)!, reasons))
    }
  }
  const moved = new Map(moves.map((m) => [m.id, m.to]))
  const after = scored.map((a) => ({ ...a, tier: moved.get(a.id) ?? a.tier }))
  const ranks = rankInTiers(after)
  const ranking = after
    .map((a) => ({ id: a.id, tier: a.tier, rank: ranks.get(a.id)!, score: a.score, measures: a.measures }))
    .sort((a, b) => level(b.tier) - level(a.tier) || a.rank - b.rank)
  return { moves, held, ranking }
}

function move(
  a: { id: string; score: number; measures: TierMeasures },
  from: Tier,
  to: Tier,
  direction: TierMove['direction'],
  rankInTier: number,
  reasons: string[],
): TierMove {
  return { id: a.id, from, to, direction, rankInTier, score: a.score, measures: a.measures, reasons }
}
