import { defineChange } from '../../lib/hooks.js'

/** A review recomputed every reputation of the tenant's suppliers. */
export const reputationsReviewed = defineChange<{ reviewId: string }>('supplier.reputations_reviewed')
