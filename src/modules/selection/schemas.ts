import { Type, type Static } from 'typebox'
import { Body, exampleId, exampleOf, Id, Money, named, ref, StringEnum, Timestamp } from '../../lib/schemas.js'
import { BrandTier } from '../suppliers/index.js'
import { defaultSelectionSettings, scoreParts } from './weights.js'

const Weight = Type.Number({ minimum: 0, maximum: 1 })
const partsObject = (description: string, value = Type.Number()) =>
  Type.Object(
    Object.fromEntries(scoreParts.map((p) => [p, value])) as Record<(typeof scoreParts)[number], typeof value>,
    { description },
  )

export const SelectionWeights = named(
  'SelectionWeights',
  Type.Object(
    {
      weights: partsObject('Weight of each score part', Weight),
      max_category_share: Type.Number({
        minimum: 0.05,
        maximum: 1,
        description: 'No category takes more of a result list than this while others have candidates',
      }),
      version: Type.Integer(),
      updated_at: Type.Union([Timestamp, Type.Null()]),
    },
    {
      description:
        'Per-MCN recommendation weights. Defaults: audience_fit 0.3, supplier_quality 0.2, expected_margin 0.2, long_term_value 0.15, diversity 0.15, micro_supplier_boost 0.1 (a micro supplier’s product gains 0.1), exposure_fairness 0.1; max_category_share 0.5.',
    },
  ),
  {
    ...defaultSelectionSettings(),
    version: 1,
    updated_at: '2026-11-28T05:00:31.446Z',
  },
)
export const UpdateSelectionWeights = named(
  'UpdateSelectionWeights',
  Body({
    weights: Type.Optional(
      Type.Object(
        Object.fromEntries(scoreParts.map((p) => [p, Type.Optional(Weight)])) as Record<
          (typeof scoreParts)[number],
          ReturnType<typeof Type.Optional<typeof Weight>>
        >,
        { additionalProperties: false },
      ),
    ),
    max_category_share: Type.Optional(Type.Number({ minimum: 0.05, maximum: 1 })),
  }),
  { weights: { audience_fit: 0.35, micro_supplier_boost: 0.15 }, max_category_share: 0.4 },
)

export const Recommendation = named(
  'Recommendation',
  Type.Object({
    rank: Type.Integer({ minimum: 1 }),
    product_id: Id('prd'),
    title: Type.String(),
    category: Type.String(),
    brand_tier: BrandTier,
    supplier_id: Id('sup'),
    micro_supplier: Type.Boolean(),
    price: ref(Money),
    list_price: ref(Money),
    commission_rate: Type.Number(),
    expected_commission: ref(Money),
    pool_ids: Type.Array(Id('pool'), { description: 'The pools the anchor can draw it from' }),
    supply_limit: Type.Union([Type.Integer(), Type.Null()]),
    stock: Type.Integer(),
    owner_organization_id: Type.Union([Id('org'), Type.Null()], {
      description: 'Set when the product comes from a pool another organization shared',
    }),
    score: Type.Number({ description: 'The sum of score_breakdown' }),
    score_breakdown: partsObject('Each part’s contribution: its weight × its value'),
    parts: partsObject(
      'Each part’s value before weighting: 0–1, or −1–0 for the diversity and exposure_fairness penalties',
    ),
    near_duplicate_of: Type.Union([Id('prd'), Type.Null()], {
      description: 'A product the anchor sold recently, or one higher on this list, that this one closely resembles',
    }),
  }),
  {
    rank: 1,
    product_id: exampleId('prd'),
    title: '云南普洱 2019',
    category: 'tea',
    brand_tier: 'mature',
    supplier_id: exampleId('sup'),
    micro_supplier: true,
    price: { amount: 3290, currency: 'CNY' },
    list_price: { amount: 3990, currency: 'CNY' },
    commission_rate: 0.2,
    expected_commission: { amount: 658, currency: 'CNY' },
    pool_ids: [exampleId('pool')],
    supply_limit: 500,
    stock: 120,
    owner_organization_id: null,
    score: 0.6121,
    score_breakdown: {
      audience_fit: 0.246,
      supplier_quality: 0.1572,
      expected_margin: 0.0764,
      long_term_value: 0.0525,
      diversity: -0.015,
      micro_supplier_boost: 0.1,
      exposure_fairness: -0.005,
    },
    parts: {
      audience_fit: 0.82,
      supplier_quality: 0.786,
      expected_margin: 0.3819,
      long_term_value: 0.35,
      diversity: -0.1,
      micro_supplier_boost: 1,
      exposure_fairness: -0.05,
    },
    near_duplicate_of: null,
  },
)
export const RecommendationList = named(
  'RecommendationList',
  Type.Object({
    anchor_id: Id('anc'),
    weights: partsObject('The weights used', Weight),
    max_category_share: Type.Number(),
    candidates_considered: Type.Integer(),
    data: Type.Array(ref(Recommendation)),
    generated_at: Type.String({
      format: 'date-time',
      description:
        'When this ranking was computed (RFC 3339, UTC). A ranking may be answered again for up to 5 minutes, and only while none of the data it was computed from has changed.',
    }),
  }),
  {
    anchor_id: exampleId('anc'),
    ...defaultSelectionSettings(),
    candidates_considered: 148,
    data: [exampleOf(Recommendation)!],
    generated_at: '2026-11-30T10:20:00.512Z',
  },
)
export const RecommendationQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    category: Type.Optional(Type.String({ maxLength: 100, description: 'Only products of this category' })),
    pool_id: Type.Optional(Id('pool')),
  },
  { additionalProperties: false },
)

