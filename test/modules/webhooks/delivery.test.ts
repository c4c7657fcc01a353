import t from 'tap'
import { Webhook, WebhookVerificationError } from 'standardwebhooks'
import { verifyWebhook } from '../../../sdk/src/index.js'
import { buildTestApp, createTenant } from '../../helper.js'
import { supplierAdmitted, waitUntil } from './events.js'
import { startReceiver } from './receiver.js'

for (const backend of ['redis', 'postgres'] as const) {
  t.test(
    `${backend} queues: a committed event reaches the endpoint signed, exactly as GET /v1/events/{id} shows it`,
    async (t) => {
      const { app } = await buildTestApp(t, {
        workers: true,
        redis: backend === 'redis',
        config: { NODE_ENV: 'development' },
      })
      const mcn = await createTenant(app)
      const other = await createTenant(app)
      const receiver = await startReceiver(t)
      const created = await mcn.post('/v1/webhook-endpoints', { url: receiver.url, event_types: ['supplier.*'] })
      t.equal(created.statusCode, 201, created.body)
      const { endpoint, secret } = created.json()
      // The other tenant's events never reach this tenant's endpoint.
      const otherReceiver = await startReceiver(t)
      await other.post('/v1/webhook-endpoints', { url: otherReceiver.url, event_types: ['*'] })

      const eventId = await supplierAdmitted(app, mcn, 1)
      await receiver.waitFor(1, backend === 'postgres' ? 30000 : 15000)
      const [delivery] = receiver.deliveries
      const verified = new Webhook(secret).verify(delivery!.body, delivery!.headers as Record<string, string>)
      const asListed = (await mcn.get(`/v1/events/${eventId}`)).json()
      t.same(verified, asListed, 'the verified body is the event as the API shows it')
      t.equal(delivery!.body, JSON.stringify(asListed), 'byte for byte')
      t.equal(delivery!.headers['webhook-id'], eventId)
      t.same(verifyWebhook(secret, delivery!.body, delivery!.headers), asListed, 'the SDK verifies it too')
      t.throws(
        () =>
          new Webhook(secret).verify(
            delivery!.body.replace('Farm 1', 'Farm 2'),
            delivery!.headers as Record<string, string>,
          ),
        WebhookVerificationError,
        'a tampered body fails verification with the standard library',
      )

      const message = await waitUntil('the message to be marked delivered', async () => {
        const list = (await mcn.get(`/v1/webhook-endpoints/${endpoint.id}/messages`)).json()
        return list.data[0]?.state === 'succeeded' ? list.data[0] : undefined
      })
      t.match(message, { event_id: eventId, event_type: 'supplier.admitted', attempts: 1, round: 1 })
      const attempts = (await mcn.get(`/v1/webhook-endpoints/${endpoint.id}/attempts`)).json()
      t.match(attempts.data, [{ event_id: eventId, outcome: 'succeeded', status_code: 204, attempt: 1 }])
      t.equal(otherReceiver.deliveries.length, 0, 'nothing crossed to the other tenant')
    },
  )
}
