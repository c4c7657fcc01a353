import type { ScorePart, Weights } from './weights.js'
import { marginPart, UNSCORED_SUPPLIER_QUALITY } from './weights.js'

/** Title similarity at or above this makes two products near-duplicates. */
export const NEAR_DUPLICATE_SIMILARITY = 0.5
/** Each product already picked in the same category adds this much diversity penalty. */
export const CATEGORY_CROWDING_STEP = 0.25

export interface Candidate {
  id: string
  /** The tenant that owns the product: the caller, or the owner of a shared pool. */
  ownerTenantId: string
  title: string
  category: string
  brandTier: string
  supplierId: string
  reputation: number | null
  micro: boolean
  listPrice: number
  currency: string
  commissionRate: number
  repurchaseRate: number | null
  overExposure: number
  stock: number
  pools: { pool_id: string; price: number | null; supply_limit: number | null }[]
}

export interface AnchorSignals {
  /** Audience interest per category, scaled so the strongest is 1. */
  interests: Map<string, number>
  covers: Set<string>
  /** Units sold per category in the history window, scaled so the best seller is 1. */
  salesShare: Map<string, number>
  /** Products sold in the recent window, by category. */
  recent: Map<string, { id: string; grams: Set<string> }[]>
  recentIds: Set<string>
}

export function anchorSignals(
  anchor: { categories: string[]; audience: { interests: { category: string; weight: number }[] } },
  sales: { categoryUnits: Record<string, number>; recent: { id: string; title: string; category: string }[] },
): AnchorSignals {
  const maxInterest = Math.max(0, ...anchor.audience.interests.map((i) => i.weight))
  const interests = new Map(
    anchor.audience.interests.map((i) => [i.category, maxInterest > 0 ? i.weight / maxInterest : 0]),
  )
  const maxUnits = Math.max(0, ...Object.values(sales.categoryUnits))
  const salesShare = new Map(Object.entries(sales.categoryUnits).map(([c, u]) => [c, maxUnits > 0 ? u / maxUnits : 0]))
  const recent = new Map<string, { id: string; grams: Set<string> }[]>()
  const recentIds = new Set<string>()
  for (const s of sales.recent) {
    if (recentIds.has(s.id)) continue
    recentIds.add(s.id)
    recent.set(s.category, [...(recent.get(s.category) ?? []), { id: s.id, grams: bigrams(s.title) }])
  }
  return { interests, covers: new Set(anchor.categories), salesShare, recent, recentIds }
}

/** The categories worth a candidate query of their own, strongest first. */
export function affineCategories(a: AnchorSignals, max = 6): string[] {
  const all = new Set([...a.interests.keys(), ...a.covers, ...a.salesShare.keys()])
  return [...all]
    .map((c) => [c, audienceFit(a, c)] as const)
    .sort((x, y) => y[1] - x[1])
    .slice(0, max)
    .map(([c]) => c)
}

/**
 * audience_fit: the mean of the signals the anchor has — audience interest in the category,
 * whether the anchor covers it, and the category's share of the anchor's past sales.
 */
export function audienceFit(a: AnchorSignals, category: string): number {
  const parts: number[] = []
  if (a.interests.size) parts.push(a.interests.get(category) ?? 0)
  if (a.covers.size) parts.push(a.covers.has(category) ? 1 : 0)
  if (a.salesShare.size) parts.push(a.salesShare.get(category) ?? 0)
  return parts.length ? parts.reduce((s, p) => s + p, 0) / parts.length : 0
}

/** Character bigrams of a title with spaces and punctuation removed: works for Chinese and Latin titles alike. */
export function bigrams(title: string): Set<string> {
  const s = title.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '')
  const out = new Set<string>()
  for (let i = 0; i + 1 < s.length; i++) out.add(s.slice(i, i + 2))
  if (s.length === 1) out.add(s)
  return out
}

export function similarity(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0
  let common = 0
  for (const g of a) if (b.has(g)) common++
  return common / (a.size + b.size - common)
}

export interface Scored {
  candidate: Candidate
  price: number
  poolIds: string[]
  supplyLimit: number | null
  parts: Record<ScorePart, number>
  breakdown: Record<ScorePart, number>
  score: number
  nearDuplicateOf: string | null
}

const round = (n: number) => Math.round(n * 10000) / 10000

interface Prepared {
  candidate: Candidate
  grams: Set<string>
  price: number
  poolIds: string[]
  supplyLimit: number | null
  base: Omit<Record<ScorePart, number>, 'diversity'>
  /** Weighted sum of every part but diversity. */
  fixed: number
  recentDup: number
  recentDupOf: string | null
  listDup: number
  listDupOf: string | null
}

