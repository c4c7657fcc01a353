import { declareEvent, resourceEventExample, schemaRef } from '../../lib/event-catalog.js'
import { Product } from './schemas.js'

export const PRODUCT_CREATED = declareEvent(
  'product.created',
  'A product was created, through the API or an import; data is the product as GET /v1/products/{id} shows it',
  schemaRef(Product),
  resourceEventExample('product', Product, { created: true }),
  { scope: 'catalog:read' },
)
export const PRODUCT_UPDATED = declareEvent(
  'product.updated',
  'A product’s fields changed, through the API or an import; data is the product after the change',
  schemaRef(Product),
  resourceEventExample('product', Product),
  { scope: 'catalog:read' },
)
