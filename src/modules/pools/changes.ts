import { defineChange } from '../../lib/hooks.js'

/** A pool, its items, the anchors that may draw from it or whom it is shared with changed. */
export const poolChanged = defineChange<{ poolId: string }>('pool.changed')
