import { Type, type Static } from 'typebox'
import { Body, Id, named, Page, PageQuery, ref, StringEnum, Timestamp } from '../../lib/schemas.js'
import { brandTiers, supplierKinds, supplierStatuses } from '../catalog/tables.js'

export const SupplierKind = StringEnum(supplierKinds, { description: 'brand, merchant, factory or farmer' })
export const BrandTier = StringEnum(brandTiers, { description: '高端 premium, 成熟 mature or 新兴 emerging' })
export const SupplierStatus = StringEnum(supplierStatuses, {
  description: 'applied → admitted; below the elimination threshold → probation → eliminated (淘汰)',
})
const DocumentKind = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '^[a-z0-9_.-]+$',
  description: 'A document kind such as business_license or food_permit',
})
const DateOnly = Type.String({ format: 'date', description: 'Calendar date, YYYY-MM-DD' })
const Score = Type.Number({ minimum: 0, maximum: 100 })
const Rate = Type.Number({ minimum: 0, maximum: 1 })
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

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

// ── Admission ──

const criteriaFields = {
  required_documents: Type.Array(DocumentKind, {
    maxItems: 50,
    uniqueItems: true,
    description: 'Document kinds the supplier must have on file',
  }),
  min_inspection_score: Nullable(Score),
  min_survey_score: Nullable(Score),
  min_reputation: Nullable(Score),
  max_return_rate: Nullable(Rate),
  max_dispute_rate: Nullable(Rate),
  allowed_kinds: Nullable(Type.Array(SupplierKind, { uniqueItems: true })),
  allowed_brand_tiers: Nullable(Type.Array(BrandTier, { uniqueItems: true })),
}

export const AdmissionCriteria = named(
  'AdmissionCriteria',
  Type.Object(
    {
      id: Id('crt'),
      name: Type.String(),
      ...criteriaFields,
      active: Type.Boolean(),
      version: Type.Integer(),
      created_at: Timestamp,
      updated_at: Timestamp,
    },
    { description: '入围标准: each non-null rule is checked; null means not required' },
  ),
)
export const AdmissionCriteriaList = Page(AdmissionCriteria)
const optionalCriteria = Object.fromEntries(Object.entries(criteriaFields).map(([k, v]) => [k, Type.Optional(v)])) as {
  [K in keyof typeof criteriaFields]: ReturnType<typeof Type.Optional<(typeof criteriaFields)[K]>>
}
export const CreateAdmissionCriteria = named(
  'CreateAdmissionCriteria',
  Body({ name: Type.String({ minLength: 1, maxLength: 200 }), ...optionalCriteria }),
)
export const UpdateAdmissionCriteria = named(
  'UpdateAdmissionCriteria',
  Body({
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    ...optionalCriteria,
    active: Type.Optional(Type.Boolean()),
  }),
)

export const CriterionFailure = named(
  'CriterionFailure',
  Type.Object({
    criterion: StringEnum([
      'required_documents',
      'min_inspection_score',
      'min_survey_score',
      'min_reputation',
      'max_return_rate',
      'max_dispute_rate',
      'allowed_kinds',
      'allowed_brand_tiers',
    ] as const),
    detail: Type.String(),
    expected: Type.Unknown(),
    actual: Type.Unknown(),
  }),
)
export const SupplierApplication = named(
  'SupplierApplication',
  Type.Object({
    id: Id('apl'),
    supplier_id: Id('sup'),
    criteria_id: Id('crt'),
    status: StringEnum(['admitted', 'refused'] as const),
    failures: Type.Array(ref(CriterionFailure), {
      description: 'Every criterion the supplier failed; empty when admitted',
    }),
    evidence: Type.Record(Type.String(), Type.Unknown(), { description: 'What the check measured' }),
    created_at: Timestamp,
  }),
)
export const SupplierApplicationList = Page(SupplierApplication)
export const CreateSupplierApplication = named(
  'CreateSupplierApplication',
  Body({
    criteria_id: Id('crt'),
    documents: Type.Optional(
      Type.Array(DocumentKind, {
        maxItems: 50,
        uniqueItems: true,
        description: 'Documents submitted with the application; kept on file',
      }),
    ),
  }),
)

// ── Inspections and surveys ──

