import { Type } from 'typebox'
import { declareEvent } from '../../lib/event-catalog.js'

const supplierChange = {
  supplier_id: Type.String(),
  name: Type.String(),
  status: Type.String(),
  reputation_score: Type.Union([Type.Number(), Type.Null()]),
  elimination_threshold: Type.Optional(Type.Number()),
  reason: Type.String(),
}
const SupplierChange = Type.Object(supplierChange)

export const SUPPLIER_ADMITTED = declareEvent(
  'supplier.admitted',
  'A supplier passed its admission criteria (入围)',
  SupplierChange,
  { scope: 'catalog:read' },
)
export const SUPPLIER_PROBATION = declareEvent(
  'supplier.probation',
  'A supplier’s reputation fell below the elimination threshold; it is on probation until the next review',
  SupplierChange,
  { scope: 'catalog:read' },
)
export const SUPPLIER_REINSTATED = declareEvent(
  'supplier.reinstated',
  'A supplier on probation recovered above the threshold at a review',
  SupplierChange,
  { scope: 'catalog:read' },
)
export const SUPPLIER_ELIMINATED = declareEvent(
  'supplier.eliminated',
  'A supplier stayed below the elimination threshold at a second review and was eliminated (淘汰); its products left selection',
  Type.Object({ ...supplierChange, products_removed: Type.Integer() }),
  { scope: 'catalog:read' },
)
