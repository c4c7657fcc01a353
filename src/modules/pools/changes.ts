import type { Static } from 'typebox'
import { defineChange, defineResourceChange } from '../../lib/hooks.js'
import { SUPPLY_POOL_CREATED, SUPPLY_POOL_UPDATED } from './events.js'
import type { SupplyPool } from './schemas.js'

/** A pool, its items, the anchors that may draw from it or whom it is shared with changed. */
export const poolChanged = defineChange<{ poolId: string }>('pool.changed')

/** Public events of a pool created or changed through the API, with the pool as presented. */
export const supplyPoolCreated = defineResourceChange<Static<typeof SupplyPool>>(SUPPLY_POOL_CREATED, 'supply_pool')
export const supplyPoolUpdated = defineResourceChange<Static<typeof SupplyPool>>(SUPPLY_POOL_UPDATED, 'supply_pool')
