import type { Static } from 'typebox'
import { defineResourceChange } from '../../lib/hooks.js'
import {
  ORDER_CANCELLED,
  ORDER_COMPLETED,
  ORDER_CREATED,
  ORDER_DELIVERED,
  ORDER_PAID,
  ORDER_SHIPPED,
  ORDER_UPDATED,
} from './events.js'
import type { Order } from './schemas.js'

type OrderResource = Static<typeof Order>

/** Public events of an order, with the order as presented; published in the writer's transaction. */
export const orderCreated = defineResourceChange<OrderResource>(ORDER_CREATED, 'order')
export const orderPaid = defineResourceChange<OrderResource>(ORDER_PAID, 'order')
export const orderShipped = defineResourceChange<OrderResource>(ORDER_SHIPPED, 'order')
export const orderDelivered = defineResourceChange<OrderResource>(ORDER_DELIVERED, 'order')
export const orderCompleted = defineResourceChange<OrderResource>(ORDER_COMPLETED, 'order')
export const orderCancelled = defineResourceChange<OrderResource>(ORDER_CANCELLED, 'order')
export const orderUpdated = defineResourceChange<OrderResource>(ORDER_UPDATED, 'order')
