import type { OrderStatus } from './tables.js'

export const ORDER_ACTIONS = ['pay', 'ship', 'deliver', 'complete', 'cancel'] as const
export type OrderAction = (typeof ORDER_ACTIONS)[number]

/**
 * The order state machine. Like Shopify, an order can be cancelled until it is fulfilled
 * (created or paid; a paid one gives its supply back); once shipped, only after-sales
 * (returns, refunds) can undo it.
 */
export const TRANSITIONS: Record<OrderStatus, Partial<Record<OrderAction, OrderStatus>>> = {
  created: { pay: 'paid', cancel: 'cancelled' },
  paid: { ship: 'shipped', cancel: 'cancelled' },
  shipped: { deliver: 'delivered' },
  delivered: { complete: 'completed' },
  completed: {},
  cancelled: {},
}

/** The actions allowed from a status, in the machine's order. */
export const allowedActions = (from: OrderStatus): OrderAction[] =>
  ORDER_ACTIONS.filter((a) => TRANSITIONS[from][a] !== undefined)

/** The status an action leads to, or undefined when it is not allowed from `from`. */
export const nextStatus = (from: OrderStatus, action: OrderAction): OrderStatus | undefined => TRANSITIONS[from][action]

const MAIN_LINE: OrderStatus[] = ['created', 'paid', 'shipped', 'delivered', 'completed']
const ACTION_INTO: Record<Exclude<OrderStatus, 'created'>, OrderAction> = {
  paid: 'pay',
  shipped: 'ship',
  delivered: 'deliver',
  completed: 'complete',
  cancelled: 'cancel',
}

/**
 * The actions that bring an order from `from` to the status a re-sent platform order reports.
 * `[]` when it is already there or the platform reports an earlier state of the main line
 * (platforms re-send out of order, and a stale copy must not move an order back);
 * `undefined` when no legal path leads there (cancelling a shipped order, reviving a cancelled one).
 */
export function pathTo(from: OrderStatus, to: OrderStatus): OrderAction[] | undefined {
  if (from === to) return []
  if (to === 'cancelled') return nextStatus(from, 'cancel') ? ['cancel'] : undefined
  if (from === 'cancelled') return undefined
  const i = MAIN_LINE.indexOf(from)
  const j = MAIN_LINE.indexOf(to)
  if (j <= i) return []
  return MAIN_LINE.slice(i + 1, j + 1).map((s) => ACTION_INTO[s as Exclude<OrderStatus, 'created'>])
}

/** round(amount × rate) in minor units: the commission fixed on a line when it is sold. */
export const commissionOf = (amount: number, rate: number) => Math.round(amount * rate)

type CounterLine = { slotId: string | null; poolId: string | null; productId: string }

/**
 * The lines in the order their supply counters are locked: slot lines by slot id, then pool
 * lines by (pool, product). Drawing (pay) and giving back (cancel) both follow it, so two
 * orders over the same counters wait for each other instead of deadlocking.
 */
export function counterOrder<L extends CounterLine>(lines: readonly L[]): { slots: L[]; pools: L[] } {
  const key = (l: L) => `${l.poolId}\0${l.productId}`
  return {
    slots: lines.filter((l) => l.slotId).sort((a, b) => a.slotId!.localeCompare(b.slotId!)),
    pools: lines.filter((l) => l.poolId).sort((a, b) => key(a).localeCompare(key(b))),
  }
}
