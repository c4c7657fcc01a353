import { and, asc, eq, gte, inArray, lt, sql } from 'drizzle-orm'
import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Ctx, TxCtx } from '../../lib/context.js'
import { AppError, type FieldError, notFound } from '../../lib/errors.js'
import { publish } from '../../lib/hooks.js'
import { newId } from '../../lib/ids.js'
import { scoped, staleVersion, tenantRepository, type PageRequest } from '../../lib/repository.js'
import { findAnchor } from '../anchors/index.js'
import { getBuyer, resolveBuyer } from '../buyers/index.js'
import { findProduct, findSkuOfProduct } from '../catalog/index.js'
import { consumePoolSupply, poolItemFor, releasePoolSupply } from '../pools/index.js'
import { consumeSlotSupply, findSlot, getSessionsByIds, releaseSlotSupply } from '../scheduling/index.js'
import {
  orderCancelled,
  orderCompleted,
  orderCreated,
  orderDelivered,
  orderPaid,
  orderShipped,
  orderUpdated,
} from './changes.js'
import { presentOrders, type OrderItemRow, type OrderRow, type OrderView } from './reads.js'
import { allowedActions, commissionOf, counterOrder, nextStatus, pathTo, type OrderAction } from './rules.js'
import type { CreateOrderInput } from './schemas.js'
import { orderItems, orders, type OrderStatus, type OversoldReason } from './tables.js'

const orderRepo = tenantRepository(orders, 'order')

const CHANGE_INTO = {
  paid: orderPaid,
  shipped: orderShipped,
  delivered: orderDelivered,
  completed: orderCompleted,
  cancelled: orderCancelled,
} as const

type ItemDraft = Omit<typeof orderItems.$inferInsert, 'tenantId' | 'id' | 'orderId' | 'createdAt'>
interface OrderDraft {
  anchorId: string
  sessionId: string | null
  buyerId: string
  currency: string
  totalAmount: number
  attributionCode: string | null
  placedAt: Date
  items: ItemDraft[]
}

async function presentOne(tx: TxCtx, row: OrderRow): Promise<OrderView> {
  return (await presentOrders(tx, [row]))[0]!
}

/**
 * Checks what a platform sent against the tenant's data and prices the lines. Every problem is
 * collected, so one 422 names all the fields at once. Commission is the product's rate now,
 * fixed on the line for good (pools carry a price and a supply limit, no rate of their own).
 */
async function draftOrder(tx: TxCtx, input: CreateOrderInput, base: string): Promise<OrderDraft> {
  const problems: FieldError[] = []
  const problem = (pointer: string, detail: string) => problems.push({ pointer: `${base}${pointer}`, detail })
  if (!(await findAnchor(tx, input.anchor_id))) problem('/anchor_id', `No anchor with id ${input.anchor_id} exists.`)
  if (input.session_id && !(await getSessionsByIds(tx, [input.session_id]))[0])
    problem('/session_id', `No session with id ${input.session_id} exists.`)
  const items: ItemDraft[] = []
  for (const [i, line] of input.items.entries()) {
    const at = `/items/${i}`
    const product = await findProduct(tx, line.product_id)
    if (!product) {
      problem(`${at}/product_id`, `No product with id ${line.product_id} exists.`)
      continue
    }
    if (line.sku_id && !(await findSkuOfProduct(tx, line.sku_id, line.product_id)))
      problem(`${at}/sku_id`, `${line.sku_id} is not a SKU of product ${line.product_id}.`)
    if (line.pool_id && !(await poolItemFor(tx, line.pool_id, line.product_id)))
      problem(`${at}/pool_id`, `Pool ${line.pool_id} does not hold product ${line.product_id}.`)
    // A line sold in a slot draws on the pool the slot sells from, whether or not the platform named it.
    let slotPoolId: string | null = null
    if (line.slot_id) {
      const slot = await findSlot(tx, line.slot_id)
      slotPoolId = slot?.poolId ?? null
      if (!slot) problem(`${at}/slot_id`, `No run-of-show slot with id ${line.slot_id} exists.`)
      else if (slot.productId !== line.product_id)
        problem(`${at}/slot_id`, `Slot ${line.slot_id} sells product ${slot.productId}, not ${line.product_id}.`)
      else if (input.session_id && slot.sessionId !== input.session_id)
        problem(`${at}/slot_id`, `Slot ${line.slot_id} belongs to session ${slot.sessionId}, not ${input.session_id}.`)
      else if (line.pool_id && slot.poolId !== line.pool_id)
        problem(`${at}/pool_id`, `Slot ${line.slot_id} draws from pool ${slot.poolId}, not ${line.pool_id}.`)
    }
    const amount = line.quantity * line.unit_price
    if (!Number.isSafeInteger(amount)) problem(`${at}/unit_price`, 'quantity × unit_price is too large.')
    items.push({
      position: i,
      productId: line.product_id,
      skuId: line.sku_id ?? null,
      poolId: line.pool_id ?? slotPoolId,
      slotId: line.slot_id ?? null,
      quantity: line.quantity,
      unitPrice: line.unit_price,
      amount,
      commissionRate: product.commissionRate,
      commissionAmount: commissionOf(amount, product.commissionRate),
      oversold: null,
      slotDrawn: 0,
      poolDrawn: 0,
    })
  }
  const totalAmount = items.reduce((sum, it) => sum + it.amount, 0)
  if (input.total_amount !== undefined && problems.length === 0 && input.total_amount !== totalAmount)
    problem('/total_amount', `total_amount is ${input.total_amount} but the lines add up to ${totalAmount}.`)
  if (input.paid_at && Date.parse(input.paid_at) < Date.parse(input.placed_at))
    problem('/paid_at', 'An order cannot be paid before it was placed.')
  if (problems.length)
    throw new AppError('unprocessable', problems.map((p) => p.detail).join(' '), { errors: problems })
  const buyer = await resolveBuyer(tx, { platform: input.platform, ref: input.buyer.ref })
  return {
    anchorId: input.anchor_id,
    sessionId: input.session_id ?? null,
    buyerId: buyer.id,
    currency: input.currency,
    totalAmount,
    attributionCode: input.attribution_code ?? null,
    placedAt: new Date(input.placed_at),
    items,
  }
}

