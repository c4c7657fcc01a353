import { Type, type Static } from 'typebox'
import { Body, exampleId, Id, Money, named, Page, PageQuery, ref, StringEnum, Timestamp } from '../../lib/schemas.js'
import { BrandTier } from '../suppliers/index.js'

/**
 * One `type` list rather than a union: the request validator coerces types, and under a
 * union Ajv coerces to the first branch (string), so 500 and true came back as "500" and
 * "true". With a type list Ajv coerces only a value that is none of the types.
 */
const AttributeValue = Type.Unsafe<string | number | boolean>({
  type: ['string', 'number', 'boolean'],
  maxLength: 1000,
  description: 'A string (at most 1000 characters), a number or a boolean; kept as given',
})
const Attributes = Type.Record(Type.String({ maxLength: 100 }), AttributeValue, {
  description: 'Free attributes such as material or origin',
  maxProperties: 100,
})
const ImageUrl = Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000 })
const Category = Type.String({
  minLength: 1,
  maxLength: 100,
  description: 'A category such as beauty, food or apparel',
})
const Rate = Type.Number({ minimum: 0, maximum: 1 })
const ProductStatus = StringEnum(['active', 'archived'] as const)

/** The product a newcomer creates in the examples; the Product example is it as stored. */
const newProductExample = {
  supplier_id: exampleId('sup'),
  external_id: 'PUER-2019',
  title: '云南普洱 2019',
  category: 'tea',
  attributes: { weight_g: 500, organic: true, origin: 'Yunnan' },
  images: ['https://img.example.com/a.jpg', 'https://img.example.com/b.jpg'],
  list_price: { amount: 3990, currency: 'CNY' },
  stock: 120,
  commission_rate: 0.2,
  repurchase_rate: 0.35,
}

export const Product = named(
  'Product',
  Type.Object({
    id: Id('prd'),
    supplier_id: Id('sup'),
    external_id: Type.Union([Type.String(), Type.Null()], {
      description: 'The merchant’s own code; imports upsert on it',
    }),
    title: Type.String(),
    category: Type.String(),
    attributes: Attributes,
    images: Type.Array(Type.String()),
    list_price: ref(Money),
    stock: Type.Integer({ description: 'Units available; the sum of the SKUs’ stock once the product has SKUs' }),
    commission_rate: Type.Number({ description: 'Share of the price paid to the anchor, 0–1' }),
    repurchase_rate: Type.Union([Type.Number(), Type.Null()], { description: '复购率, 0–1' }),
    brand_tier: BrandTier,
    status: ProductStatus,
    version: Type.Integer(),
    created_at: Timestamp,
    updated_at: Timestamp,
  }),
  {
    id: exampleId('prd'),
    ...newProductExample,
    brand_tier: 'mature',
    status: 'active',
    version: 3,
    created_at: '2026-11-28T01:02:11.482Z',
    updated_at: '2026-11-30T09:41:27.105Z',
  },
)
export const ProductList = Page(Product)

export const CreateProduct = named(
  'CreateProduct',
  Body(
    {
      supplier_id: Id('sup'),
      external_id: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      title: Type.String({ minLength: 1, maxLength: 500 }),
      category: Category,
      attributes: Type.Optional(Attributes),
      images: Type.Optional(Type.Array(ImageUrl, { maxItems: 30 })),
      list_price: ref(Money),
      stock: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
      commission_rate: Rate,
      repurchase_rate: Type.Optional(Rate),
      brand_tier: Type.Optional(BrandTier),
    },
    { description: 'brand_tier defaults to the supplier’s' },
  ),
  newProductExample,
)
export const UpdateProduct = named(
  'UpdateProduct',
  Body({
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    category: Type.Optional(Category),
    attributes: Type.Optional(Attributes),
    images: Type.Optional(Type.Array(ImageUrl, { maxItems: 30 })),
    list_price: Type.Optional(ref(Money)),
    stock: Type.Optional(Type.Integer({ minimum: 0 })),
    commission_rate: Type.Optional(Rate),
    repurchase_rate: Type.Optional(Type.Union([Rate, Type.Null()])),
    brand_tier: Type.Optional(BrandTier),
    status: Type.Optional(ProductStatus),
  }),
  { list_price: { amount: 3590, currency: 'CNY' }, stock: 80 },
)
export const ProductListQuery = Type.Object(
  {
    ...PageQuery.properties,
    category: Type.Optional(Type.String({ maxLength: 100 })),
    supplier_id: Type.Optional(Id('sup')),
    status: Type.Optional(ProductStatus),
  },
  { additionalProperties: false },
)

export const Sku = named(
  'Sku',
  Type.Object({
    id: Id('sku'),
    product_id: Id('prd'),
    code: Type.String(),
    attributes: Attributes,
    price: ref(Money),
    stock: Type.Integer(),
    version: Type.Integer(),
    created_at: Timestamp,
    updated_at: Timestamp,
  }),
  {
    id: exampleId('sku'),
    product_id: exampleId('prd'),
    code: 'PUER-2019-500G',
    attributes: { weight_g: 500, packaging: 'gift box' },
    price: { amount: 3990, currency: 'CNY' },
    stock: 120,
    version: 1,
    created_at: '2026-11-28T01:05:40.913Z',
    updated_at: '2026-11-28T01:05:40.913Z',
  },
)
export const SkuList = Page(Sku)
export const CreateSku = named(
  'CreateSku',
  Body(
    {
      code: Type.String({ minLength: 1, maxLength: 200 }),
      attributes: Type.Optional(Attributes),
      price: ref(Money),
      stock: Type.Integer({ minimum: 0 }),
    },
    { description: 'The price’s currency must be the product’s' },
  ),
  {
    code: 'PUER-2019-500G',
    attributes: { weight_g: 500, packaging: 'gift box' },
    price: { amount: 3990, currency: 'CNY' },
    stock: 120,
  },
)
export const UpdateSku = named(
  'UpdateSku',
  Body({
    attributes: Type.Optional(Attributes),
    price: Type.Optional(ref(Money)),
    stock: Type.Optional(Type.Integer({ minimum: 0 })),
  }),
  { price: { amount: 3690, currency: 'CNY' }, stock: 60 },
)

