import { Type, type Static } from 'typebox'
import { exampleId, Id, Money, named, Page, PageQuery, ref, Timestamp } from '../../lib/schemas.js'

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
      order_item_id: Type.Union([Id('oit'), Type.Null()], {
        description: 'Set on a sale recorded from a paid order (null: imported history)',
      }),
      superseded: Type.Boolean({
        description:
          'An imported sale on or after the anchor’s first paid order: the orders have that day, so it no longer counts',
      }),
      created_at: Timestamp,
    },
    {
      description:
        'A sale: imported history, or a line of a paid order with its returns and disputes; feeds anchor tiers, audience fit, diversity, exposure and supplier return and dispute rates',
    },
  ),
  {
    id: exampleId('sal'),
    anchor_id: exampleId('anc'),
    product_id: exampleId('prd'),
    product_title: '云南普洱 2019',
    category: 'tea',
    quantity: 3,
    amount: { amount: 11970, currency: 'CNY' },
    returned_quantity: 0,
    disputes: 0,
    sold_on: '2026-11-30',
    external_id: 'ORDER-1001',
    order_item_id: null,
    superseded: false,
    created_at: '2026-11-30T12:04:19.377Z',
  },
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
  amount: Type.Optional(Type.Integer({ minimum: 0, description: 'Integer minor units of the product’s currency' })),
  currency: Type.Optional(Type.String({ pattern: '^[A-Z]{3}$' })),
  returned_quantity: Type.Integer({ minimum: 0, default: 0 }),
  disputes: Type.Integer({ minimum: 0, default: 0 }),
  external_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
})
export const SALE_IMPORT_COLUMNS = ['anchor_id', 'product_id', 'quantity', 'sold_on']
/** Every column of the sales import, required ones first: the template's header. */
export const SALE_IMPORT_TEMPLATE_COLUMNS = [
  ...SALE_IMPORT_COLUMNS,
  'amount',
  'currency',
  'returned_quantity',
  'disputes',
  'external_id',
]
/** The template's example row, and the import operation's request example in CSV and JSON lines. */
export const SALE_IMPORT_EXAMPLE = {
  anchor_id: exampleId('anc'),
  product_id: exampleId('prd'),
  quantity: 3,
  sold_on: '2026-11-30',
  amount: 11970,
  currency: 'CNY',
  returned_quantity: 0,
  disputes: 0,
  external_id: 'ORDER-1001',
} satisfies SaleImportRowValue

export const SALE_IMPORT_FORMAT = `Send the file as the body with \`content-type: text/csv\` (a header line, then one sale per line; UTF-8; comma-separated, RFC 4180 quoting) or \`application/x-ndjson\` (one JSON object per line with the same fields). Download a template from \`GET /v1/anchor-sales/imports/template\`.

| column | type | required | notes |
|---|---|---|---|
| anchor_id | id \`anc_…\` | yes | an anchor of your organization |
| product_id | id \`prd_…\` | yes | a product of your catalog or of a pool shared with you |
| quantity | integer ≥ 1 | yes | \`1.5\` is a row error |
| sold_on | date, YYYY-MM-DD | yes | |
| amount | integer ≥ 0, **minor units** | no | fen for CNY (119.70 CNY is \`11970\`); defaults to the product's list price × quantity; a decimal is a row error, never rounded |
| currency | ISO 4217 code | no | when given, must be the product's |
| returned_quantity | integer ≥ 0 | no (0) | at most quantity |
| disputes | integer ≥ 0 | no (0) | |
| external_id | string, 1–200 | no | your order line's code; a sale is recorded once per external_id |

An empty CSV cell means "not given". With \`?dry_run=true\` every row is validated and reported and nothing is written. The job ends \`succeeded\` when every row was imported, \`completed_with_errors\` when some were, \`failed\` when none; \`errors\` lists each failing row by \`line\` (CSV: counting the header) with a \`pointer\` (e.g. \`/quantity\`) and a \`detail\`.`

export const SalesImportBody = Type.String({
  description:
    'CSV with a header line (anchor_id, product_id, quantity, sold_on; optional amount, currency, returned_quantity, disputes, external_id) or JSON lines with the same fields; amount in integer minor units',
})

export type SaleImportRowValue = Static<typeof SaleImportRow>
