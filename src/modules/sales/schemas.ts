import { Type, type Static } from 'typebox'
import { Id, Money, named, Page, PageQuery, ref, Timestamp } from '../../lib/schemas.js'

export const AnchorSale = named(
  'AnchorSale',
  Type.Object(
    {
      id: Id('sal'),
      anchor_id: Id('anc'),
      product_id: Id('prd'),
      product_title: Type.String(),
      category: Type.String(),
      quantity: Type.Integer(),
      amount: ref(Money),
      returned_quantity: Type.Integer(),
      disputes: Type.Integer(),
      sold_on: Type.String({ format: 'date' }),
      external_id: Type.Union([Type.String(), Type.Null()]),
      created_at: Timestamp,
    },
    {
      description:
        'A past sale from the sales-history import; feeds audience fit, diversity, exposure and supplier return and dispute rates',
    },
  ),
)
export const AnchorSaleList = Page(AnchorSale)
export const AnchorSalesQuery = Type.Object(
  { ...PageQuery.properties, since: Type.Optional(Type.String({ format: 'date' })) },
  { additionalProperties: false },
)

/** One row of a sales-history import. amount defaults to the product’s list price × quantity. */
export const SaleImportRow = Type.Object({
  anchor_id: Id('anc'),
  product_id: Id('prd'),
  quantity: Type.Integer({ minimum: 1 }),
  sold_on: Type.String({ format: 'date' }),
  amount: Type.Optional(Type.Integer({ minimum: 0 })),
  currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
  returned_quantity: Type.Integer({ minimum: 0, default: 0 }),
  disputes: Type.Integer({ minimum: 0, default: 0 }),
  external_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
})
export const SALE_IMPORT_COLUMNS = ['anchor_id', 'product_id', 'quantity', 'sold_on']
export const SalesImportBody = Type.String({
  description:
    'CSV with a header line (anchor_id, product_id, quantity, sold_on; optional amount, currency, returned_quantity, disputes, external_id) or JSON lines with the same fields',
})

export type SaleImportRowValue = Static<typeof SaleImportRow>
