import t from 'tap'
import { systemCtx } from '../../../src/lib/context.js'
import { disputeEscalation } from '../../../src/modules/aftersales/jobs.js'
import { buildTestApp, createTenant } from '../../helper.js'
import { ok, paidOrder, world } from './builders.js'

const HOUR = 3_600_000

t.test('disputes', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app, { kind: 'mcn' })
  const other = await createTenant(app, { kind: 'mcn' })
  const platform = await createTenant(app, { kind: 'platform' })
  const w = await world(mcn)
  const evidence = { text: '收到时罐子已经压扁', urls: ['https://cdn.example.com/e/1.jpg'] }
  const open = async (orderId: string, extra: Record<string, unknown> = {}) =>
    ok(await mcn.post('/v1/disputes', { order_id: orderId, evidence, ...extra }))
  const escalateAt = (now: Date) =>
    disputeEscalation.handler(
      { ...systemCtx('test'), db: app.db, queues: app.queues, log: app.log },
      { now: now.toISOString() },
      { id: 'tick', name: disputeEscalation.name, queue: 'governance', attempt: 1, updateProgress: async () => {} },
    ) as Promise<{ tenants: number; escalated: number }>
  const events = async (id: string) =>
    (await mcn.get('/v1/events?limit=200'))
      .json()
      .data.filter((e: any) => e.resource?.id === id)
      .map((e: any) => e.type)
      .reverse()

  t.test('each step is recorded; the buyer’s reply takes it to the platform, which splits', async (t) => {
    const order = await paidOrder(mcn, w, 5_000)
    const d = await open(order.id)
    t.match(d, { id: /^dsp_/, stage: 'merchant_response', order_id: order.id, refund_id: null, currency: 'CNY' })
    t.equal(Date.parse(d.deadline_at) - Date.parse(d.created_at) > 47.9 * HOUR, true, 'the merchant has 48 hours')
    t.match(d.steps, [{ party: 'buyer', kind: 'opened', text: evidence.text, urls: evidence.urls }])
    t.equal((await mcn.post(`/v1/disputes/${d.id}/buyer-reply`, { evidence })).statusCode, 409, 'not the buyer’s turn')

    const answered = await ok(
      await mcn.post(`/v1/disputes/${d.id}/merchant-response`, { evidence: { text: '发货前包装完好' } }),
      200,
    )
    t.match(answered, {
      stage: 'buyer_reply',
      steps: [{ kind: 'opened' }, { party: 'merchant', kind: 'merchant_responded' }],
    })
    const replied = await ok(await mcn.post(`/v1/disputes/${d.id}/buyer-reply`, { evidence }), 200)
    t.match(replied, { stage: 'platform_review', deadline_at: null, escalated_at: /Z$/ })

    t.equal(
      (await mcn.post(`/v1/disputes/${d.id}/decision`, { outcome: 'split', amount: 2_500 })).statusCode,
      403,
      'an MCN cannot decide',
    )
    t.equal(
      (await platform.post(`/v1/disputes/${d.id}/decision`, { outcome: 'split' })).statusCode,
      422,
      'a split needs its amount',
    )
    t.equal((await platform.get(`/v1/disputes/${d.id}`)).json().stage, 'platform_review', 'the platform reads it')
    const decided = await ok(
      await platform.post(`/v1/disputes/${d.id}/decision`, { outcome: 'split', amount: 2_500, note: '各半' }),
      200,
    )
    t.match(decided, { stage: 'resolved', outcome: 'split', decided_amount: 2_500, decision_refund_id: /^rfd_/ })
    t.equal(decided.decided_by, platform.organizationId)
    const refund = (await mcn.get(`/v1/refunds/${decided.decision_refund_id}`)).json()
    t.match(refund, { status: 'completed', amount: 2_500, dispute_id: d.id })
    t.equal((await platform.post(`/v1/disputes/${d.id}/decision`, { outcome: 'side_with_merchant' })).statusCode, 409)
    t.same(await events(d.id), ['dispute.opened', 'dispute.answered', 'dispute.escalated', 'dispute.resolved'])
    t.same(await events(refund.id), ['refund.requested', 'refund.approved', 'refund.completed'])
  })

  t.test(
    'escalation with an injected clock: unanswered → escalated, never before the deadline, never twice',
    async (t) => {
      const order = await paidOrder(mcn, w, 10_000)
      const d = await open(order.id)
      const deadline = new Date(d.deadline_at)
      const early = await escalateAt(new Date(deadline.getTime() - 1))
      t.equal(early.escalated, 0, 'a millisecond before the deadline nothing moves')
      t.equal((await mcn.get(`/v1/disputes/${d.id}`)).json().stage, 'merchant_response')

      const answered = await open(order.id)
      await ok(await mcn.post(`/v1/disputes/${answered.id}/merchant-response`, { evidence }), 200)

      // The buyer's 48 hours started after the merchant answered, so they run past `deadline`.
      const late = await escalateAt(deadline)
      t.equal(
        late.escalated,
        1,
        'at its deadline the unanswered dispute escalates; the answered one waits for the buyer',
      )
      const escalated = (await mcn.get(`/v1/disputes/${d.id}`)).json()
      t.match(escalated, { stage: 'platform_review', escalated_at: deadline.toISOString() })
      t.match(escalated.steps.at(-1), { party: 'system', kind: 'escalated', text: /merchant_response deadline/ })
      t.equal((await escalateAt(deadline)).escalated, 0, 'never twice')

      const buyerSilent = await escalateAt(new Date(deadline.getTime() + 49 * HOUR))
      t.equal(buyerSilent.escalated, 1, 'a buyer who never replies escalates too')
      t.equal((await mcn.get(`/v1/disputes/${answered.id}`)).json().stage, 'platform_review')
      t.same(await events(d.id), ['dispute.opened', 'dispute.escalated'])

      t.test('the platform’s refund goes through the ledger: it never overshoots', async (t) => {
        await ok(await mcn.post(`/v1/orders/${order.id}/refunds`, { reason: 'damaged', amount: 4_000 }))
        const over = await platform.post(`/v1/disputes/${d.id}/decision`, { outcome: 'refund_buyer', amount: 6_001 })
        t.equal(over.statusCode, 422)
        t.match(over.json(), { code: 'refund_exceeds_paid', refundable: 6_000 })
        t.equal((await mcn.get(`/v1/disputes/${d.id}`)).json().stage, 'platform_review', 'nothing changed')
        const full = await ok(
          await platform.post(`/v1/disputes/${d.id}/decision`, { outcome: 'refund_buyer', amount: 6_000 }),
          200,
        )
        t.match(full, { outcome: 'refund_buyer', decided_amount: 6_000 })
        const other = await ok(
          await platform.post(`/v1/disputes/${answered.id}/decision`, { outcome: 'side_with_merchant' }),
          200,
        )
        t.match(other, { stage: 'resolved', outcome: 'side_with_merchant', decision_refund_id: null })
        t.equal((await mcn.post(`/v1/orders/${order.id}/refunds`, { reason: 'damaged', amount: 1 })).statusCode, 422)
      })
    },
  )

  t.test('a dispute on a refund: a pending request is superseded by the decision, not counted twice', async (t) => {
    const order = await paidOrder(mcn, w, 1_000)
    const refund = await ok(await mcn.post(`/v1/orders/${order.id}/refunds`, { reason: 'damaged', amount: 1_000 }))
    const d = await open(order.id, { refund_id: refund.id })
    t.equal(d.refund_id, refund.id)
    await ok(await mcn.post(`/v1/disputes/${d.id}/merchant-response`, { evidence }), 200)
    await ok(await mcn.post(`/v1/disputes/${d.id}/buyer-reply`, { evidence }), 200)
    await ok(await platform.post(`/v1/disputes/${d.id}/decision`, { outcome: 'refund_buyer', amount: 1_000 }), 200)
    t.match((await mcn.get(`/v1/refunds/${refund.id}`)).json(), { status: 'refused', refusal_reason: /Superseded/ })
  })

  t.test('withdrawal, bad input, lists and isolation', async (t) => {
    const order = await paidOrder(mcn, w, 1_000)
    const d = await open(order.id)
    t.equal((await mcn.post('/v1/disputes', { order_id: order.id })).statusCode, 400, 'evidence is required')
    const foreign = await paidOrder(other, await world(other), 1_000)
    t.equal((await mcn.post('/v1/disputes', { order_id: foreign.id, evidence })).statusCode, 404)
    const ofOtherRefund = await mcn.post('/v1/disputes', {
      order_id: order.id,
      refund_id: `rfd_${'0'.repeat(26)}`,
      evidence,
    })
    t.equal(ofOtherRefund.statusCode, 422)
    t.equal((await other.get(`/v1/disputes/${d.id}`)).statusCode, 404)
    t.equal((await other.post(`/v1/disputes/${d.id}/withdraw`)).statusCode, 404)
    t.same(
      (await mcn.get(`/v1/disputes?order_id=${order.id}`)).json().data.map((x: any) => x.id),
      [d.id],
    )
    const withdrawn = await ok(await mcn.post(`/v1/disputes/${d.id}/withdraw`), 200)
    t.match(withdrawn, { stage: 'withdrawn', deadline_at: null, resolved_at: /Z$/ })
    t.equal((await mcn.post(`/v1/disputes/${d.id}/withdraw`)).statusCode, 409)
    t.same((await mcn.get(`/v1/disputes?order_id=${order.id}&stage=merchant_response`)).json().data, [])
  })
})
