import { settingsDocument } from '../../lib/settings.js'

/** The named parts of a recommendation score. */
export const scoreParts = [
  'audience_fit',
  'supplier_quality',
  'expected_margin',
  'long_term_value',
  'diversity',
  'micro_supplier_boost',
  'exposure_fairness',
] as const
export type ScorePart = (typeof scoreParts)[number]
export type Weights = Record<ScorePart, number>

export interface SelectionSettings {
  weights: Weights
  /** No category may take more than this share of a result list while others are available. */
  max_category_share: number
}

/**
 * Documented defaults. Every part is a number in [0, 1] (diversity and exposure_fairness are
 * penalties in [-1, 0]) multiplied by its weight; the score is the sum.
 */
export const defaultSelectionSettings = (): SelectionSettings => ({
  weights: {
    audience_fit: 0.3,
    supplier_quality: 0.2,
    expected_margin: 0.2,
    long_term_value: 0.15,
    diversity: 0.15,
    micro_supplier_boost: 0.1,
    exposure_fairness: 0.1,
  },
  max_category_share: 0.5,
})

export const selectionSettings = settingsDocument<SelectionSettings>('selection', defaultSelectionSettings)

/** Commission per unit (major units) at which expected_margin saturates at 1. */
export const MARGIN_REFERENCE_MAJOR = 200
/** Head-anchor units at which exposure reaches one half: over_exposure = head / (units + K). */
export const EXPOSURE_SMOOTHING_UNITS = 20
/** Supplier quality when a supplier has no reputation yet. */
export const UNSCORED_SUPPLIER_QUALITY = 0.5

/** expected_margin part: log-scaled commission per unit, 0–1. */
export function marginPart(commissionRate: number, priceMinor: number): number {
  const major = (commissionRate * priceMinor) / 100
  return Math.min(1, Math.log1p(Math.max(0, major)) / Math.log1p(MARGIN_REFERENCE_MAJOR))
}