const lineKey = (i: Pick<ItemDraft, 'productId' | 'skuId' | 'poolId' | 'slotId' | 'quantity' | 'unitPrice'>) =>
  JSON.stringify([i.productId, i.skuId ?? null, i.poolId ?? null, i.slotId ?? null, i.quantity, i.unitPrice])

/** The request fields in which a re-sent order differs from the stored one. */
function differences(row: OrderRow, items: OrderItemRow[], draft: OrderDraft): string[] {
  const fields: string[] = []
  if (row.anchorId !== draft.anchorId) fields.push('anchor_id')
  if (row.sessionId !== draft.sessionId) fields.push('session_id')
  if (row.buyerId !== draft.buyerId) fields.push('buyer')
  if (row.currency !== draft.currency) fields.push('currency')
  if (row.attributionCode !== draft.attributionCode) fields.push('attribution_code')
  if (row.placedAt.getTime() !== draft.placedAt.getTime()) fields.push('placed_at')
  if (items.map(lineKey).join('\n') !== draft.items.map(lineKey).join('\n')) fields.push('items')
  return fields
}

async function lockOrder(tx: TxCtx, id: string): Promise<OrderRow> {
  const [row] = await tx.tx
    .select()
    .from(orders)
    .where(scoped(tx, orders, eq(orders.id, id)))
    .for('update')
  if (!row) throw notFound('order', id)
  return row
}

async function itemRows(tx: TxCtx, orderId: string): Promise<OrderItemRow[]> {
  return tx.tx
    .select()
    .from(orderItems)
    .where(scoped(tx, orderItems, eq(orderItems.orderId, orderId)))
    .orderBy(asc(orderItems.position))
}

async function insertItems(tx: TxCtx, orderId: string, items: ItemDraft[]) {
  await tx.tx
    .insert(orderItems)
    .values(items.map((it) => ({ ...it, tenantId: tx.tenantId, id: newId('orderItem'), orderId })))
}

/**
 * Paying draws each line's quantity from its slot's supply cap and its pool item's supply
 * limit, one conditional UPDATE each. The platform has sold the units already, so a line that
 * does not fit is accepted and flagged `oversold`; it draws nothing from the exhausted counter
 * (it may still draw from the other one). Draws go in slot then pool id order, so two orders
 * touching the same counters always lock them in the same order.
 */
async function drawSupply(tx: TxCtx, items: OrderItemRow[]) {
  const drawn = new Map(
    items.map((i) => [i.id, { slotDrawn: 0, poolDrawn: 0, oversold: null as OversoldReason | null }]),
  )
  const { slots, pools } = counterOrder(items)
  for (const item of slots) {
    const d = drawn.get(item.id)!
    if (await consumeSlotSupply(tx, item.slotId!, item.quantity)) d.slotDrawn = item.quantity
    else d.oversold = 'slot_supply_cap'
  }
  for (const item of pools) {
    const d = drawn.get(item.id)!
    if (await consumePoolSupply(tx, item.poolId!, item.productId, item.quantity)) d.poolDrawn = item.quantity
    else d.oversold ??= 'pool_supply_limit'
  }
  for (const item of items) {
    const d = drawn.get(item.id)!
    await tx.tx
      .update(orderItems)
      .set(d)
      .where(scoped(tx, orderItems, eq(orderItems.id, item.id)))
  }
}

