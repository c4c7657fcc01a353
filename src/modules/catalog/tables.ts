import { sql } from 'drizzle-orm'
import {
  bigint,
  check,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import { tenantTable, versioned } from '../../db/tenant-table.js'
import { brandTiers, suppliers } from '../suppliers/tables.js'

/** Products offered by a supplier; SKUs below carry variant prices and stock. */
export const products = tenantTable(
  'products',
  {
    supplierId: text('supplier_id').notNull(),
    /** The merchant's own code; imports upsert on it. */
    externalId: text('external_id'),
    title: text('title').notNull(),
    category: text('category').notNull(),
    attributes: jsonb('attributes').$type<Record<string, string | number | boolean>>().notNull().default({}),
    images: text('images').array().notNull().default(sql`'{}'::text[]`),
    listPrice: bigint('list_price', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    stock: integer('stock').notNull().default(0),
    /** Share of the price paid to the anchor, 0–1. */
    commissionRate: doublePrecision('commission_rate').notNull(),
    /** 复购率 reported for the product, 0–1. */
    repurchaseRate: doublePrecision('repurchase_rate'),
    /** The supplier's tier unless set for this product. */
    brandTier: text('brand_tier', { enum: brandTiers }).notNull(),
    status: text('status', { enum: ['active', 'archived'] })
      .notNull()
      .default('active'),
    ...versioned(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.supplierId], foreignColumns: [suppliers.tenantId, suppliers.id] }),
    uniqueIndex('products_external_id_idx').on(t.tenantId, t.externalId),
    index('products_supplier_idx').on(t.tenantId, t.supplierId),
    index('products_category_idx').on(t.tenantId, t.category),
    check('products_list_price_check', sql`${t.listPrice} >= 0`),
    check('products_stock_check', sql`${t.stock} >= 0`),
    check('products_commission_check', sql`${t.commissionRate} >= 0 and ${t.commissionRate} <= 1`),
  ],
)

export const skus = tenantTable(
  'skus',
  {
    productId: text('product_id').notNull(),
    code: text('code').notNull(),
    attributes: jsonb('attributes').$type<Record<string, string | number | boolean>>().notNull().default({}),
    price: bigint('price', { mode: 'number' }).notNull(),
    stock: integer('stock').notNull().default(0),
    ...versioned(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.productId], foreignColumns: [products.tenantId, products.id] }),
    uniqueIndex('skus_code_idx').on(t.tenantId, t.code),
    index('skus_product_idx').on(t.tenantId, t.productId),
    check('skus_stock_check', sql`${t.stock} >= 0`),
  ],
)
