import { sql } from 'drizzle-orm'
import { bigint, check, date, foreignKey, index, integer, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { createdAt, tenantTable } from '../../db/tenant-table.js'
import { anchors } from '../anchors/tables.js'

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
