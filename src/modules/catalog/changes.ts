import { defineChange } from '../../lib/hooks.js'

/** Products were created, changed, imported, or their stock moved with their SKUs. */
export const productsChanged = defineChange<{ productIds: string[] }>('products.changed')
