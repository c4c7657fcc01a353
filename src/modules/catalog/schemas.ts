import { Type, type Static } from 'typebox'
import { Body, Id, Money, named, Page, PageQuery, ref, StringEnum, Timestamp } from '../../lib/schemas.js'
import { BrandTier } from '../suppliers/index.js'

const Attributes = Type.Record(
  Type.String({ maxLength: 100 }),
  Type.Union([Type.String({ maxLength: 1000 }), Type.Number(), Type.Boolean()]),
  { description: 'Free attributes such as material or origin', maxProperties: 100 },
)
const ImageUrl = Type.String({ format: 'uri', pattern: '^https?://', maxLength: 2000 })
const Category = Type.String({
  minLength: 1,
  maxLength: 100,
  description: 'A category such as beauty, food or apparel',
})
const Rate = Type.Number({ minimum: 0, maximum: 1 })
const ProductStatus = StringEnum(['active', 'archived'] as const)

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
)
export const UpdateSku = named(
  'UpdateSku',
  Body({
    attributes: Type.Optional(Attributes),
    price: Type.Optional(ref(Money)),
    stock: Type.Optional(Type.Integer({ minimum: 0 })),
  }),
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
  list_price: Type.Integer({ minimum: 0 }),
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
export const ImportBody = Type.String({
  description:
    'CSV with a header line (columns external_id, supplier_id, title, category, list_price, currency, commission_rate; optional stock, repurchase_rate, brand_tier, images, attributes, status), or JSON lines with the same fields',
})

export type CreateProductInput = Static<typeof CreateProduct>
export type UpdateProductInput = Static<typeof UpdateProduct>
export type CreateSkuInput = Static<typeof CreateSku>
export type UpdateSkuInput = Static<typeof UpdateSku>
export type ProductImportRowValue = Static<typeof ProductImportRow>
