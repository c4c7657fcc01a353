import { Type } from 'typebox'
import { declareEvent } from '../../lib/event-catalog.js'
import { exampleId } from '../../lib/schemas.js'

const supplierChange = {
  supplier_id: Type.String(),
  name: Type.String(),
  status: Type.String(),
  reputation_score: Type.Union([Type.Number(), Type.Null()]),
  elimination_threshold: Type.Optional(Type.Number()),
  reason: Type.String(),
}
const SupplierChange = Type.Object(supplierChange)
const supplier = (version: number) => ({ type: 'supplier', id: exampleId('sup'), version })
const name = '云岭茶业 Yunling Tea'

export const SUPPLIER_ADMITTED = declareEvent(
  'supplier.admitted',
  'A supplier passed its admission criteria (入围)',
  SupplierChange,
  {
    resource: supplier(2),
    occurred_at: '2026-11-29T06:30:12.904Z',
    data: {
      supplier_id: exampleId('sup'),
      name,
      status: 'admitted',
      reputation_score: null,
      reason: `passed admission criteria ${exampleId('crt')}`,
    },
  },
  { scope: 'catalog:read' },
)
export const SUPPLIER_PROBATION = declareEvent(
  'supplier.probation',
  'A supplier’s reputation fell below the elimination threshold; it is on probation until the next review',
  SupplierChange,
  {
    resource: supplier(5),
    occurred_at: '2026-11-30T02:00:04.517Z',
    data: {
      supplier_id: exampleId('sup'),
      name,
      status: 'probation',
      reputation_score: 52.4,
      elimination_threshold: 60,
      reason: 'reputation 52.4 is below the elimination threshold 60',
    },
  },
  { scope: 'catalog:read' },
)
export const SUPPLIER_REINSTATED = declareEvent(
  'supplier.reinstated',
  'A supplier on probation recovered above the threshold at a review',
  SupplierChange,
  {
    resource: supplier(6),
    occurred_at: '2026-12-01T02:00:03.880Z',
    data: {
      supplier_id: exampleId('sup'),
      name,
      status: 'admitted',
      reputation_score: 67.9,
      elimination_threshold: 60,
      reason: 'reputation 67.9 is back above the elimination threshold 60',
    },
  },
  { scope: 'catalog:read' },
)
export const SUPPLIER_ELIMINATED = declareEvent(
  'supplier.eliminated',
  'A supplier stayed below the elimination threshold at a second review and was eliminated (淘汰); its products left selection',
  Type.Object({ ...supplierChange, products_removed: Type.Integer() }),
  {
    resource: supplier(6),
    occurred_at: '2026-12-01T02:00:03.880Z',
    data: {
      supplier_id: exampleId('sup'),
      name,
      status: 'eliminated',
      reputation_score: 48.1,
      elimination_threshold: 60,
      reason: 'reputation 48.1 stayed below the elimination threshold 60 after probation',
      products_removed: 14,
    },
  },
  { scope: 'catalog:read' },
)
