import type { BrandTier } from '../suppliers/index.js'

/**
 * Brand-tier strategy (高端 / 成熟 / 新兴), documented defaults:
 * - premium: a discount above 10% breaks the strategy; a discount without a gift draws a
 *   warning (gifts are preferred to price cuts); supply above the cap breaks it (the pool's
 *   supply limit, else 300 units).
 * - mature: a moderate discount between 10% and 30%; outside the band is a warning.
 * - emerging: a discount below 15% is too weak to draw attention (warning).
 * Any tier: a price above the list price, or more units than the pool supplies, breaks it;
 * more units than in stock is a warning.
 */
export const brandTierPolicy = {
  premium: { max_discount: 0.1, default_supply_cap: 300, prefer_gifts: true },
  mature: { min_discount: 0.1, max_discount: 0.3 },
  emerging: { min_discount: 0.15 },
} as const

export type Severity = 'warning' | 'violation'
export interface Finding {
  code: string
  severity: Severity
  message: string
}

export interface PlannedOffer {
  listPrice: number
  plannedPrice: number
  plannedQuantity?: number
  gift?: { description: string }
  stock: number
  poolSupplyLimit?: number | null
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`

/** Checks a planned price or offer against its brand tier; pure. */
export function checkOffer(
  tier: BrandTier,
  o: PlannedOffer,
): { discountRate: number; findings: Finding[]; verdict: 'ok' | 'warning' | 'rejected' } {
  const findings: Finding[] = []
  const discountRate = o.listPrice > 0 ? Math.round(((o.listPrice - o.plannedPrice) / o.listPrice) * 10000) / 10000 : 0
  if (o.plannedPrice > o.listPrice)
    findings.push({
      code: 'price_above_list',
      severity: 'violation',
      message: `The planned price is above the list price.`,
    })

  if (tier === 'premium') {
    const p = brandTierPolicy.premium
    if (discountRate > p.max_discount)
      findings.push({
        code: 'discount_above_limit',
        severity: 'violation',
        message: `A ${pct(discountRate)} discount exceeds the ${pct(p.max_discount)} a premium brand allows; offer a gift instead of a deeper cut.`,
      })
    else if (discountRate > 0 && !o.gift)
      findings.push({
        code: 'gift_preferred',
        severity: 'warning',
        message: 'Premium brands prefer a gift to a price cut.',
      })
    const cap = o.poolSupplyLimit ?? p.default_supply_cap
    if (o.plannedQuantity !== undefined && o.plannedQuantity > cap)
      findings.push({
        code: 'supply_above_cap',
        severity: 'violation',
        message: `Premium supply is capped at ${cap} units; ${o.plannedQuantity} are planned.`,
      })
  } else if (tier === 'mature') {
    const p = brandTierPolicy.mature
    if (discountRate < p.min_discount)
      findings.push({
        code: 'discount_below_band',
        severity: 'warning',
        message: `A ${pct(discountRate)} discount is below the ${pct(p.min_discount)}–${pct(p.max_discount)} band for mature brands.`,
      })
    else if (discountRate > p.max_discount)
      findings.push({
        code: 'discount_above_band',
        severity: 'warning',
        message: `A ${pct(discountRate)} discount is above the ${pct(p.min_discount)}–${pct(p.max_discount)} band for mature brands.`,
      })
  } else {
    const p = brandTierPolicy.emerging
    if (discountRate < p.min_discount)
      findings.push({
        code: 'discount_too_weak',
        severity: 'warning',
        message: `A ${pct(discountRate)} discount is too weak to draw attention to an emerging brand; at least ${pct(p.min_discount)} is recommended.`,
      })
  }

  if (
    tier !== 'premium' &&
    o.poolSupplyLimit != null &&
    o.plannedQuantity !== undefined &&
    o.plannedQuantity > o.poolSupplyLimit
  ) {
    findings.push({
      code: 'supply_above_pool_limit',
      severity: 'violation',
      message: `The pool supplies at most ${o.poolSupplyLimit} units; ${o.plannedQuantity} are planned.`,
    })
  }
  if (o.plannedQuantity !== undefined && o.plannedQuantity > o.stock)
    findings.push({
      code: 'insufficient_stock',
      severity: 'warning',
      message: `Only ${o.stock} units are in stock; ${o.plannedQuantity} are planned.`,
    })
  const verdict = findings.some((f) => f.severity === 'violation') ? 'rejected' : findings.length ? 'warning' : 'ok'
  return { discountRate, findings, verdict }
}
