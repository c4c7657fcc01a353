import { date, doublePrecision, foreignKey, index, integer, jsonb, text, boolean, check } from 'drizzle-orm/pg-core'
import { sql } from 'drizzle-orm'
import { createdAt, tenantTable, versioned } from '../../db/tenant-table.js'
import { products } from '../catalog/tables.js'
import { suppliers } from '../suppliers/tables.js'

/** 入围标准: the rules an application is checked against, defined as data. */
export const admissionCriteria = tenantTable('admission_criteria', {
  name: text('name').notNull(),
  requiredDocuments: text('required_documents').array().notNull(),
  minInspectionScore: doublePrecision('min_inspection_score'),
  minSurveyScore: doublePrecision('min_survey_score'),
  minReputation: doublePrecision('min_reputation'),
  maxReturnRate: doublePrecision('max_return_rate'),
  maxDisputeRate: doublePrecision('max_dispute_rate'),
  allowedKinds: text('allowed_kinds').array(),
  allowedBrandTiers: text('allowed_brand_tiers').array(),
  active: boolean('active').notNull().default(true),
  ...versioned(),
})

export type CriterionFailure = { criterion: string; detail: string; expected: unknown; actual: unknown }

export const supplierApplications = tenantTable(
  'supplier_applications',
  {
    supplierId: text('supplier_id').notNull(),
    criteriaId: text('criteria_id').notNull(),
    status: text('status', { enum: ['admitted', 'refused'] }).notNull(),
    failures: jsonb('failures').$type<CriterionFailure[]>().notNull(),
    /** What the check saw, so a decision can be explained later. */
    evidence: jsonb('evidence').$type<Record<string, unknown>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.supplierId], foreignColumns: [suppliers.tenantId, suppliers.id] }),
    foreignKey({
      columns: [t.tenantId, t.criteriaId],
      foreignColumns: [admissionCriteria.tenantId, admissionCriteria.id],
    }),
    index('supplier_applications_supplier_idx').on(t.tenantId, t.supplierId),
  ],
)

export type Defect = { code: string; severity: 'minor' | 'major' | 'critical'; description?: string }

/** 抽检: a spot inspection before sale. */
export const inspections = tenantTable(
  'inspections',
  {
    supplierId: text('supplier_id').notNull(),
    productId: text('product_id'),
    inspectedOn: date('inspected_on').notNull(),
    result: text('result', { enum: ['pass', 'fail'] }).notNull(),
    score: doublePrecision('score').notNull(),
    defects: jsonb('defects').$type<Defect[]>().notNull(),
    notes: text('notes'),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.supplierId], foreignColumns: [suppliers.tenantId, suppliers.id] }),
    foreignKey({ columns: [t.tenantId, t.productId], foreignColumns: [products.tenantId, products.id] }),
    index('inspections_supplier_idx').on(t.tenantId, t.supplierId, t.inspectedOn),
  ],
)

export type SurveyRatings = { quality: number; description_match: number; logistics: number; service: number }

/** 调查: buyers' ratings after sale, aggregated per survey. */
export const surveys = tenantTable(
  'surveys',
  {
    supplierId: text('supplier_id').notNull(),
    productId: text('product_id'),
    surveyedOn: date('surveyed_on').notNull(),
    respondents: integer('respondents').notNull(),
    ratings: jsonb('ratings').$type<SurveyRatings>().notNull(),
    /** Mean rating (1–5) mapped to 0–100. */
    score: doublePrecision('score').notNull(),
    comments: text('comments'),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.supplierId], foreignColumns: [suppliers.tenantId, suppliers.id] }),
    foreignKey({ columns: [t.tenantId, t.productId], foreignColumns: [products.tenantId, products.id] }),
    index('surveys_supplier_idx').on(t.tenantId, t.supplierId, t.surveyedOn),
  ],
)

/**
 * Buyers' ratings of single order lines (the after-sales module's reviews), recorded in the
 * reviewing transaction: each counts as one survey respondent of the product's supplier, so
 * the survey part of reputation hears every buyer, not only imported surveys. `id` is the
 * review's id.
 */
export const reviewRatings = tenantTable(
  'review_ratings',
  {
    supplierId: text('supplier_id').notNull(),
    productId: text('product_id').notNull(),
    rating: integer('rating').notNull(),
    ratedOn: date('rated_on').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.supplierId], foreignColumns: [suppliers.tenantId, suppliers.id] }),
    index('review_ratings_supplier_idx').on(t.tenantId, t.supplierId, t.ratedOn),
    check('review_ratings_rating_check', sql`${t.rating} between 1 and 5`),
  ],
)
