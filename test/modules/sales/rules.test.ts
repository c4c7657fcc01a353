import t from 'tap'
import { dayOf, disputedLine, returnedUnits, type SaleLine } from '../../../src/modules/sales/rules.js'

const line = (id: string, quantity: number, amount: number, returnedQuantity = 0): SaleLine => ({
  id,
  quantity,
  amount,
  returnedQuantity,
})

t.test('returned units follow the refunded share of the amount', async (t) => {
  const lines = [line('a', 20, 20_000), line('b', 2, 1_000)]
  t.same(returnedUnits(lines, { order_item_id: 'a', amount: 5_000 }), [5, 0], 'a quarter of line a')
  t.same(returnedUnits(lines, { order_item_id: 'a', amount: 1 }), [1, 0], 'goods came back: at least one unit')
  t.same(
    returnedUnits([line('a', 20, 20_000, 18)], { order_item_id: 'a', amount: 20_000 }),
    [2],
    'never more than is left',
  )
  t.same(
    returnedUnits([line('a', 2, 0)], { order_item_id: 'a', amount: 1 }),
    [2],
    'a free line (a gift) comes back whole',
  )
  t.same(returnedUnits(lines, { order_item_id: 'zzz', amount: 1_000 }), [0, 0], 'a line the read does not have')
  t.same(returnedUnits(lines, { order_item_id: null, amount: 10_500 }), [10, 1], 'a whole-order refund: half of each')
  t.same(
    returnedUnits(lines, { order_item_id: null, amount: 10 }),
    [1, 0],
    'everything rounds to nothing: one unit of the largest line',
  )
  t.same(
    returnedUnits([line('a', 1, 500, 1), line('b', 1, 500)], { order_item_id: null, amount: 10 }),
    [0, 1],
    'the largest line with units left',
  )
  t.same(returnedUnits([line('a', 1, 500, 1)], { order_item_id: null, amount: 500 }), [0], 'all returned already')
})

t.test('a dispute counts against the largest line, the first on a tie', async (t) => {
  t.equal(disputedLine([line('a', 1, 100), line('b', 1, 300), line('c', 1, 300)])?.id, 'b')
  t.equal(disputedLine([]), undefined)
})

t.test('the day of a payment is its UTC day', async (t) => {
  t.equal(dayOf('2026-12-01T23:59:59.999Z'), '2026-12-01')
  t.equal(dayOf('2026-12-02T07:30:00+08:00'), '2026-12-01')
})
