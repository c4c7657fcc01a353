import { Type, type Static } from 'typebox'
import { Body, Id, Money, named, Page, PageQuery, ref, StringEnum, Timestamp } from '../../lib/schemas.js'

const Share = Type.Number({ minimum: 0, maximum: 1 })
export const PlatformHandle = Type.Object(
  {
    platform: Type.String({ minLength: 1, maxLength: 50, description: 'douyin, kuaishou, taobao, wechat_channels, …' }),
    handle: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
)
export const AudienceProfile = named(
  'AudienceProfile',
  Type.Object(
    {
      interests: Type.Array(
        Type.Object(
          { category: Type.String({ minLength: 1, maxLength: 100 }), weight: Share },
          { additionalProperties: false },
        ),
        { maxItems: 50, description: 'Categories the audience buys, weighted 0–1; drives audience fit' },
      ),
      female_share: Type.Optional(Share),
      age_bands: Type.Optional(
        Type.Array(
          Type.Object({ band: Type.String({ maxLength: 20 }), share: Share }, { additionalProperties: false }),
          { maxItems: 20 },
        ),
      ),
      regions: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 })),
    },
    { additionalProperties: false },
  ),
)
const Categories = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
  maxItems: 50,
  uniqueItems: true,
  description: 'Categories the anchor covers',
})

export const Anchor = named(
  'Anchor',
  Type.Object(
    {
      id: Id('anc'),
      name: Type.String(),
      platform_handles: Type.Array(PlatformHandle),
      categories: Type.Array(Type.String()),
      audience: ref(AudienceProfile),
      status: StringEnum(['active', 'inactive'] as const),
      version: Type.Integer(),
      created_at: Timestamp,
      updated_at: Timestamp,
    },
    { description: '主播: the subject of recommendations' },
  ),
)
export const AnchorList = Page(Anchor)
export const CreateAnchor = named(
  'CreateAnchor',
  Body({
    name: Type.String({ minLength: 1, maxLength: 200 }),
    platform_handles: Type.Optional(Type.Array(PlatformHandle, { maxItems: 20 })),
    categories: Type.Optional(Categories),
    audience: Type.Optional(ref(AudienceProfile)),
  }),
)
export const UpdateAnchor = named(
  'UpdateAnchor',
  Body({
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    platform_handles: Type.Optional(Type.Array(PlatformHandle, { maxItems: 20 })),
    categories: Type.Optional(Categories),
    audience: Type.Optional(ref(AudienceProfile)),
    status: Type.Optional(StringEnum(['active', 'inactive'] as const)),
  }),
)

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

export type CreateAnchorInput = Static<typeof CreateAnchor>
export type UpdateAnchorInput = Static<typeof UpdateAnchor>
export type SaleImportRowValue = Static<typeof SaleImportRow>
