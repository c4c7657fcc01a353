import t from 'tap'
import {
  allowedRefundActions,
  isRefundable,
  nextRefundStatus,
  REFUND_ACTIONS,
} from '../../../src/modules/aftersales/rules.js'

t.test('refund transitions, every status × action × with/without return', async (t) => {
  const table: [string, boolean, Record<string, string | undefined>][] = [
    ['requested', false, { approve: 'approved', refuse: 'refused' }],
    ['requested', true, { approve: 'approved', refuse: 'refused' }],
    ['approved', false, { complete: 'completed' }],
    ['approved', true, { ship_return: 'return_shipped' }],
    ['return_shipped', true, { complete: 'completed' }],
    ['completed', false, {}],
    ['completed', true, {}],
    ['refused', false, {}],
    ['refused', true, {}],
  ]
  for (const [from, withReturn, expected] of table)
    for (const action of REFUND_ACTIONS)
      t.equal(
        nextRefundStatus(from as any, action, withReturn),
        expected[action],
        `${from} (${withReturn ? 'with' : 'no'} return) --${action}→ ${expected[action] ?? 'refused'}`,
      )
  t.same(allowedRefundActions('requested', false), ['approve', 'refuse'])
  t.same(allowedRefundActions('approved', true), ['ship_return'])
  t.same(allowedRefundActions('refused', true), [])
})

t.test('refundable order statuses', async (t) => {
  for (const [status, refundable] of [
    ['created', false],
    ['paid', true],
    ['shipped', true],
    ['delivered', true],
    ['completed', true],
    ['cancelled', false],
  ] as const)
    t.equal(isRefundable(status), refundable, status)
})
