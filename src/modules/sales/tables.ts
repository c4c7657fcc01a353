import { sql } from 'drizzle-orm'
import { bigint, boolean, check, date, foreignKey, index, integer, text, uniqueIndex } from 'drizzle-orm/pg-core'
import { createdAt, tenantTable } from '../../db/tenant-table.js'
import { anchors } from '../anchors/tables.js'

/**
 * Sales per anchor and product: imported history (before Showrunner) and one row per line of a
 * paid order (order_item_id set), written in the paying transaction. Both sit in one table so
 * that the sales read stays one plain scan the planner can push joins into. An imported row on or
 * after its anchor's first paid order (sales_cutovers) is `superseded` and no longer counted. The
 * product may be the tenant's own or one drawn from a pool shared with it, so it is not a
 * foreign key; title and category are copied for audience fit and diversity.
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
    /** Set on a sale from a paid order: the order and its line (one row per line, ever). */
    orderId: text('order_id'),
    orderItemId: text('order_item_id'),
    /** An imported sale on or after the anchor's first paid order: the orders have that day. */
    superseded: boolean('superseded').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.anchorId], foreignColumns: [anchors.tenantId, anchors.id] }),
    index('anchor_sales_anchor_idx').on(t.tenantId, t.anchorId, t.soldOn),
    index('anchor_sales_sold_on_idx').on(t.tenantId, t.soldOn),
    index('anchor_sales_product_idx').on(t.tenantId, t.productId),
    uniqueIndex('anchor_sales_external_id_idx').on(t.tenantId, t.externalId),
    uniqueIndex('anchor_sales_import_line_idx').on(t.tenantId, t.importJobId, t.importLine),
    uniqueIndex('anchor_sales_order_item_idx').on(t.tenantId, t.orderItemId),
    index('anchor_sales_order_idx').on(t.tenantId, t.orderId),
    check(
      'anchor_sales_quantity_check',
      sql`${t.quantity} > 0 and ${t.returnedQuantity} >= 0 and ${t.returnedQuantity} <= ${t.quantity} and ${t.disputes} >= 0`,
    ),
  ],
)

/**
 * What each refund or dispute added to an order line's sale, once: the id is `<source id>.<order item
 * id>`, so a change delivered twice counts once. Kept after a cancellation deletes the line (the history of
 * what after-sales did stays).
 */
export const orderSaleAdjustments = tenantTable(
  'order_sale_adjustments',
  {
    /** The refund (`rfd_…`) or dispute (`dsp_…`). */
    sourceId: text('source_id').notNull(),
    orderItemId: text('order_item_id').notNull(),
    kind: text('kind', { enum: ['return', 'dispute'] }).notNull(),
    quantity: integer('quantity').notNull(),
    createdAt: createdAt(),
  },
  (t) => [check('order_sale_adjustments_quantity_check', sql`${t.quantity} > 0`)],
)

/**
 * Per anchor (id = the anchor's id): the UTC day of its earliest paid order. From that day on
 * its sales come from orders only; imported history counts for the days before it, so the two
 * never count the same sale. It never moves later, even when that order is cancelled.
 */
export const salesCutovers = tenantTable(
  'sales_cutovers',
  {
    firstOrderOn: date('first_order_on').notNull(),
    createdAt: createdAt(),
  },
  (t) => [foreignKey({ columns: [t.tenantId, t.id], foreignColumns: [anchors.tenantId, anchors.id] })],
)
