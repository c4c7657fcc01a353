import { defineChange } from '../../lib/hooks.js'
import { SUPPLIER_ADMITTED, SUPPLIER_ELIMINATED, SUPPLIER_PROBATION, SUPPLIER_REINSTATED } from './events.js'
import type { SupplierRow } from './tables.js'

/** A supplier's fields changed through an update (not its status: see supplierStatusChanged). */
export const supplierChanged = defineChange<{ before: SupplierRow; after: SupplierRow }>('supplier.changed')

export type SupplierStatusOutcome = 'admitted' | 'probation' | 'reinstated' | 'eliminated'
const eventTypes = {
  admitted: SUPPLIER_ADMITTED,
  probation: SUPPLIER_PROBATION,
  reinstated: SUPPLIER_REINSTATED,
  eliminated: SUPPLIER_ELIMINATED,
} as const

export interface SupplierStatusChange {
  supplier: SupplierRow
  outcome: SupplierStatusOutcome
  reason: string
  reputationScore: number | null
  /** Set by governance reviews, which judge against it. */
  eliminationThreshold?: number
  /** With `eliminated`: how many of the supplier's products left selection. */
  productsRemoved?: number
}

/**
 * A supplier was admitted, put on probation, reinstated or eliminated. Its public event
 * (`supplier.admitted`, …) is written from here, in the same transaction.
 */
export const supplierStatusChanged = defineChange<SupplierStatusChange>('supplier.status_changed', {
  event: (c) => ({
    type: eventTypes[c.outcome],
    resource: { type: 'supplier', id: c.supplier.id, version: c.supplier.version },
    data: {
      supplier_id: c.supplier.id,
      name: c.supplier.name,
      status: c.supplier.status,
      reputation_score: c.reputationScore,
      ...(c.eliminationThreshold === undefined ? {} : { elimination_threshold: c.eliminationThreshold }),
      reason: c.reason,
      ...(c.productsRemoved === undefined ? {} : { products_removed: c.productsRemoved }),
    },
  }),
})
