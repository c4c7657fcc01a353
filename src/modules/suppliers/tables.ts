import { sql } from 'drizzle-orm'
import { boolean, doublePrecision, index, jsonb, text, timestamp } from 'drizzle-orm/pg-core'
import { tenantTable, versioned } from '../../db/tenant-table.js'

export const supplierKinds = ['brand', 'merchant', 'factory', 'farmer'] as const
export const brandTiers = ['premium', 'mature', 'emerging'] as const
export const supplierStatuses = ['applied', 'admitted', 'probation', 'eliminated'] as const
export type BrandTier = (typeof brandTiers)[number]
export type SupplierStatus = (typeof supplierStatuses)[number]

export type SupplierContact = { name: string; role?: string; phone?: string; email?: string }
export type ReputationComponents = {
  inspections: number | null
  surveys: number | null
  returns: number | null
  disputes: number | null
  inspection_count: number
  survey_respondents: number
  units_sold: number
  return_rate: number | null
  dispute_rate: number | null
}

/** Brands, merchants, factories and farmers that supply goods (货). */
export const suppliers = tenantTable(
  'suppliers',
  {
    name: text('name').notNull(),
    kind: text('kind', { enum: supplierKinds }).notNull(),
    /** 小微供应源: farmers, small factories; boosted in selection. */
    micro: boolean('micro').notNull().default(false),
    brandTier: text('brand_tier', { enum: brandTiers }).notNull(),
    contacts: jsonb('contacts').$type<SupplierContact[]>().notNull().default([]),
    /** Document kinds on file (business_license, food_permit, …), checked by admission criteria. */
    documents: text('documents').array().notNull().default(sql`'{}'::text[]`),
    status: text('status', { enum: supplierStatuses }).notNull().default('applied'),
    reputationScore: doublePrecision('reputation_score'),
    reputationComponents: jsonb('reputation_components').$type<ReputationComponents>(),
    reputationComputedAt: timestamp('reputation_computed_at', { withTimezone: true }),
    probationSince: timestamp('probation_since', { withTimezone: true }),
    eliminatedAt: timestamp('eliminated_at', { withTimezone: true }),
    ...versioned(),
  },
  (t) => [index('suppliers_status_idx').on(t.tenantId, t.status)],
)

export type SupplierRow = typeof suppliers.$inferSelect
