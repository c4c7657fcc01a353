import { Type, type Static } from 'typebox'
import {
  Body,
  Currency,
  exampleId,
  exampleOf,
  Id,
  named,
  Nullable,
  Page,
  PageQuery,
  ref,
  StringEnum,
  Timestamp,
} from '../../lib/schemas.js'
import { ORDER_STATUSES, OVERSOLD_REASONS } from './tables.js'

/** The selling platforms, in the words anchors' platform handles use. */
export const PLATFORMS = ['douyin', 'kuaishou', 'tiktok_shop', 'taobao', 'wechat_channels', 'other'] as const

const OrderStatus = StringEnum(ORDER_STATUSES, {
  description: 'created → paid → shipped → delivered → completed; created or paid → cancelled',
})
const MinorUnits = (description: string) => Type.Integer({ minimum: 0, description: `${description}, in minor units` })

export const OrderItem = named(
  'OrderItem',
  Type.Object(
    {
      id: Id('oit'),
      product_id: Id('prd'),
      sku_id: Nullable(Id('sku')),
      pool_id: Nullable(Id('pool')),
      slot_id: Nullable(Id('slot')),
      quantity: Type.Integer({ minimum: 1 }),
      unit_price: MinorUnits('Price of one unit'),
      amount: MinorUnits('What the buyer paid for the line: quantity × unit price'),
      commission_rate: Type.Number({
        minimum: 0,
        maximum: 1,
        description: 'The anchor’s commission rate fixed at the time of sale (the product’s rate then)',
      }),
      commission_amount: MinorUnits('round(amount × commission_rate)'),
      oversold: Nullable(
        StringEnum(OVERSOLD_REASONS, {
          description:
            'Set when the line was paid beyond the run-of-show slot’s supply cap or the pool’s supply limit. The platform has already sold it, so the order is accepted; the counter stops at the cap and this line drew nothing from the exhausted cap.',
        }),
      ),
    },
    { description: 'A line of an order' },
  ),
  {
    id: exampleId('oit'),
    product_id: exampleId('prd'),
    sku_id: exampleId('sku'),
    pool_id: exampleId('pool'),
    slot_id: exampleId('slot'),
    quantity: 2,
    unit_price: 2872,
    amount: 5744,
    commission_rate: 0.2,
    commission_amount: 1149,
    oversold: null,
  },
)

export const Order = named(
  'Order',
  Type.Object(
    {
      id: Id('ord'),
      platform: StringEnum(PLATFORMS),
      external_order_id: Type.String({ description: 'The platform’s order number' }),
      status: OrderStatus,
      anchor_id: Id('anc'),
      session_id: Nullable(Id('ses')),
      buyer_id: Id('buy'),
      currency: Currency,
      total_amount: MinorUnits('Sum of the lines’ amounts'),
      paid_amount: MinorUnits('What the buyer paid; 0 until paid. Refunds never change it'),
      attribution_code: Nullable(Type.String({ description: 'The tracked link or code the platform passed through' })),
      placed_at: Timestamp,
      paid_at: Nullable(Timestamp),
      shipped_at: Nullable(Timestamp),
      delivered_at: Nullable(Timestamp),
      completed_at: Nullable(Timestamp),
      cancelled_at: Nullable(Timestamp),
      items: Type.Array(ref(OrderItem)),
      version: Type.Integer(),
      created_at: Timestamp,
      updated_at: Timestamp,
    },
    { description: 'An order a selling platform took for one of the tenant’s anchors; the buyer is pseudonymous' },
  ),
  {
    id: exampleId('ord'),
    platform: 'douyin',
    external_order_id: '6921345678901234567',
    status: 'paid',
    anchor_id: exampleId('anc'),
    session_id: exampleId('ses'),
    buyer_id: exampleId('buy'),
    currency: 'CNY',
    total_amount: 5744,
    paid_amount: 5744,
    attribution_code: 'XY-TEA-1210',
    placed_at: '2026-12-10T12:20:03.000Z',
    paid_at: '2026-12-10T12:20:41.000Z',
    shipped_at: null,
    delivered_at: null,
    completed_at: null,
    cancelled_at: null,
    items: [exampleOf(OrderItem)!],
    version: 1,
    created_at: '2026-12-10T12:20:42.118Z',
    updated_at: '2026-12-10T12:20:42.118Z',
  },
)
export const OrderList = Page(Order)

export const NewOrderItem = Type.Object(
  {
    product_id: Id('prd'),
    sku_id: Type.Optional(Id('sku')),
    pool_id: Type.Optional(Id('pool')),
    slot_id: Type.Optional(Id('slot')),
    quantity: Type.Integer({ minimum: 1, maximum: 100_000 }),
    unit_price: Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: 'Minor units' }),
  },
  { additionalProperties: false },
)

