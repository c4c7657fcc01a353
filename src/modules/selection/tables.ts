import { sql } from 'drizzle-orm'
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  text,
  timestamp,
} from 'drizzle-orm/pg-core'
import { tenantTable } from '../../db/tenant-table.js'

/**
 * The anchor-independent part of every product's selection score, kept up to date by
 * `refreshSelectionIndex` so candidate generation is an index scan, not a catalog scan.
 * `id` is the product id.
 */
export const selectionIndex = tenantTable(
  'selection_index',
  {
    supplierId: text('supplier_id').notNull(),
    category: text('category').notNull(),
    // Copies of what ranking reads, so candidates come from this table alone.
    title: text('title').notNull(),
    listPrice: bigint('list_price', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    commissionRate: doublePrecision('commission_rate').notNull(),
    repurchaseRate: doublePrecision('repurchase_rate'),
    brandTier: text('brand_tier').notNull(),
    stock: integer('stock').notNull(),
    reputation: doublePrecision('reputation'),
    /** Active, in stock, and its supplier admitted or on probation. */
    eligible: boolean('eligible').notNull(),
    quality: doublePrecision('quality').notNull(),
    margin: doublePrecision('margin').notNull(),
    longTermValue: doublePrecision('long_term_value').notNull(),
    micro: boolean('micro').notNull(),
    overExposure: doublePrecision('over_exposure').notNull(),
    /** Weighted sum of the parts above with the tenant's weights. */
    prescore: doublePrecision('prescore').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('selection_index_rank_idx').on(t.tenantId, t.prescore.desc()).where(sql`eligible`),
    index('selection_index_category_rank_idx').on(t.tenantId, t.category, t.prescore.desc()).where(sql`eligible`),
    index('selection_index_supplier_idx').on(t.tenantId, t.supplierId),
  ],
)

/** Per product, units sold in the window overall and through head anchors; `id` is the product id. */
export const productSalesStats = tenantTable('product_sales_stats', {
  units: integer('units').notNull(),
  headUnits: integer('head_units').notNull(),
  anchors: integer('anchors').notNull(),
  refreshedAt: timestamp('refreshed_at', { withTimezone: true }).notNull().defaultNow(),
})

/**
 * Per anchor (`id` is the anchor id), what recommendations need from its sales history,
 * rebuilt with the sales stats: units per category over the history window and the
 * products it sold most recently.
 */
export const anchorSalesProfiles = tenantTable('anchor_sales_profiles', {
  categoryUnits: jsonb('category_units').$type<Record<string, number>>().notNull(),
  recent: jsonb('recent').$type<{ id: string; title: string; category: string }[]>().notNull(),
  refreshedAt: timestamp('refreshed_at', { withTimezone: true }).notNull().defaultNow(),
})

/**
 * Insert-only log of what changed recommendations: every write that can change any of the
 * tenant's recommendations adds a row in its own transaction (state.ts), so concurrent
 * writers of a tenant never wait on one another. `id` is global and only orders the rows;
 * `scope` and `subject_id` say what changed, for whoever reads the log.
 */
export const selectionChanges = tenantTable('selection_changes', {
  id: bigserial('id', { mode: 'number' }).notNull(),
  scope: text('scope').notNull(),
  subjectId: text('subject_id'),
  changedAt: timestamp('changed_at', { withTimezone: true }).notNull().defaultNow(),
})

/**
 * Per tenant, one row (`id` = 'selection') whose `version` counts the changes trimmed from
 * the tenant's change log (state.ts): the number of committed changes is this plus the rows
 * left in the log. Only a trim writes it, so ordinary writers never lock it.
 */
export const selectionState = tenantTable('selection_state', {
  version: bigint('version', { mode: 'number' }).notNull().default(0),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
})
