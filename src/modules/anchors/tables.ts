import { sql } from 'drizzle-orm'
import { bigint, check, date, foreignKey, index, integer, jsonb, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { createdAt, tenantTable, versioned } from '../../db/tenant-table.js'

export type PlatformHandle = { platform: string; handle: string }
export type AudienceProfile = {
  /** Categories the audience buys, weighted 0–1. */
  interests: { category: string; weight: number }[]
  female_share?: number
  age_bands?: { band: string; share: number }[]
  regions?: string[]
}

/** 主播: the subject of recommendations; tiers, standards and sessions come later. */
export const anchors = tenantTable('anchors', {
  name: text('name').notNull(),
  platformHandles: jsonb('platform_handles').$type<PlatformHandle[]>().notNull(),
  categories: text('categories').array().notNull(),
  audience: jsonb('audience').$type<AudienceProfile>().notNull(),
  status: text('status', { enum: ['active', 'inactive'] })
    .notNull()
    .default('active'),
  ...versioned(),
})

/**
 * Past sales per anchor and product, imported until the orders module feeds them. The
 * product may be the tenant's own or one drawn from a pool shared with it, so it is not a
 * foreign key; title and category are copied at import for audience fit and diversity.
 */
export const anchorSales = tenantTable(
  'anchor_sales',
  {
    anchorId: text('anchor_id').notNull(),
    productId: text('product_id').notNull(),
    productTitle: text('product_title').notNull(),
    category: text('category').notNull(),
    quantity: integer('quantity').notNull(),
    /** GMV of the sale in minor units. */
    amount: bigint('amount', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    returnedQuantity: integer('returned_quantity').notNull().default(0),
    disputes: integer('disputes').notNull().default(0),
    soldOn: date('sold_on').notNull(),
    externalId: text('external_id'),
    importJobId: text('import_job_id'),
    importLine: integer('import_line'),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.anchorId], foreignColumns: [anchors.tenantId, anchors.id] }),
    index('anchor_sales_anchor_idx').on(t.tenantId, t.anchorId, t.soldOn),
    index('anchor_sales_sold_on_idx').on(t.tenantId, t.soldOn),
    index('anchor_sales_product_idx').on(t.tenantId, t.productId),
    uniqueIndex('anchor_sales_external_id_idx').on(t.tenantId, t.externalId),
    uniqueIndex('anchor_sales_import_line_idx').on(t.tenantId, t.importJobId, t.importLine),
    check(
      'anchor_sales_quantity_check',
      sql`${t.quantity} > 0 and ${t.returnedQuantity} >= 0 and ${t.returnedQuantity} <= ${t.quantity} and ${t.disputes} >= 0`,
    ),
  ],
)