export const CreateOrder = named(
  'CreateOrder',
  Body(
    {
      platform: StringEnum(PLATFORMS),
      external_order_id: Type.String({ minLength: 1, maxLength: 100 }),
      anchor_id: Id('anc'),
      session_id: Type.Optional(Id('ses')),
      buyer: Type.Object(
        { ref: Type.String({ minLength: 1, maxLength: 200, description: 'The platform’s buyer id; never stored' }) },
        { additionalProperties: false },
      ),
      currency: Currency,
      items: Type.Array(NewOrderItem, { minItems: 1, maxItems: 200 }),
      total_amount: Type.Optional(
        Type.Integer({
          minimum: 0,
          description: 'The platform’s order total in minor units; when given it must equal the sum of the lines',
        }),
      ),
      status: Type.Optional(
        StringEnum(ORDER_STATUSES, { description: 'The platform’s current state; created when absent' }),
      ),
      placed_at: Timestamp,
      paid_at: Type.Optional(Timestamp),
      attribution_code: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    },
    {
      description:
        'An order as the platform sent it. Sent again (same platform and external_order_id) it updates the order: the status may move forward along the state machine and its timestamps fill in; the items, amounts, currency, anchor, session and buyer may change only while the order is unpaid — after payment a re-send that differs is a 409 naming the fields that differ.',
    },
  ),
  {
    platform: 'douyin',
    external_order_id: '6921345678901234567',
    anchor_id: exampleId('anc'),
    session_id: exampleId('ses'),
    buyer: { ref: 'dy_buyer_73810244' },
    currency: 'CNY',
    items: [
      {
        product_id: exampleId('prd'),
        sku_id: exampleId('sku'),
        pool_id: exampleId('pool'),
        slot_id: exampleId('slot'),
        quantity: 2,
        unit_price: 2872,
      },
    ],
    total_amount: 5744,
    placed_at: '2026-12-10T12:20:03.000Z',
    attribution_code: 'XY-TEA-1210',
  },
)
export type CreateOrderInput = Static<typeof CreateOrder>

export type OrderQueryInput = Static<typeof OrderQuery>
export const OrderQuery = Type.Object(
  {
    ...PageQuery.properties,
    status: Type.Optional(OrderStatus),
    anchor_id: Type.Optional(Id('anc')),
    session_id: Type.Optional(Id('ses')),
    buyer_id: Type.Optional(Id('buy')),
    placed_from: Type.Optional(Type.String({ format: 'date-time', description: 'Placed at or after' })),
    placed_to: Type.Optional(Type.String({ format: 'date-time', description: 'Placed before' })),
  },
  { additionalProperties: false },
)

export const OrderTransition = named(
  'OrderTransition',
  Body(
    {
      at: Type.Optional(
        Type.String({ format: 'date-time', description: 'When it happened on the platform; now when absent' }),
      ),
    },
    { description: 'A state change the platform reported' },
  ),
  { at: '2026-12-11T09:02:00.000Z' },
)

export const BuyerOrderFacts = named(
  'BuyerOrderFacts',
  Type.Object(
    {
      buyer_id: Id('buy'),
      platform: Type.String(),
      first_seen_at: Timestamp,
      orders_count: Type.Integer({ minimum: 0, description: 'Every order of the buyer, whatever its state' }),
      paid_orders_count: Type.Integer({
        minimum: 0,
        description: 'Purchases: orders paid and not cancelled (paid, shipped, delivered or completed)',
      }),
      repurchase_count: Type.Integer({
        minimum: 0,
        description: '复购次数: purchases after the first, paid_orders_count − 1 (0 without a purchase)',
      }),
      first_order_at: Nullable(Timestamp),
      last_order_at: Nullable(Timestamp),
    },
    { description: 'What repurchase rate (复购率) and count (复购次数) are computed from, for one pseudonymous buyer' },
  ),
  {
    buyer_id: exampleId('buy'),
    platform: 'douyin',
    first_seen_at: '2026-10-02T11:00:00.000Z',
    orders_count: 4,
    paid_orders_count: 3,
    repurchase_count: 2,
    first_order_at: '2026-10-02T11:00:00.000Z',
    last_order_at: '2026-12-10T12:20:03.000Z',
  },
)

/** One order per line of an import: CreateOrder's fields, with the buyer flat and the items as JSON text in CSV. */
export const OrderImportRow = Type.Object(
  {
    platform: StringEnum(PLATFORMS),
    external_order_id: Type.String({ minLength: 1, maxLength: 100 }),
    anchor_id: Id('anc'),
    session_id: Type.Optional(Id('ses')),
    buyer_ref: Type.String({ minLength: 1, maxLength: 200 }),
    currency: Currency,
    items: Type.Union([Type.Array(NewOrderItem, { minItems: 1, maxItems: 200 }), Type.String({ maxLength: 60000 })]),
    total_amount: Type.Optional(Type.Integer({ minimum: 0 })),
    status: Type.Optional(StringEnum(ORDER_STATUSES)),
    placed_at: Timestamp,
    paid_at: Type.Optional(Timestamp),
    attribution_code: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
)
export type OrderImportRowValue = Static<typeof OrderImportRow>

export const OrderImportBody = Type.String({
  description:
    'JSON lines (one order per line) or CSV with a header line (platform, external_order_id, anchor_id, buyer_ref, currency, items, placed_at; optional session_id, total_amount, status, paid_at, attribution_code), items as a JSON array; amounts in integer minor units',
})
