import { sql } from 'drizzle-orm'
import {
  bigint,
  check,
  foreignKey,
  index,
  integer,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import { createdAt, tenantPolicy, tenantTable, versioned } from '../../db/tenant-table.js'
import { pgTable } from 'drizzle-orm/pg-core'
import { products } from '../catalog/tables.js'
import { anchors } from '../anchors/tables.js'

/** 主播专供商品池: a named pool of products anchors draw from. */
export const supplyPools = tenantTable('supply_pools', {
  name: text('name').notNull(),
  description: text('description'),
  /** The organization that built it: the tenant itself, or a provider acting through an installation. */
  builtByOrganizationId: text('built_by_organization_id').notNull(),
  builtByKind: text('built_by_kind', { enum: ['mcn', 'provider', 'platform'] }).notNull(),
  /** all_anchors: every anchor of the tenant; listed_anchors: only those in pool_anchors. */
  access: text('access', { enum: ['all_anchors', 'listed_anchors'] }).notNull(),
  status: text('status', { enum: ['active', 'archived'] })
    .notNull()
    .default('active'),
  itemCount: integer('item_count').notNull().default(0),
  ...versioned(),
})

export const poolItems = tenantTable(
  'pool_items',
  {
    poolId: text('pool_id').notNull(),
    productId: text('product_id').notNull(),
    /** The pool's price for the product in minor units; the list price when null. */
    price: bigint('price', { mode: 'number' }),
    /** Units this pool may supply in total; unlimited when null. */
    supplyLimit: integer('supply_limit'),
    /** Units paid orders drew from the limit (consumePoolSupply); never above it. */
    supplyUsed: integer('supply_used').notNull().default(0),
    ...versioned(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.poolId], foreignColumns: [supplyPools.tenantId, supplyPools.id] }),
    foreignKey({ columns: [t.tenantId, t.productId], foreignColumns: [products.tenantId, products.id] }),
    uniqueIndex('pool_items_pool_product_idx').on(t.tenantId, t.poolId, t.productId),
    // Covers what recommendations read of a product's entries (pool, price, supply limit), so
    // the per-candidate probe is an index-only scan.
    index('pool_items_product_idx').on(t.tenantId, t.productId, t.poolId, t.price, t.supplyLimit),
    check('pool_items_price_check', sql`${t.price} is null or ${t.price} >= 0`),
    check('pool_items_supply_check', sql`${t.supplyLimit} is null or ${t.supplyLimit} >= 0`),
    check(
      'pool_items_supply_used_check',
      sql`${t.supplyUsed} >= 0 and (${t.supplyLimit} is null or ${t.supplyUsed} <= ${t.supplyLimit})`,
    ),
  ],
)

export const poolAnchors = pgTable(
  'pool_anchors',
  {
    tenantId: text('tenant_id').notNull(),
    poolId: text('pool_id').notNull(),
    anchorId: text('anchor_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.poolId, t.anchorId] }),
    foreignKey({ columns: [t.tenantId, t.poolId], foreignColumns: [supplyPools.tenantId, supplyPools.id] }).onDelete(
      'cascade',
    ),
    foreignKey({ columns: [t.tenantId, t.anchorId], foreignColumns: [anchors.tenantId, anchors.id] }),
    tenantPolicy('pool_anchors'),
  ],
).enableRLS()

/**
 * A pool shared by its owner (typically a platform or provider) with an MCN. The row is
 * the owner's; the grantee may read it (and nothing else of the owner's) so it can find
 * the pools it may draw from.
 */
export const poolGrants = pgTable(
  'pool_grants',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    poolId: text('pool_id').notNull(),
    granteeTenantId: text('grantee_tenant_id').notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    ...versioned(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    foreignKey({ columns: [t.tenantId, t.poolId], foreignColumns: [supplyPools.tenantId, supplyPools.id] }),
    uniqueIndex('pool_grants_pool_grantee_idx').on(t.tenantId, t.poolId, t.granteeTenantId),
    index('pool_grants_grantee_idx').on(t.granteeTenantId),
    tenantPolicy('pool_grants', { alsoReadableBy: 'grantee_tenant_id' }),
  ],
).enableRLS()
