import { declareEvent, resourceEventExample, schemaRef } from '../../lib/event-catalog.js'
import { exampleOf } from '../../lib/schemas.js'
import { Contract, Settlement } from './schemas.js'

const scope = { scope: 'settlements:read' }

export const CONTRACT_CREATED = declareEvent(
  'contract.created',
  'An anchor contract (签约) was signed: the MCN’s share of the anchor’s commission over a period',
  schemaRef(Contract),
  resourceEventExample('contract', Contract, { created: true }),
  scope,
)
export const CONTRACT_UPDATED = declareEvent(
  'contract.updated',
  'An anchor contract’s rate, period or note changed; entries already booked keep their rate',
  schemaRef(Contract),
  resourceEventExample('contract', Contract),
  scope,
)
export const SETTLEMENT_CLOSED = declareEvent(
  'settlement.closed',
  'A period was closed: its settlement statement is written and never changes; later entries of the period go to the next open one as adjustments',
  schemaRef(Settlement),
  {
    resource: { type: 'settlement', id: exampleOf(Settlement)!.id, version: 1 },
    data: exampleOf(Settlement)!,
    occurred_at: '2027-01-01T00:05:00.010Z',
  },
  scope,
)
