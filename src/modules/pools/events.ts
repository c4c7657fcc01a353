import { declareEvent, resourceEventExample, schemaRef } from '../../lib/event-catalog.js'
import { SupplyPool } from './schemas.js'

export const SUPPLY_POOL_CREATED = declareEvent(
  'supply_pool.created',
  'A supply pool was created; data is the pool as GET /v1/supply-pools/{id} shows it',
  schemaRef(SupplyPool),
  resourceEventExample('supply_pool', SupplyPool, { created: true }),
  { scope: 'catalog:read' },
)
export const SUPPLY_POOL_UPDATED = declareEvent(
  'supply_pool.updated',
  'A supply pool’s own fields or anchors changed (PATCH); data is the pool after the change',
  schemaRef(SupplyPool),
  resourceEventExample('supply_pool', SupplyPool),
  { scope: 'catalog:read' },
)
