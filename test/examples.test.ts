import t from 'tap'
import type { AddressInfo } from 'node:net'
import { buildTestApp, createTenant } from './helper.js'
import { readDemoCredentials, runProviderApp } from '../examples/provider-app.js'
import { createReceiver } from '../examples/webhook-receiver.js'
import { signWebhook } from '../sdk/src/index.js'
import { seedDemo } from '../src/seed.js'

t.test('examples/provider-app.ts runs against a real server', async (t) => {
  const { app } = await buildTestApp(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const provider = await createTenant(app, { kind: 'provider' })
  const mcn = await createTenant(app, { kind: 'mcn' })
  const lines: string[] = []
  const result = await runProviderApp({ baseUrl, provider, mcn, log: (l) => lines.push(l) })
  t.ok(result.auditEntries >= 1, 'the app read the MCN’s audit log through its installation')
  t.match(lines.at(-1), /after uninstalling, the app is refused/)
})

t.test('examples/provider-app.ts runs against the seeded demo with the credentials it saved', async (t) => {
  const { app, runtime } = await buildTestApp(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const dataDir = t.testdir()
  t.equal(readDemoCredentials(dataDir), undefined, 'no demo, no credentials')
  await seedDemo({ app, db: runtime.database.db, dataDir })
  const demo = readDemoCredentials(dataDir)!
  const lines: string[] = []
  const result = await runProviderApp({ baseUrl, ...demo, log: (l) => lines.push(l) })
  // The seed's own installation and its catalog are in the demo MCN's audit log.
  t.ok(result.auditEntries >= 20, `the app read the demo MCN’s audit log (${result.auditEntries} entries)`)
  t.match(lines.at(-1), /after uninstalling, the app is refused/)
})

t.test('examples/webhook-receiver.ts verifies, de-duplicates and orders by version', async (t) => {
  const secret = `whsec_${Buffer.from('a-test-secret-of-some-length!!').toString('base64')}`
  const received: string[] = []
  const server = createReceiver(secret, (e) => received.push(`${e.id}@${e.resource.version}`))
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  t.teardown(() => new Promise<void>((r) => server.close(() => r())))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const deliver = (id: string, version: number, sign = secret) => {
    const body = JSON.stringify({ id, type: 'order.paid', resource: { type: 'order', id: 'ord_1', version }, data: {} })
    const ts = Math.floor(Date.now() / 1000)
    return fetch(url, {
      method: 'POST',
      body,
      headers: {
        'webhook-id': id,
        'webhook-timestamp': String(ts),
        'webhook-signature': signWebhook(sign, id, ts, body),
      },
    })
  }
  t.equal((await deliver('evt_2', 2)).status, 204)
  t.equal((await deliver('evt_2', 2)).status, 204, 'a redelivery is acknowledged')
  t.equal((await deliver('evt_1', 1)).status, 204, 'a stale event is acknowledged')
  t.equal(
    (await deliver('evt_x', 3, `whsec_${Buffer.from('someone-else-entirely-here!!!!').toString('base64')}`)).status,
    400,
  )
  t.same(received, ['evt_2@2'], 'applied once, and the stale one is not applied')
})
