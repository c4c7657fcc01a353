import type { AttributionModel, CampaignStatus } from './tables.js'

// ---- campaign status ------------------------------------------------------------------------

/** draft → active → ended; a draft that never ran may be ended directly. */
const NEXT: Record<CampaignStatus, CampaignStatus[]> = { draft: ['active', 'ended'], active: ['ended'], ended: [] }

export function canMove(from: CampaignStatus, to: CampaignStatus): boolean {
  return from === to || NEXT[from].includes(to)
}

export function statusRefusal(from: CampaignStatus, to: CampaignStatus): string {
  return NEXT[from].length
    ? `The campaign is ${from} and cannot become ${to}; from ${from} it may only become ${NEXT[from].join(' or ')}.`
    : `The campaign is ${from} and cannot become ${to}; ${from} is final.`
}

// ---- attribution ----------------------------------------------------------------------------

/** A touch that carried a code, at a time in epoch milliseconds. */
export interface CodedTouch {
  code: string
  at: number
}

/** Something a buyer did that a campaign may take credit for: an order, a follow, a fan-group join. */
export interface Conversion {
  at: number
  /** The code the conversion itself carried (an order's attribution_code, a follow through a link). */
  code: string | null
}

export interface Credit {
  code: string
  /** The share of the conversion credited to the code: 1 for single-touch models, 1/n each for linear. */
  weight: number
}

export const DAY_MS = 86_400_000

/**
 * Which codes get credit for one conversion. Candidates are the buyer's coded touches in the
 * lookback window `[at - lookback, at]` plus the conversion's own code, which counts as a touch
 * at the conversion (it is the freshest evidence, so it wins last-touch ties). Last-touch credits
 * the latest candidate, first-touch the earliest, linear splits the conversion equally among all
 * candidates. No candidate, no credit: the conversion is organic.
 */
export function creditFor(
  conversion: Conversion,
  touches: readonly CodedTouch[],
  model: AttributionModel,
  lookbackMs: number,
): Credit[] {
  const from = conversion.at - lookbackMs
  const candidates = touches
    // A touch at the conversion's instant with its own code is the conversion itself (a follow
    // through a link is both): it is counted once, as the conversion's code.
    .filter((t) => t.at >= from && t.at <= conversion.at && !(t.at === conversion.at && t.code === conversion.code))
    .map((t, i) => ({ ...t, order: i }))
    // Stable on time; the conversion's own code sorts after touches at the same instant.
    .sort((a, b) => a.at - b.at || a.order - b.order)
  if (conversion.code) candidates.push({ code: conversion.code, at: conversion.at, order: candidates.length })
  if (candidates.length === 0) return []
  switch (model) {
    case 'last_touch':
      return [{ code: candidates[candidates.length - 1]!.code, weight: 1 }]
    case 'first_touch':
      return [{ code: candidates[0]!.code, weight: 1 }]
    case 'linear': {
      const weights = new Map<string, number>()
      for (const c of candidates) weights.set(c.code, (weights.get(c.code) ?? 0) + 1 / candidates.length)
      return [...weights].map(([code, weight]) => ({ code, weight }))
    }
  }
}

export interface Credited {
  /** Conversions credited to the codes (fractional under linear). */
  count: number
  /** Their value credited to the codes, in minor units (fractional under linear). */
  value: number
}

/**
 * Credits many conversions of many buyers and sums what went to `codes` (a campaign's codes).
 * `touchesOf` answers a buyer's coded touches, any campaign's: a later touch of another
 * campaign takes last-touch credit away from this one, as it should.
 */
export function creditedTo(
  codes: ReadonlySet<string>,
  conversions: readonly (Conversion & { buyer: string; value: number })[],
  touchesOf: (buyer: string) => readonly CodedTouch[],
  model: AttributionModel,
  lookbackMs: number,
): Credited {
  const total: Credited = { count: 0, value: 0 }
  for (const c of conversions)
    for (const credit of creditFor(c, touchesOf(c.buyer), model, lookbackMs))
      if (codes.has(credit.code)) {
        total.count += credit.weight
        total.value += credit.weight * c.value
      }
  return total
}

/**
 * 投产比: credited GMV over cost, the ratio Chinese ad platforms call ROI; null when nothing was
 * spent, since any GMV over zero cost is no ratio at all.
 */
export function roi(gmv: number, cost: number): number | null {
  return cost > 0 ? Math.round((gmv / cost) * 10_000) / 10_000 : null
}

// ---- codes ----------------------------------------------------------------------------------

/** Lowercase letters and digits without look-alikes (0/o, 1/l/i): url-safe, readable aloud. */
export const CODE_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'

export function randomCode(bytes: Uint8Array): string {
  let out = ''
  for (const b of bytes) out += CODE_ALPHABET[b % CODE_ALPHABET.length]
  return out
}