/** A cancelled paid order gives back exactly what each line drew, and its lines then hold nothing. */
async function releaseSupply(tx: TxCtx, items: OrderItemRow[]) {
  // The same lock order as drawSupply: a cancel racing a pay over the same counters must not deadlock.
  const { slots, pools } = counterOrder(items)
  for (const item of slots) if (item.slotDrawn > 0) await releaseSlotSupply(tx, item.slotId!, item.slotDrawn)
  for (const item of pools)
    if (item.poolDrawn > 0) await releasePoolSupply(tx, item.poolId!, item.productId, item.poolDrawn)
  await tx.tx
    .update(orderItems)
    .set({ slotDrawn: 0, poolDrawn: 0 })
    .where(scoped(tx, orderItems, eq(orderItems.orderId, items[0]?.orderId ?? '')))
}

function refusal(row: OrderRow, action: OrderAction | string, detail?: string): AppError {
  const allowed = allowedActions(row.status)
  return new AppError(
    'conflict',
    detail ??
      `The order is ${row.status}; it cannot ${action}. ${allowed.length ? `Allowed: ${allowed.join(', ')}.` : 'It takes no further transition.'}`,
    { extensions: { order_status: row.status, allowed } },
  )
}

/** One step of the state machine on a locked row: supply drawn or given back, timestamps set, its event written. */
async function applyAction(tx: TxCtx, row: OrderRow, action: OrderAction, at: Date): Promise<OrderRow> {
  const next = nextStatus(row.status, action)
  if (!next) throw refusal(row, action)
  const items = await itemRows(tx, row.id)
  if (action === 'pay') await drawSupply(tx, items)
  if (action === 'cancel' && row.status === 'paid') await releaseSupply(tx, items)
  const stamp = {
    pay: { paidAt: at, paidAmount: row.totalAmount },
    ship: { shippedAt: at },
    deliver: { deliveredAt: at },
    complete: { completedAt: at },
    cancel: { cancelledAt: at },
  }[action]
  const updated = await orderRepo.update(tx, row.id, row.version, { status: next, ...stamp })
  await publish(tx, CHANGE_INTO[next as keyof typeof CHANGE_INTO], await presentOne(tx, updated))
  return updated
}

export interface ReceivedOrder {
  order: OrderView
  /** true when this call made the order; false when it found it by (platform, external_order_id). */
  created: boolean
}

/**
 * The core of create and import: finds the order by (platform, external_order_id) or makes it,
 * then walks it along the legal path to the status the platform reports. `base` prefixes the
 * pointers of field errors (`/body` for the API, `` for an import row).
 */
export async function receiveOrderIn(tx: TxCtx, input: CreateOrderInput, base = '/body'): Promise<ReceivedOrder> {
  const draft = await draftOrder(tx, input, base)
  const key = and(eq(orders.platform, input.platform), eq(orders.externalOrderId, input.external_order_id))
  const { items, ...columns } = draft
  const [inserted] = await tx.tx
    .insert(orders)
    .values({
      ...columns,
      tenantId: tx.tenantId,
      id: newId('order'),
      platform: input.platform,
      externalOrderId: input.external_order_id,
    })
    .onConflictDoNothing()
    .returning()
  let row: OrderRow
  if (inserted) {
    await insertItems(tx, inserted.id, items)
    await audit(tx, 'order.created', { type: 'order', id: inserted.id }, { platform: input.platform })
    await publish(tx, orderCreated, await presentOne(tx, inserted))
    row = inserted
  } else {
    // A re-send: the row is locked, so a concurrent re-send waits and then sees this one's result.
    const [existing] = await tx.tx
      .select()
      .from(orders)
      .where(scoped(tx, orders, key))
      .for('update')
    if (!existing) throw new Error('order missing after a conflicting insert')
    row = existing
    const fields = differences(row, await itemRows(tx, row.id), draft)
    if (fields.length && row.status !== 'created')
      throw new AppError(
        'conflict',
        `The order is ${row.status}; a re-send may no longer change ${fields.join(', ')} (only the status may move on).`,
        { extensions: { order_status: row.status, fields } },
      )
    if (fields.length) {
      await tx.tx.delete(orderItems).where(scoped(tx, orderItems, eq(orderItems.orderId, row.id)))
      await insertItems(tx, row.id, items)
      row = await orderRepo.update(tx, row.id, row.version, columns)
      await publish(tx, orderUpdated, await presentOne(tx, row))
    }
  }
  const target = input.status ?? 'created'
  const path = pathTo(row.status, target)
  if (!path) throw refusal(row, target, `The order is ${row.status}; the platform’s ${target} cannot follow it.`)
  for (const action of path) {
    const at = action === 'pay' && input.paid_at ? new Date(input.paid_at) : new Date()
    row = await applyAction(tx, row, action, at)
  }
  return { order: await presentOne(tx, row), created: inserted !== undefined }
}

