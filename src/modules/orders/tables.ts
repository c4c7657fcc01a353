import { sql } from 'drizzle-orm'
import {
  bigint,
  check,
  doublePrecision,
  foreignKey,
  index,
  integer,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import { createdAt, tenantTable, versioned } from '../../db/tenant-table.js'
import { anchors } from '../anchors/tables.js'
import { buyers } from '../buyers/tables.js'
import { products, skus } from '../catalog/tables.js'
import { supplyPools } from '../pools/tables.js'
import { liveSessions, runOfShowSlots } from '../scheduling/tables.js'

export const ORDER_STATUSES = ['created', 'paid', 'shipped', 'delivered', 'completed', 'cancelled'] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]
export const OVERSOLD_REASONS = ['slot_supply_cap', 'pool_supply_limit'] as const
export type OversoldReason = (typeof OVERSOLD_REASONS)[number]

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })
const money = (name: string) => bigint(name, { mode: 'number' })

/**
 * 订单: an order a selling platform took for the tenant's anchor. (platform, external_order_id) is
 * the platform's own key: a re-sent order finds its row instead of making a second one.
 */
export const orders = tenantTable(
  'orders',
  {
    platform: text('platform').notNull(),
    externalOrderId: text('external_order_id').notNull(),
    status: text('status', { enum: ORDER_STATUSES }).notNull().default('created'),
    anchorId: text('anchor_id').notNull(),
    sessionId: text('session_id'),
    buyerId: text('buyer_id').notNull(),
    currency: text('currency').notNull(),
    totalAmount: money('total_amount').notNull(),
    paidAmount: money('paid_amount').notNull().default(0),
    attributionCode: text('attribution_code'),
    placedAt: at('placed_at').notNull(),
    paidAt: at('paid_at'),
    shippedAt: at('shipped_at'),
    deliveredAt: at('delivered_at'),
    completedAt: at('completed_at'),
    cancelledAt: at('cancelled_at'),
    ...versioned(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.anchorId], foreignColumns: [anchors.tenantId, anchors.id] }),
    foreignKey({ columns: [t.tenantId, t.sessionId], foreignColumns: [liveSessions.tenantId, liveSessions.id] }),
    foreignKey({ columns: [t.tenantId, t.buyerId], foreignColumns: [buyers.tenantId, buyers.id] }),
    uniqueIndex('orders_external_idx').on(t.tenantId, t.platform, t.externalOrderId),
    index('orders_placed_idx').on(t.tenantId, t.placedAt, t.id),
    index('orders_buyer_idx').on(t.tenantId, t.buyerId, t.placedAt),
    index('orders_anchor_idx').on(t.tenantId, t.anchorId, t.placedAt),
    index('orders_session_idx').on(t.tenantId, t.sessionId),
    check('orders_amounts_check', sql`${t.totalAmount} >= 0 and ${t.paidAmount} >= 0`),
  ],
)

/**
 * An order line. Commission is fixed when the line is sold (a later product change does not move
 * it); `slot_drawn` / `pool_drawn` are the units this line drew from the caps, so a cancellation
 * gives back exactly those.
 */
export const orderItems = tenantTable(
  'order_items',
  {
    orderId: text('order_id').notNull(),
    position: integer('position').notNull(),
    productId: text('product_id').notNull(),
    skuId: text('sku_id'),
    poolId: text('pool_id'),
    slotId: text('slot_id'),
    quantity: integer('quantity').notNull(),
    unitPrice: money('unit_price').notNull(),
    amount: money('amount').notNull(),
    commissionRate: doublePrecision('commission_rate').notNull(),
    commissionAmount: money('commission_amount').notNull(),
    oversold: text('oversold', { enum: OVERSOLD_REASONS }),
    slotDrawn: integer('slot_drawn').notNull().default(0),
    poolDrawn: integer('pool_drawn').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.orderId], foreignColumns: [orders.tenantId, orders.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.productId], foreignColumns: [products.tenantId, products.id] }),
    foreignKey({ columns: [t.tenantId, t.skuId], foreignColumns: [skus.tenantId, skus.id] }),
    foreignKey({ columns: [t.tenantId, t.poolId], foreignColumns: [supplyPools.tenantId, supplyPools.id] }),
    foreignKey({ columns: [t.tenantId, t.slotId], foreignColumns: [runOfShowSlots.tenantId, runOfShowSlots.id] }),
    uniqueIndex('order_items_position_idx').on(t.tenantId, t.orderId, t.position),
    index('order_items_product_idx').on(t.tenantId, t.productId),
    check('order_items_quantity_check', sql`${t.quantity} > 0`),
    check('order_items_amount_check', sql`${t.unitPrice} >= 0 and ${t.amount} >= 0 and ${t.commissionAmount} >= 0`),
    check('order_items_commission_check', sql`${t.commissionRate} >= 0 and ${t.commissionRate} <= 1`),
    check('order_items_drawn_check', sql`${t.slotDrawn} >= 0 and ${t.poolDrawn} >= 0`),
  ],
)
