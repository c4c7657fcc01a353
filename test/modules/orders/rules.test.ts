import t from 'tap'
import {
  allowedActions,
  commissionOf,
  counterOrder,
  nextStatus,
  ORDER_ACTIONS,
  pathTo,
} from '../../../src/modules/orders/rules.js'
import { ORDER_STATUSES } from '../../../src/modules/orders/tables.js'

t.test('every (status, action) pair of the state machine', async (t) => {
  const legal: Record<string, string> = {
    'created pay': 'paid',
    'created cancel': 'cancelled',
    'paid ship': 'shipped',
    'paid cancel': 'cancelled',
    'shipped deliver': 'delivered',
    'delivered complete': 'completed',
  }
  for (const from of ORDER_STATUSES)
    for (const action of ORDER_ACTIONS)
      t.equal(
        nextStatus(from, action),
        legal[`${from} ${action}`],
        `${from} --${action}→ ${legal[`${from} ${action}`] ?? 'refused'}`,
      )
})

t.test('allowed actions per status, as a 409 names them', async (t) => {
  const cases = [
    ['created', ['pay', 'cancel']],
    ['paid', ['ship', 'cancel']],
    ['shipped', ['deliver']],
    ['delivered', ['complete']],
    ['completed', []],
    ['cancelled', []],
  ] as const
  for (const [from, allowed] of cases) t.same(allowedActions(from), allowed, from)
})

t.test('the path a re-sent status takes', async (t) => {
  const cases = [
    ['created', 'created', []],
    ['created', 'paid', ['pay']],
    ['created', 'completed', ['pay', 'ship', 'deliver', 'complete']],
    ['paid', 'delivered', ['ship', 'deliver']],
    ['created', 'cancelled', ['cancel']],
    ['paid', 'cancelled', ['cancel']],
    ['shipped', 'paid', []],
    ['completed', 'created', []],
    ['cancelled', 'cancelled', []],
    ['shipped', 'cancelled', undefined],
    ['completed', 'cancelled', undefined],
    ['cancelled', 'paid', undefined],
    ['cancelled', 'created', undefined],
  ] as const
  for (const [from, to, path] of cases) t.same(pathTo(from, to), path, `${from} → ${to}`)
})

t.test('commission rounds to the nearest minor unit', async (t) => {
  const cases = [
    [5744, 0.2, 1149],
    [1000, 0, 0],
    [3, 0.5, 2],
    [2872, 1, 2872],
  ] as const
  for (const [amount, rate, expected] of cases) t.equal(commissionOf(amount, rate), expected, `${amount} × ${rate}`)
})

t.test('supply counters are locked in one order, whatever the order of the lines', async (t) => {
  const line = (id: string, slotId: string | null, poolId: string | null, productId: string) => ({
    id,
    slotId,
    poolId,
    productId,
  })
  const cases: { lines: ReturnType<typeof line>[]; slots: string[]; pools: string[] }[] = [
    { lines: [], slots: [], pools: [] },
    {
      lines: [line('a', 'slot_2', 'pool_b', 'prd_1'), line('b', 'slot_1', 'pool_a', 'prd_2')],
      slots: ['b', 'a'],
      pools: ['b', 'a'],
    },
    {
      // The same pool: its items go by product.
      lines: [
        line('a', null, 'pool_a', 'prd_2'),
        line('b', null, 'pool_a', 'prd_1'),
        line('c', 'slot_1', null, 'prd_3'),
      ],
      slots: ['c'],
      pools: ['b', 'a'],
    },
  ]
  for (const { lines, slots, pools } of cases) {
    for (const arranged of [lines, [...lines].reverse()]) {
      const got = counterOrder(arranged)
      t.same(
        got.slots.map((l) => l.id),
        slots,
        `slots of ${arranged.map((l) => l.id).join(',') || 'none'}`,
      )
      t.same(
        got.pools.map((l) => l.id),
        pools,
        `pools of ${arranged.map((l) => l.id).join(',') || 'none'}`,
      )
    }
  }
})