export function receiveOrder(ctx: Ctx, input: CreateOrderInput): Promise<ReceivedOrder> {
  return inTenant(ctx, (tx) => receiveOrderIn(tx, input))
}

/** The order's last recorded step: a new one may not be dated before it. */
function latestStep(row: OrderRow): [string, Date] {
  const steps: [string, Date | null][] = [
    ['placed_at', row.placedAt],
    ['paid_at', row.paidAt],
    ['shipped_at', row.shippedAt],
    ['delivered_at', row.deliveredAt],
  ]
  return steps.reduce<[string, Date]>(
    (last, [f, d]) => (d && d >= last[1] ? [f, d] : last),
    ['placed_at', row.placedAt],
  )
}

export function transitionOrder(
  ctx: Ctx,
  id: string,
  action: OrderAction,
  expectedVersion: number | undefined,
  input: { at?: string } = {},
): Promise<OrderView> {
  return inTenant(ctx, async (tx) => {
    const row = await lockOrder(tx, id)
    if (expectedVersion !== undefined && row.version !== expectedVersion) throw staleVersion('order', expectedVersion)
    if (!nextStatus(row.status, action)) throw refusal(row, action)
    const at = input.at ? new Date(input.at) : new Date()
    const [field, latest] = latestStep(row)
    if (at < latest)
      throw new AppError(
        'unprocessable',
        `A transition cannot happen before the order's ${field} (${latest.toISOString()}).`,
        {
          errors: [{ pointer: '/body/at', detail: `is before ${field}` }],
          extensions: { [field]: latest.toISOString() },
        },
      )
    const updated = await applyAction(tx, row, action, at)
    await audit(tx, `order.${updated.status}`, { type: 'order', id }, input)
    return presentOne(tx, updated)
  })
}

export function getOrder(ctx: Ctx, id: string): Promise<OrderView> {
  return inTenant(ctx, async (tx) => presentOne(tx, await orderRepo.get(tx, id)))
}

export interface OrderListInput extends PageRequest {
  status?: OrderStatus
  anchor_id?: string
  session_id?: string
  buyer_id?: string
  placed_from?: string
  placed_to?: string
}

async function listIn(tx: TxCtx, q: OrderListInput) {
  const { data, next_cursor } = await orderRepo.list(
    tx,
    q,
    q.status ? eq(orders.status, q.status) : undefined,
    q.anchor_id ? eq(orders.anchorId, q.anchor_id) : undefined,
    q.session_id ? eq(orders.sessionId, q.session_id) : undefined,
    q.buyer_id ? eq(orders.buyerId, q.buyer_id) : undefined,
    q.placed_from ? gte(orders.placedAt, new Date(q.placed_from)) : undefined,
    q.placed_to ? lt(orders.placedAt, new Date(q.placed_to)) : undefined,
  )
  return { data: await presentOrders(tx, data), next_cursor }
}

/** Newest first (ids are time-sortable), filtered; keyset-paginated. */
export function listOrders(ctx: Ctx, q: OrderListInput) {
  return inTenant(ctx, (tx) => listIn(tx, q))
}

/** A buyer's orders, newest first; another tenant's buyer id answers 404. */
export function listBuyerOrders(ctx: Ctx, buyerId: string, page: PageRequest) {
  return inTenant(ctx, async (tx) => {
    await getBuyer(tx, buyerId)
    return listIn(tx, { ...page, buyer_id: buyerId })
  })
}

const PURCHASED: OrderStatus[] = ['paid', 'shipped', 'delivered', 'completed']

/**
 * The facts repurchase rate (复购率) and count (复购次数) are computed from: a purchase is an order
 * that was paid and not cancelled; every purchase after the first is a repurchase.
 */
export function buyerOrderFacts(ctx: Ctx, buyerId: string) {
  return inTenant(ctx, async (tx) => {
    const buyer = await getBuyer(tx, buyerId)
    const [facts] = await tx.tx
      .select({
        orders: sql<number>`count(*)::int`,
        purchases: sql<number>`(count(*) filter (where ${inArray(orders.status, PURCHASED)}))::int`,
        first: sql<Date | null>`min(${orders.placedAt})`,
        last: sql<Date | null>`max(${orders.placedAt})`,
      })
      .from(orders)
      .where(scoped(tx, orders, eq(orders.buyerId, buyerId)))
    const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null)
    const purchases = facts?.purchases ?? 0
    return {
      buyer_id: buyer.id,
      platform: buyer.platform,
      first_seen_at: buyer.first_seen_at,
      orders_count: facts?.orders ?? 0,
      paid_orders_count: purchases,
      repurchase_count: Math.max(purchases - 1, 0),
      first_order_at: iso(facts?.first),
      last_order_at: iso(facts?.last),
    }
  })
}
