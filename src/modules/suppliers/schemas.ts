import { Type, type Static } from 'typebox'
import { Body, Id, named, Nullable, Page, PageQuery, ref, StringEnum, Timestamp } from '../../lib/schemas.js'
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