const Finding = Type.Object({
  code: Type.String(),
  severity: StringEnum(['warning', 'violation'] as const),
  message: Type.String(),
})
export const BrandTierCheck = named(
  'BrandTierCheck',
  Type.Object({
    product_id: Id('prd'),
    brand_tier: BrandTier,
    list_price: ref(Money),
    planned_price: ref(Money),
    discount_rate: Type.Number({ description: '1 − planned / list' }),
    verdict: StringEnum(['ok', 'warning', 'rejected'] as const, {
      description: 'rejected when any finding is a violation',
    }),
    findings: Type.Array(Finding),
    policy: Type.Record(Type.String(), Type.Unknown(), {
      description: 'The rules of the product’s tier that were applied',
    }),
  }),
  {
    product_id: exampleId('prd'),
    brand_tier: 'mature',
    list_price: { amount: 3990, currency: 'CNY' },
    planned_price: { amount: 3790, currency: 'CNY' },
    discount_rate: 0.0501,
    verdict: 'warning',
    findings: [
      {
        code: 'discount_below_band',
        severity: 'warning',
        message: 'A 5% discount is below the 10%–30% band for mature brands.',
      },
    ],
    policy: { min_discount: 0.1, max_discount: 0.3 },
  },
)
export const CreateBrandTierCheck = named(
  'CreateBrandTierCheck',
  Body(
    {
      product_id: Id('prd'),
      planned_price: ref(Money),
      planned_quantity: Type.Optional(Type.Integer({ minimum: 1 })),
      gift: Type.Optional(
        Type.Object(
          { description: Type.String({ minLength: 1, maxLength: 500 }), value: Type.Optional(ref(Money)) },
          { additionalProperties: false },
        ),
      ),
      pool_id: Type.Optional(Id('pool')),
    },
    {
      description:
        'Premium: a discount above 10% is a violation, a discount without a gift a warning, supply above the pool’s limit (else 300 units) a violation. Mature: a discount outside 10–30% is a warning. Emerging: a discount below 15% is a warning (too weak to draw attention).',
    },
  ),
  {
    product_id: exampleId('prd'),
    planned_price: { amount: 3790, currency: 'CNY' },
    planned_quantity: 200,
    gift: { description: '50 g tasting sample', value: { amount: 500, currency: 'CNY' } },
    pool_id: exampleId('pool'),
  },
)

export type UpdateSelectionWeightsInput = Static<typeof UpdateSelectionWeights>
export type CreateBrandTierCheckInput = Static<typeof CreateBrandTierCheck>
