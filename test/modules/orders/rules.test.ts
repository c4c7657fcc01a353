import t from 'tap'
import { allowedActions, commissionOf, nextStatus, ORDER_ACTIONS, pathTo } from '../../../src/modules/orders/rules.js'
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
