import t from 'tap'
import { Webhook } from 'standardwebhooks'
import { systemCtx } from '../../../src/lib/context.js'
import { disputeEscalation } from '../../../src/modules/aftersales/jobs.js'
import { buildTestApp, createTenant } from '../../helper.js'
import { ok, orderBody, world } from '../orders/builders.js'
import { startReceiver } from './receiver.js'

/**
 * Issue #12: a subscriber's receiver sees every order, refund and dispute event, signed, each
 * carrying the resource as GET shows it at that step.
 */
t.test('a subscriber receives every order, refund and dispute event, signed', async (t) => {
  const { app } = await buildTestApp(t, { workers: true, config: { NODE_ENV: 'development' } })
  const mcn = await createTenant(app, { kind: 'mcn' })
  const platform = await createTenant(app, { kind: 'platform' })
  const receiver = await startReceiver(t)
  const { secret } = await ok(
    await mcn.post('/v1/webhook-endpoints', {
      url: receiver.url,
      event_types: ['order.*', 'refund.*', 'dispute.*'],
    }),
  )
  const w = await world(mcn)

  // One order walks the whole state machine, with a change re-sent before payment.
  const body = orderBody(w)
  const order = await ok(await mcn.post('/v1/orders', body))
  await ok(await mcn.post('/v1/orders', { ...body, items: [{ ...body.items[0], quantity: 2 }] }), 200)
  for (const step of ['pay', 'ship', 'deliver', 'complete'])
    await ok(await mcn.post(`/v1/orders/${order.id}/${step}`), 200)
  const cancelled = await ok(await mcn.post('/v1/orders', orderBody(w)))
  await ok(await mcn.post(`/v1/orders/${cancelled.id}/cancel`), 200)

  // A refund with return of goods to completion, and one refused.
  const refund = await ok(
    await mcn.post(`/v1/orders/${order.id}/refunds`, { reason: 'damaged', amount: 1000, with_return: true }),
  )
  await ok(await mcn.post(`/v1/refunds/${refund.id}/approve`), 200)
  await ok(await mcn.post(`/v1/refunds/${refund.id}/return-shipment`, { tracking_number: 'SF1' }), 200)
  await ok(await mcn.post(`/v1/refunds/${refund.id}/complete`), 200)
  const refused = await ok(await mcn.post(`/v1/orders/${order.id}/refunds`, { reason: 'damaged', amount: 100 }))
  await ok(await mcn.post(`/v1/refunds/${refused.id}/refuse`, { reason: '已超过售后期' }), 200)

  // A dispute answered by the merchant, left unanswered by the buyer (escalated by the clock), decided.
  const dispute = await ok(await mcn.post('/v1/disputes', { order_id: order.id, evidence: { text: '罐子压扁' } }))
  await ok(await mcn.post(`/v1/disputes/${dispute.id}/merchant-response`, { evidence: { text: '包装完好' } }), 200)
  await disputeEscalation.handler(
    { ...systemCtx('test'), db: app.db, queues: app.queues, log: app.log },
    { now: new Date(Date.now() + 49 * 3_600_000).toISOString() },
    { id: 'tick', name: disputeEscalation.name, queue: 'governance', attempt: 1, updateProgress: async () => {} },
  )
  await ok(await platform.post(`/v1/disputes/${dispute.id}/decision`, { outcome: 'side_with_merchant' }), 200)

  const expected = [
    'order.created',
    'order.updated',
    'order.paid',
    'order.shipped',
    'order.delivered',
    'order.completed',
    'order.created',
    'order.cancelled',
    'refund.requested',
    'refund.approved',
    'refund.return_shipped',
    'refund.completed',
    'refund.requested',
    'refund.refused',
    'dispute.opened',
    'dispute.answered',
    'dispute.escalated',
    'dispute.resolved',
  ]
  const listed = (await mcn.get('/v1/events?limit=200'))
    .json()
    .data.reverse()
    .filter((e: { type: string }) => /^(order|refund|dispute)\./.test(e.type))
  t.same(
    listed.map((e: { type: string }) => e.type),
    expected,
    'one event per step, in order',
  )

  await receiver.waitFor(expected.length)
  const delivered = receiver.deliveries.map(
    (d) => new Webhook(secret).verify(d.body, d.headers as Record<string, string>) as { id: string; type: string },
  )
  t.same(
    delivered.map((e) => e.id).sort(),
    listed.map((e: { id: string }) => e.id).sort(),
    'every one delivered once, each signature verified',
  )
  const last = (type: string) => delivered.filter((e) => e.type === type).at(-1) as any
  t.match(last('order.completed'), { data: { id: order.id, status: 'completed' } })
  t.match(last('refund.completed'), { data: { id: refund.id, status: 'completed', amount: 1000 } })
  t.match(last('refund.refused'), { data: { id: refused.id, status: 'refused', refusal_reason: '已超过售后期' } })
  t.match(last('dispute.escalated'), { data: { id: dispute.id, stage: 'platform_review' } })
  t.match(last('dispute.resolved'), { data: { id: dispute.id, stage: 'resolved', outcome: 'side_with_merchant' } })
  const now = await ok(await mcn.get(`/v1/disputes/${dispute.id}`), 200)
  t.same(last('dispute.resolved').data, now, 'the last dispute event carries the dispute as GET shows it')
})