function prepare(c: Candidate, a: AnchorSignals, weights: Weights): Prepared {
  // The cheapest pool the anchor can draw from sets the price.
  const price = Math.min(...c.pools.map((p) => p.price ?? c.listPrice), c.pools.length ? Infinity : c.listPrice)
  const limits = c.pools.map((p) => p.supply_limit)
  const grams = bigrams(c.title)
  let recentDup = 0
  let recentDupOf: string | null = null
  if (a.recentIds.has(c.id)) {
    recentDup = 1
    recentDupOf = c.id
  } else {
    for (const r of a.recent.get(c.category) ?? []) {
      const sim = similarity(grams, r.grams)
      if (sim >= NEAR_DUPLICATE_SIMILARITY && sim > recentDup) {
        recentDup = sim
        recentDupOf = r.id
      }
    }
  }
  const base = {
    audience_fit: audienceFit(a, c.category),
    supplier_quality: c.reputation === null ? UNSCORED_SUPPLIER_QUALITY : c.reputation / 100,
    expected_margin: marginPart(c.commissionRate, price),
    long_term_value: c.repurchaseRate ?? 0,
    micro_supplier_boost: c.micro ? 1 : 0,
    exposure_fairness: -c.overExposure,
  }
  let fixed = 0
  for (const [k, v] of Object.entries(base)) fixed += weights[k as ScorePart] * v
  return {
    candidate: c,
    grams,
    price,
    poolIds: c.pools.map((p) => p.pool_id),
    // Unlimited when any pool it comes from is unlimited.
    supplyLimit: limits.length && limits.every((l) => l !== null) ? Math.max(...(limits as number[])) : null,
    base,
    fixed,
    recentDup,
    recentDupOf,
    listDup: 0,
    listDupOf: null,
  }
}

const diversityOf = (p: Prepared, sameCategoryPicked: number) =>
  -Math.min(1, Math.max(p.recentDup, p.listDup) + CATEGORY_CROWDING_STEP * sameCategoryPicked)

/**
 * Scores candidates and picks `limit` of them greedily (maximal marginal relevance): after
 * each pick the diversity part of the rest is updated, so it grows for products close to
 * what the anchor sold recently or to what is already on the list, and for categories
 * already on the list; no category takes more than `maxCategoryShare` of the list while
 * other categories still have candidates.
 */
export function rank(
  candidates: Candidate[],
  a: AnchorSignals,
  weights: Weights,
  limit: number,
  maxCategoryShare: number,
): Scored[] {
  const remaining = new Set(candidates.map((c) => prepare(c, a, weights)))
  const picked: Scored[] = []
  const count = new Map<string, number>()
  const cap = Math.max(1, Math.ceil(limit * maxCategoryShare))

  while (picked.length < limit && remaining.size) {
    let anyOpen = false
    for (const p of remaining) if ((count.get(p.candidate.category) ?? 0) < cap) anyOpen = true
    let best: Prepared | undefined
    let bestScore = -Infinity
    for (const p of remaining) {
      const n = count.get(p.candidate.category) ?? 0
      // A category at its cap waits while any other category has candidates.
      if (anyOpen && n >= cap) continue
      const score = p.fixed + weights.diversity * diversityOf(p, n)
      if (score > bestScore || (score === bestScore && best && p.candidate.id < best.candidate.id)) {
        best = p
        bestScore = score
      }
    }
    if (!best) break
    const n = count.get(best.candidate.category) ?? 0
    const parts = { ...best.base, diversity: diversityOf(best, n) } as Record<ScorePart, number>
    const breakdown = {} as Record<ScorePart, number>
    for (const k of Object.keys(parts) as ScorePart[]) {
      breakdown[k] = round(weights[k] * parts[k])
      parts[k] = round(parts[k])
    }
    picked.push({
      candidate: best.candidate,
      price: best.price,
      poolIds: best.poolIds,
      supplyLimit: best.supplyLimit,
      parts,
      breakdown,
      score: round(bestScore),
      nearDuplicateOf: best.recentDup >= best.listDup ? best.recentDupOf : best.listDupOf,
    })
    remaining.delete(best)
    count.set(best.candidate.category, n + 1)
    for (const p of remaining) {
      if (p.candidate.category !== best.candidate.category) continue
      const sim = similarity(p.grams, best.grams)
      if (sim >= NEAR_DUPLICATE_SIMILARITY && sim > p.listDup) {
        p.listDup = sim
        p.listDupOf = best.candidate.id
      }
    }
  }
  return picked
}
