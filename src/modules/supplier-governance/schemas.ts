import { Type, type Static } from 'typebox'
import {
  Body,
  DateOnly,
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
import { BrandTier, DocumentKind, Rate, Score, SupplierKind } from '../suppliers/index.js'

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
  {
    id: exampleId('crt'),
    name: '2026 tea suppliers',
    required_documents: ['business_license', 'food_permit'],
    min_inspection_score: 70,
    min_survey_score: null,
    min_reputation: 60,
    max_return_rate: 0.1,
    max_dispute_rate: 0.02,
    allowed_kinds: null,
    allowed_brand_tiers: ['premium', 'mature', 'emerging'],
    active: true,
    version: 1,
    created_at: '2026-11-28T00:40:17.250Z',
    updated_at: '2026-11-28T00:40:17.250Z',
  },
)
export const AdmissionCriteriaList = Page(AdmissionCriteria)
const optionalCriteria = Object.fromEntries(Object.entries(criteriaFields).map(([k, v]) => [k, Type.Optional(v)])) as {
  [K in keyof typeof criteriaFields]: ReturnType<typeof Type.Optional<(typeof criteriaFields)[K]>>
}
export const CreateAdmissionCriteria = named(
  'CreateAdmissionCriteria',
  Body({ name: Type.String({ minLength: 1, maxLength: 200 }), ...optionalCriteria }),
  {
    name: '2026 tea suppliers',
    required_documents: ['business_license', 'food_permit'],
    min_inspection_score: 70,
    min_reputation: 60,
    max_return_rate: 0.1,
    max_dispute_rate: 0.02,
  },
)
export const UpdateAdmissionCriteria = named(
  'UpdateAdmissionCriteria',
  Body({
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    ...optionalCriteria,
    active: Type.Optional(Type.Boolean()),
  }),
  { min_inspection_score: 75, max_return_rate: 0.08 },
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
  {
    criterion: 'min_inspection_score',
    detail: 'inspection score 55 is below the minimum 70',
    expected: 70,
    actual: 55,
  },
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
  {
    id: exampleId('apl'),
    supplier_id: exampleId('sup', 2),
    criteria_id: exampleId('crt'),
    status: 'refused',
    failures: [exampleOf(CriterionFailure)!],
    evidence: {
      documents: ['business_license', 'food_permit'],
      kind: 'farmer',
      brand_tier: 'emerging',
      inspection_score: 55,
      inspection_count: 1,
      survey_score: null,
      reputation: 55,
      return_rate: null,
      dispute_rate: null,
      units_sold: 0,
    },
    created_at: '2026-11-29T06:30:12.904Z',
  },
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
  { criteria_id: exampleId('crt'), documents: ['business_license', 'food_permit'] },
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
  {
    id: exampleId('insp'),
    supplier_id: exampleId('sup'),
    product_id: exampleId('prd'),
    inspected_on: '2026-11-27',
    result: 'pass',
    score: 85,
    defects: [{ code: 'label_print', severity: 'minor', description: 'Batch number smudged on 2 of 20 samples' }],
    notes: 'Moisture and pesticide residue within limits',
    created_at: '2026-11-27T08:22:31.019Z',
  },
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
  {
    product_id: exampleId('prd'),
    inspected_on: '2026-11-27',
    result: 'pass',
    score: 85,
    defects: [{ code: 'label_print', severity: 'minor', description: 'Batch number smudged on 2 of 20 samples' }],
    notes: 'Moisture and pesticide residue within limits',
  },
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
  {
    id: exampleId('srv'),
    supplier_id: exampleId('sup'),
    product_id: exampleId('prd'),
    surveyed_on: '2026-11-29',
    respondents: 312,
    ratings: { quality: 4.6, description_match: 4.4, logistics: 4.2, service: 4.8 },
    score: 87.5,
    comments: 'Buyers praise the taste; a few found delivery slow',
    created_at: '2026-11-29T11:03:48.602Z',
  },
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
  {
    product_id: exampleId('prd'),
    surveyed_on: '2026-11-29',
    respondents: 312,
    ratings: { quality: 4.6, description_match: 4.4, logistics: 4.2, service: 4.8 },
    comments: 'Buyers praise the taste; a few found delivery slow',
  },
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
        {
          additionalProperties: false,
          description:
            'surveys weighs imported surveys together with buyers’ reviews of order lines: a review is one respondent scoring (rating − 1) × 25',
        },
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
  {
    elimination_threshold: 60,
    window_days: 180,
    weights: { inspections: 0.4, surveys: 0.3, returns: 0.15, disputes: 0.15 },
    return_rate_ceiling: 0.3,
    dispute_rate_ceiling: 0.05,
    min_units_for_rates: 20,
    version: 2,
    updated_at: '2026-11-28T00:45:09.733Z',
  },
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
  { elimination_threshold: 65, weights: { inspections: 0.35, surveys: 0.35 } },
)

export type CreateAdmissionCriteriaInput = Static<typeof CreateAdmissionCriteria>
export type UpdateAdmissionCriteriaInput = Static<typeof UpdateAdmissionCriteria>
export type CreateInspectionInput = Static<typeof CreateInspection>
export type CreateSurveyInput = Static<typeof CreateSurvey>
export type UpdateSupplierPolicyInput = Static<typeof UpdateSupplierPolicy>
