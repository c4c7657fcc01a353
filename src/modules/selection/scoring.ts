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
  recent: Map<string, { id: string; grams: Uint32Array }[]>
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
  const recent = new Map<string, { id: string; grams: Uint32Array }[]>()
  const recentIds = new Set<string>()
  for (const s of sales.recent) {
    if (recentIds.has(s.id)) continue
    recentIds.add(s.id)
    const inCategory = recent.get(s.category)
    const item = { id: s.id, grams: titleGrams(s.title) }
    if (inCategory) inCategory.push(item)
    else recent.set(s.category, [item])
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

const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u
/** Per BMP code unit: 0 not looked at yet, 1 a letter or digit, 2 anything else (lone surrogates too). */
const bmpClass = new Uint8Array(65536)

const isLetterOrDigit = (cp: number): boolean => {
  if (cp < 65536) {
    let c = bmpClass[cp]!
    if (c === 0) {
      c = LETTER_OR_DIGIT.test(String.fromCharCode(cp)) ? 1 : 2
      bmpClass[cp] = c
    }
    return c === 1
  }
  // Rare in titles, and not remembered: a table of every astral code point would be 1 MB.
  return LETTER_OR_DIGIT.test(String.fromCodePoint(cp))
}

const NO_GRAMS = new Uint32Array(0)
/** Reused by `bigrams` for the grams before they are made distinct (grows to the longest title seen). */
let scratch = new Uint32Array(64)

/**
 * Character bigrams of a title with spaces and punctuation removed: works for Chinese and Latin
 * titles alike. The title is lowercased and every code point that is not a letter or digit
 * (\p{L}, \p{N}) dropped; each pair of adjacent UTF-16 code units c1 c2 of what is left is the
 * integer c1 × 65536 + c2, and when one code unit is left it is the only gram (never a pair's
 * value, since no letter or digit is U+0000). Sorted and distinct, so similarity is a merge of
 * two integer arrays, with the same sets (so the same values) as the bigram strings.
 */
export function bigrams(title: string): Uint32Array {
  const s = title.toLowerCase()
  if (scratch.length < s.length) scratch = new Uint32Array(2 * s.length)
  const grams = scratch
  let units = 0
  let previous = 0
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    let width = 1
    let cp = c
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const low = s.charCodeAt(i + 1)
      if (low >= 0xdc00 && low <= 0xdfff) {
        cp = (c - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000
        width = 2
      }
    }
    if (isLetterOrDigit(cp))
      for (let k = 0; k < width; k++) {
        const unit = s.charCodeAt(i + k)
        if (units++ > 0) {
          // Insertion sort: titles give a few dozen grams at most.
          const gram = ((previous << 16) | unit) >>> 0
          let j = n++
          while (j > 0 && grams[j - 1]! > gram) {
            grams[j] = grams[j - 1]!
            j--
          }
          grams[j] = gram
        }
        previous = unit
      }
    i += width - 1
  }
  if (units === 1) return Uint32Array.of(previous)
  if (n === 0) return NO_GRAMS
  let distinct = 1
  for (let i = 1; i < n; i++) if (grams[i] !== grams[distinct - 1]) grams[distinct++] = grams[i]!
  return grams.slice(0, distinct)
}

/** Titles split into grams lately: the same titles recur in every request (candidate lists, recent sales). */
const gramsByTitle = new Map<string, Uint32Array>()
/** Bound on the titles held; past it the oldest half goes. */
const TITLE_GRAMS_HELD = 50_000

/** `bigrams(title)`, remembered: a pure function of the title, so the answer is the same. */
export function titleGrams(title: string): Uint32Array {
  let grams = gramsByTitle.get(title)
  if (grams === undefined) {
    grams = bigrams(title)
    if (gramsByTitle.size >= TITLE_GRAMS_HELD) {
      let drop = TITLE_GRAMS_HELD / 2
      for (const key of gramsByTitle.keys()) {
        gramsByTitle.delete(key)
        if (--drop === 0) break
      }
    }
    gramsByTitle.set(title, grams)
  }
  return grams
}

/**
 * The Jaccard similarity of two gram sets as `bigrams` returns them when it is at least
 * NEAR_DUPLICATE_SIMILARITY (1/2), else 0: a merge of the two sorted arrays that stops as soon
 * as the grams left cannot bring it there. With c grams in common the similarity is
 * c / (|a| + |b| − c), at least 1/2 exactly when 3c ≥ |a| + |b| (integers, so no rounding).
 */
