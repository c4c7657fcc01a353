import { Type, type Static } from 'typebox'
import {
  Body,
  exampleId,
  exampleOf,
  Id,
  named,
  Nullable,
  Page,
  PageQuery,
  ref,
  StringEnum,
  Timestamp,
} from '../../lib/schemas.js'
import { brandTiers, supplierKinds, supplierStatuses } from './tables.js'

export const SupplierKind = StringEnum(supplierKinds, { description: 'brand, merchant, factory or farmer' })
export const BrandTier = StringEnum(brandTiers, { description: '高端 premium, 成熟 mature or 新兴 emerging' })
export type BrandTier = Static<typeof BrandTier>
export const SupplierStatus = StringEnum(supplierStatuses, {
  description: 'applied → admitted; below the elimination threshold → probation → eliminated (淘汰)',
})
export const DocumentKind = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '^[a-z0-9_.-]+$',
  description: 'A document kind such as business_license or food_permit',
})
export const Score = Type.Number({ minimum: 0, maximum: 100 })
export const Rate = Type.Number({ minimum: 0, maximum: 1 })

export const SupplierContact = named(
  'SupplierContact',
  Type.Object(
    {
      name: Type.String({ minLength: 1, maxLength: 200 }),
      role: Type.Optional(Type.String({ maxLength: 100 })),
      phone: Type.Optional(Type.String({ maxLength: 50 })),
      email: Type.Optional(Type.String({ format: 'email', maxLength: 320 })),
    },
    { additionalProperties: false },
  ),
  { name: '李娜 Li Na', role: 'sales manager', phone: '+86 871 6512 3456', email: 'lina@yunlingtea.example.com' },
)

export const Reputation = named(
  'Reputation',
  Type.Object(
    {
      score: Nullable(Score),
      components: Nullable(
        Type.Object({
          inspections: Nullable(Score),
          surveys: Nullable(Score),
          returns: Nullable(Score),
          disputes: Nullable(Score),
          inspection_count: Type.Integer(),
          survey_respondents: Type.Integer(),
          units_sold: Type.Integer(),
          return_rate: Nullable(Rate),
          dispute_rate: Nullable(Rate),
        }),
      ),
      computed_at: Nullable(Timestamp),
    },
    { description: 'Recomputed by the governance review from inspections, surveys, return and dispute rates' },
  ),
  {
    score: 78.6,
    components: {
      inspections: 85,
      surveys: 82.5,
      returns: 71.2,
      disputes: 90,
      inspection_count: 4,
      survey_respondents: 312,
      units_sold: 1840,
      return_rate: 0.036,
      dispute_rate: 0.004,
    },
    computed_at: '2026-11-30T02:00:04.517Z',
  },
)

export const Supplier = named(
  'Supplier',
  Type.Object({
    id: Id('sup'),
    name: Type.String(),
    kind: SupplierKind,
    micro: Type.Boolean({ description: '小微供应源 (micro supplier): boosted in selection' }),
    brand_tier: BrandTier,
    contacts: Type.Array(ref(SupplierContact)),
    documents: Type.Array(Type.String()),
    status: SupplierStatus,
    reputation: ref(Reputation),
    probation_since: Nullable(Timestamp),
    eliminated_at: Nullable(Timestamp),
    version: Type.Integer(),
    created_at: Timestamp,
    updated_at: Timestamp,
  }),
  {
    id: exampleId('sup'),
    name: '云岭茶业 Yunling Tea',
    kind: 'farmer',
    micro: true,
    brand_tier: 'mature',
    contacts: [exampleOf(SupplierContact)!],
    documents: ['business_license', 'food_permit'],
    status: 'admitted',
    reputation: exampleOf(Reputation)!,
    probation_since: null,
    eliminated_at: null,
    version: 2,
    created_at: '2026-11-28T00:58:41.067Z',
    updated_at: '2026-11-29T06:30:12.904Z',
  },
)
export const SupplierList = Page(Supplier)

export const CreateSupplier = named(
  'CreateSupplier',
  Body({
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: SupplierKind,
    micro: Type.Optional(Type.Boolean({ default: false })),
    brand_tier: BrandTier,
    contacts: Type.Optional(Type.Array(ref(SupplierContact), { maxItems: 20 })),
    documents: Type.Optional(Type.Array(DocumentKind, { maxItems: 50, uniqueItems: true })),
    status: Type.Optional(
      StringEnum(['applied', 'admitted'] as const, {
        description:
          'applied (default) goes through admission criteria; admitted skips them, for suppliers onboarded elsewhere',
      }),
    ),
  }),
  {
    name: '云岭茶业 Yunling Tea',
    kind: 'farmer',
    micro: true,
    brand_tier: 'mature',
    contacts: [exampleOf(SupplierContact)!],
    documents: ['business_license', 'food_permit'],
  },
)
export const UpdateSupplier = named(
  'UpdateSupplier',
  Body({
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    kind: Type.Optional(SupplierKind),
    micro: Type.Optional(Type.Boolean()),
    brand_tier: Type.Optional(BrandTier),
    contacts: Type.Optional(Type.Array(ref(SupplierContact), { maxItems: 20 })),
    documents: Type.Optional(Type.Array(DocumentKind, { maxItems: 50, uniqueItems: true })),
  }),
  { contacts: [exampleOf(SupplierContact)!, { name: '王磊 Wang Lei', role: 'logistics', phone: '+86 871 6512 3457' }] },
)
export const SupplierListQuery = Type.Object(
  {
    ...PageQuery.properties,
    status: Type.Optional(SupplierStatus),
    kind: Type.Optional(SupplierKind),
    brand_tier: Type.Optional(BrandTier),
  },
  { additionalProperties: false },
)

export type CreateSupplierInput = Static<typeof CreateSupplier>
export type UpdateSupplierInput = Static<typeof UpdateSupplier>