/**
 * One row of a product import (CSV columns or a JSON line). In CSV, `images` is a
 * `|`-separated list and `attributes` a JSON object.
 */
export const ProductImportRow = Type.Object({
  external_id: Type.String({ minLength: 1, maxLength: 200 }),
  supplier_id: Id('sup'),
  title: Type.String({ minLength: 1, maxLength: 500 }),
  category: Category,
  list_price: Type.Integer({ minimum: 0, description: 'Integer minor units of currency' }),
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  stock: Type.Integer({ minimum: 0, default: 0 }),
  commission_rate: Rate,
  repurchase_rate: Type.Optional(Rate),
  brand_tier: Type.Optional(BrandTier),
  images: Type.Optional(Type.Union([Type.Array(ImageUrl, { maxItems: 30 }), Type.String({ maxLength: 60000 })])),
  attributes: Type.Optional(Type.Union([Attributes, Type.String({ maxLength: 60000 })])),
  status: Type.Optional(ProductStatus),
})
export const PRODUCT_IMPORT_COLUMNS = [
  'external_id',
  'supplier_id',
  'title',
  'category',
  'list_price',
  'currency',
  'commission_rate',
]
/** Every column of the product import, required ones first: the template's header. */
export const PRODUCT_IMPORT_TEMPLATE_COLUMNS = [
  ...PRODUCT_IMPORT_COLUMNS,
  'stock',
  'repurchase_rate',
  'brand_tier',
  'images',
  'attributes',
  'status',
]
/** The template's example row, and the import operation's request example in CSV and JSON lines. */
export const PRODUCT_IMPORT_EXAMPLE = {
  external_id: 'PUER-2019',
  supplier_id: exampleId('sup'),
  title: '云南普洱 2019',
  category: 'tea',
  list_price: 3990,
  currency: 'CNY',
  commission_rate: 0.2,
  stock: 100,
  repurchase_rate: 0.35,
  brand_tier: 'mature',
  images: ['https://img.example.com/a.jpg', 'https://img.example.com/b.jpg'],
  attributes: { weight_g: 500, organic: true, origin: 'Yunnan' },
  status: 'active',
} satisfies ProductImportRowValue

export const PRODUCT_IMPORT_FORMAT = `Send the file as the body with \`content-type: text/csv\` (a header line, then one product per line; UTF-8; comma-separated, RFC 4180 quoting) or \`application/x-ndjson\` (one JSON object per line with the same fields). Rows upsert on \`external_id\`. Download a template from \`GET /v1/products/imports/template\`.

| column | type | required | notes |
|---|---|---|---|
| external_id | string, 1–200 | yes | your own code; a second row with the same value in one file is a row error |
| supplier_id | id \`sup_…\` | yes | a supplier of your organization |
| title | string, 1–500 | yes | |
| category | string, 1–100 | yes | e.g. beauty, food, tea |
| list_price | integer, **minor units** | yes | fen for CNY (39.90 CNY is \`3990\`), yen for JPY, fils for KWD; a decimal such as \`39.90\` is a row error, never rounded |
| currency | ISO 4217 code | yes | e.g. CNY |
| commission_rate | number 0–1 | yes | share of the price paid to the anchor |
| stock | integer ≥ 0 | no (0) | units available; \`3.5\` is a row error |
| repurchase_rate | number 0–1 | no | 复购率 |
| brand_tier | premium, mature, emerging | no | defaults to the supplier's |
| images | http(s) URLs | no | CSV: separated by \`|\`; JSON lines: an array |
| attributes | JSON object | no | values are strings, numbers or booleans and keep their type; CSV: the object as JSON text in one quoted cell, e.g. \`"{""weight_g"":500,""organic"":true}"\` |
| status | active, archived | no (active) | |

An empty CSV cell means "not given". With \`?dry_run=true\` every row is validated and reported and nothing is written. The job ends \`succeeded\` when every row was imported, \`completed_with_errors\` when some were, \`failed\` when none; \`errors\` lists each failing row by \`line\` (CSV: counting the header) with a \`pointer\` (e.g. \`/list_price\`) and a \`detail\`.`

export const ImportBody = Type.String({
  description:
    'CSV with a header line (columns external_id, supplier_id, title, category, list_price, currency, commission_rate; optional stock, repurchase_rate, brand_tier, images, attributes, status), or JSON lines with the same fields; list_price in integer minor units',
})

export type CreateProductInput = Static<typeof CreateProduct>
export type UpdateProductInput = Static<typeof UpdateProduct>
export type CreateSkuInput = Static<typeof CreateSku>
export type UpdateSkuInput = Static<typeof UpdateSku>
export type ProductImportRowValue = Static<typeof ProductImportRow>