export const Defect = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 100 }),
    severity: StringEnum(['minor', 'major', 'critical'] as const),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
)
export const Inspection = named(
  'Inspection',
  Type.Object(
    {
      id: Id('insp'),
      supplier_id: Id('sup'),
      product_id: Nullable(Id('prd')),
      inspected_on: DateOnly,
      result: StringEnum(['pass', 'fail'] as const),
      score: Score,
      defects: Type.Array(Defect),
      notes: Nullable(Type.String()),
      created_at: Timestamp,
    },
    { description: '抽检: a spot inspection before sale' },
  ),
)
export const InspectionList = Page(Inspection)
export const CreateInspection = named(
  'CreateInspection',
  Body(
    {
      supplier_id: Type.Optional(Id('sup')),
      product_id: Type.Optional(Id('prd')),
      inspected_on: DateOnly,
      result: StringEnum(['pass', 'fail'] as const),
      score: Score,
      defects: Type.Optional(Type.Array(Defect, { maxItems: 100 })),
      notes: Type.Optional(Type.String({ maxLength: 5000 })),
    },
    { description: 'Give the product (its supplier is implied) or the supplier, or both when they agree' },
  ),
)

const Rating = Type.Number({ minimum: 1, maximum: 5 })
export const SurveyRatings = Type.Object(
  { quality: Rating, description_match: Rating, logistics: Rating, service: Rating },
  { additionalProperties: false, description: 'Mean buyer ratings, 1–5' },
)
export const Survey = named(
  'Survey',
  Type.Object(
    {
      id: Id('srv'),
      supplier_id: Id('sup'),
      product_id: Nullable(Id('prd')),
      surveyed_on: DateOnly,
      respondents: Type.Integer(),
      ratings: SurveyRatings,
      score: Type.Number({ description: 'Mean rating mapped to 0–100' }),
      comments: Nullable(Type.String()),
      created_at: Timestamp,
    },
    { description: '调查: buyers’ ratings after sale' },
  ),
)
export const SurveyList = Page(Survey)
export const CreateSurvey = named(
  'CreateSurvey',
  Body({
    supplier_id: Type.Optional(Id('sup')),
    product_id: Type.Optional(Id('prd')),
    surveyed_on: DateOnly,
    respondents: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
    ratings: SurveyRatings,
    comments: Type.Optional(Type.String({ maxLength: 5000 })),
  }),
)
export const QualityListQuery = Type.Object(
  { ...PageQuery.properties, supplier_id: Type.Optional(Id('sup')), product_id: Type.Optional(Id('prd')) },
  { additionalProperties: false },
)

// ── Supplier policy (reputation and elimination) ──

export const SupplierPolicy = named(
  'SupplierPolicy',
  Type.Object(
    {
      elimination_threshold: Score,
      window_days: Type.Integer({ minimum: 7, maximum: 730 }),
      weights: Type.Object(
        { inspections: Rate, surveys: Rate, returns: Rate, disputes: Rate },
        { additionalProperties: false },
      ),
      return_rate_ceiling: Type.Number({
        exclusiveMinimum: 0,
        maximum: 1,
        description: 'A return rate at or above this scores 0',
      }),
      dispute_rate_ceiling: Type.Number({
        exclusiveMinimum: 0,
        maximum: 1,
        description: 'A dispute rate at or above this scores 0',
      }),
      min_units_for_rates: Type.Integer({
        minimum: 1,
        description: 'Return and dispute rates count only once this many units were sold in the window',
      }),
      version: Type.Integer(),
      updated_at: Nullable(Timestamp),
    },
    { description: 'How reputation is computed and when a supplier goes on probation, then is eliminated' },
  ),
)
export const UpdateSupplierPolicy = named(
  'UpdateSupplierPolicy',
  Body({
    elimination_threshold: Type.Optional(Score),
    window_days: Type.Optional(Type.Integer({ minimum: 7, maximum: 730 })),
    weights: Type.Optional(
      Type.Object(
        {
          inspections: Type.Optional(Rate),
          surveys: Type.Optional(Rate),
          returns: Type.Optional(Rate),
          disputes: Type.Optional(Rate),
        },
        { additionalProperties: false },
      ),
    ),
    return_rate_ceiling: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
    dispute_rate_ceiling: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
    min_units_for_rates: Type.Optional(Type.Integer({ minimum: 1 })),
  }),
)

export type CreateSupplierInput = Static<typeof CreateSupplier>
export type UpdateSupplierInput = Static<typeof UpdateSupplier>
export type CreateAdmissionCriteriaInput = Static<typeof CreateAdmissionCriteria>
export type UpdateAdmissionCriteriaInput = Static<typeof UpdateAdmissionCriteria>
export type CreateInspectionInput = Static<typeof CreateInspection>
export type CreateSurveyInput = Static<typeof CreateSurvey>
export type UpdateSupplierPolicyInput = Static<typeof UpdateSupplierPolicy>
