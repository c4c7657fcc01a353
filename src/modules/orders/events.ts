import { declareEvent, resourceEventExample, schemaRef } from '../../lib/event-catalog.js'
import { exampleOf } from '../../lib/schemas.js'
import { Order } from './schemas.js'

const order = exampleOf(Order)!
const at = (status: typeof order.status, extra: Partial<typeof order>, version: number) => ({
  resource: { type: 'order', id: order.id, version },
  data: { ...order, ...extra, status, version },
  occurred_at: '2026-12-11T09:02:00.310Z',
})
const OVERSOLD =
  ' A line paid beyond the run-of-show slot’s supply cap or the pool’s supply limit carries `oversold` (the platform sold it already, so the order stands).'

export const ORDER_CREATED = declareEvent(
  'order.created',
  'An order arrived from a selling platform (single create or import); data is the order as GET /v1/orders/{id} shows it',
  schemaRef(Order),
  at('created', { paid_at: null, paid_amount: 0 }, 1),
  { scope: 'orders:read' },
)
export const ORDER_UPDATED = declareEvent(
  'order.updated',
  'The platform re-sent an unpaid order with other content (items, amounts, buyer, anchor, session, code or placed time); data is the order as it is now',
  schemaRef(Order),
  at('created', { paid_at: null, paid_amount: 0 }, 2),
  { scope: 'orders:read' },
)
export const ORDER_PAID = declareEvent(
  'order.paid',
  `An order was paid; its lines drew down the slot supply caps and pool supply limits.${OVERSOLD}`,
  schemaRef(Order),
  resourceEventExample('order', Order),
  { scope: 'orders:read' },
)
export const ORDER_SHIPPED = declareEvent(
  'order.shipped',
  'A paid order was shipped',
  schemaRef(Order),
  at('shipped', { shipped_at: '2026-12-11T09:02:00.000Z' }, 2),
  { scope: 'orders:read' },
)
export const ORDER_DELIVERED = declareEvent(
  'order.delivered',
  'A shipped order was delivered to the buyer',
  schemaRef(Order),
  at('delivered', { shipped_at: '2026-12-11T09:02:00.000Z', delivered_at: '2026-12-13T15:40:00.000Z' }, 3),
  { scope: 'orders:read' },
)
export const ORDER_COMPLETED = declareEvent(
  'order.completed',
  'A delivered order was completed (the platform closed it)',
  schemaRef(Order),
  at(
    'completed',
    {
      shipped_at: '2026-12-11T09:02:00.000Z',
      delivered_at: '2026-12-13T15:40:00.000Z',
      completed_at: '2026-12-20T00:00:00.000Z',
    },
    4,
  ),
  { scope: 'orders:read' },
)
export const ORDER_CANCELLED = declareEvent(
  'order.cancelled',
  'An unshipped order was cancelled; a paid one gave back what it drew from supply caps and limits',
  schemaRef(Order),
  at('cancelled', { cancelled_at: '2026-12-10T13:00:00.000Z' }, 2),
  { scope: 'orders:read' },
)