export function nearDuplicateSimilarity(a: Uint32Array, b: Uint32Array): number {
  const total = a.length + b.length
  if (!a.length || !b.length || 3 * Math.min(a.length, b.length) < total) return 0
  let common = 0
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    const x = a[i]!
    const y = b[j]!
    if (x === y) {
      common++
      i++
      j++
      continue
    }
    if (x < y) i++
    else j++
    if (3 * (common + Math.min(a.length - i, b.length - j)) < total) return 0
  }
  return 3 * common >= total ? common / (total - common) : 0
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
  grams: Uint32Array
  /** Index of the candidate's category among this call's categories. */
  category: number
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
  picked: boolean
}

function prepare(c: Candidate, category: number, a: AnchorSignals, weights: Weights): Prepared {
  // The cheapest pool the anchor can draw from sets the price.
  let price = c.pools.length ? Infinity : c.listPrice
  const poolIds: string[] = []
  // Unlimited when any pool it comes from is unlimited.
  let supplyLimit: number | null = c.pools.length ? -Infinity : null
  for (const p of c.pools) {
    price = Math.min(price, p.price ?? c.listPrice)
    poolIds.push(p.pool_id)
    supplyLimit = supplyLimit === null || p.supply_limit === null ? null : Math.max(supplyLimit, p.supply_limit)
  }
  const grams = titleGrams(c.title)
  let recentDup = 0
  let recentDupOf: string | null = null
  if (a.recentIds.has(c.id)) {
    recentDup = 1
    recentDupOf = c.id
  } else {
    for (const r of a.recent.get(c.category) ?? []) {
      const sim = nearDuplicateSimilarity(grams, r.grams)
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
  // Summed in the order of the parts above, from 0, as the score has always been.
  let fixed = 0
  fixed += weights.audience_fit * base.audience_fit
  fixed += weights.supplier_quality * base.supplier_quality
  fixed += weights.expected_margin * base.expected_margin
  fixed += weights.long_term_value * base.long_term_value
  fixed += weights.micro_supplier_boost * base.micro_supplier_boost
  fixed += weights.exposure_fairness * base.exposure_fairness
  return {
    candidate: c,
    grams,
    category,
    price,
    poolIds,
    supplyLimit,
    base,
    fixed,
    recentDup,
    recentDupOf,
    listDup: 0,
    listDupOf: null,
    picked: false,
  }
}

const diversityOf = (p: Prepared, sameCategoryPicked: number) =>
  -Math.min(1, Math.max(p.recentDup, p.listDup) + CATEGORY_CROWDING_STEP * sameCategoryPicked)

/**
 * Scores candidates and picks `limit` of them greedily (maximal marginal relevance): after
 * each pick the diversity part of the rest is updated, so it grows for products close to
 * what the anchor sold recently or to what is already on the list, and for categories
 * already on the list; no category takes more than `maxCategoryShare` of the list while
 * other categories still have candidates. Among equal scores the smallest product id wins,
 * so the result does not depend on the order of `candidates`.
 */
export function rank(
  candidates: Candidate[],
  a: AnchorSignals,
  weights: Weights,
  limit: number,
  maxCategoryShare: number,
): Scored[] {
  const categoryIndex = new Map<string, number>()
  const byCategory: Prepared[][] = []
  const prepared: Prepared[] = []
  for (const c of candidates) {
    let category = categoryIndex.get(c.category)
    if (category === undefined) {
      category = byCategory.length
      categoryIndex.set(c.category, category)
      byCategory.push([])
    }
    const p = prepare(c, category, a, weights)
    prepared.push(p)
    byCategory[category]!.push(p)
  }
  // Per category: products picked, and candidates not yet picked.
  const count = new Int32Array(byCategory.length)
  const left = Int32Array.from(byCategory, (ps) => ps.length)
  let remaining = prepared.length
  const picked: Scored[] = []
  const cap = Math.max(1, Math.ceil(limit * maxCategoryShare))

  while (picked.length < limit && remaining) {
    let anyOpen = false
    for (let k = 0; k < count.length; k++) if (left[k]! > 0 && count[k]! < cap) anyOpen = true
    let best: Prepared | undefined
    let bestScore = -Infinity
    for (const p of prepared) {
      if (p.picked) continue
      const n = count[p.category]!
      // A category at its cap waits while any other category has candidates.
      if (anyOpen && n >= cap) continue
      const score = p.fixed + weights.diversity * diversityOf(p, n)
      if (score > bestScore || (score === bestScore && best && p.candidate.id < best.candidate.id)) {
        best = p
        bestScore = score
      }
    }
    if (!best) break
    const n = count[best.category]!
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
    best.picked = true
    remaining--
    left[best.category] -= 1
    count[best.category] = n + 1
    for (const p of byCategory[best.category]!) {
      if (p.picked) continue
      const sim = nearDuplicateSimilarity(p.grams, best.grams)
      if (sim >= NEAR_DUPLICATE_SIMILARITY && sim > p.listDup) {
        p.listDup = sim
        p.listDupOf = best.candidate.id
      }
    }
  }
  return picked
}
