import type { Static } from 'typebox'
import { defineChange, defineResourceChange } from '../../lib/hooks.js'
import { PRODUCT_CREATED, PRODUCT_UPDATED } from './events.js'
import type { Product } from './schemas.js'

/** Products were created, changed, imported, or their stock moved with their SKUs. */
export const productsChanged = defineChange<{ productIds: string[] }>('products.changed')

/** Public events of a product written through the API or an import, with the product as presented. */
export const productCreated = defineResourceChange<Static<typeof Product>>(PRODUCT_CREATED, 'product')
export const productUpdated = defineResourceChange<Static<typeof Product>>(PRODUCT_UPDATED, 'product')
