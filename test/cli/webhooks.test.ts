import { Webhook } from 'standardwebhooks'
import t, { type Test } from 'tap'
import { eventExample } from '../../src/lib/event-catalog.js'
import { createTestDatabase, createTenant } from '../helper.js'
import { makeProduct, makeSupplier } from '../modules/catalog/builders.js'
import { startReceiver } from '../modules/webhooks/receiver.js'
import { startApp, testAppConfig } from '../support/app.js'
import { freePort, place, run, serve, sleep } from './run.js'

/** A server on 127.0.0.1 with its workers, as `showrunner dev` runs it (development mode unless told otherwise). */
async function server(t: Test, nodeEnv: 'development' | 'test' = 'development') {
  const config = testAppConfig(await createTestDatabase(t), { overrides: { NODE_ENV: nodeEnv } })
  const started = await startApp(config, { workers: true, listen: true })
  t.teardown(() => started.close())
  return { app: started.app, url: started.url! }
}

async function until(what: string, check: () => boolean, ms = 20_000) {
  const deadline = Date.now() + ms
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await sleep(100)
  }
}

t.test(
  'listen prints the sample trigger sends and a real change, forwards both, and removes its endpoint on Ctrl-C',
  async (t) => {
    const { app, url } = await server(t)
    const mcn = await createTenant(app)
    const forwarded = await startReceiver(t, () => ({ status: 202 }))
    const p = await place(t, {
      SHOWRUNNER_URL: url,
      SHOWRUNNER_CLIENT_ID: mcn.clientId,
      SHOWRUNNER_CLIENT_SECRET: mcn.clientSecret,
    })

    const listener = serve(t, p, {
      args: ['webhooks', 'listen', '--events', 'product.*, anchor.updated', '--forward-to', forwarded.url],
    })
    await until('the listener to be ready', () => /Listening for/.test(listener.output()))
    const endpoints = (await mcn.get('/v1/webhook-endpoints')).json().data
    t.equal(endpoints.length, 1, 'one temporary endpoint')
    t.match(endpoints[0], { url: /^http:\/\/127\.0\.0\.1:\d+\/$/, event_types: ['product.*', 'anchor.updated'] })
    t.match(listener.output(), `through endpoint ${endpoints[0].id}`)

    const triggered = await run(p, ['webhooks', 'trigger', 'product.updated'])
    t.equal(triggered.code, 0, triggered.stderr)
    const eventId = /emitted as (evt_\w+)/.exec(triggered.stdout)?.[1]
    t.ok(eventId, `trigger names the sample's event: ${triggered.stdout}`)
    const example = eventExample('product.updated')!
    const line = new RegExp(
      `^\\d{4}-\\d\\d-\\d\\dT\\S+Z  product\\.updated  ${eventId}  product/${example.resource.id} v${example.resource.version}  \\(sample\\)$`,
      'm',
    )
    await until('the sample to be printed', () => line.test(listener.output()))
    await until('the forward to be answered', () => listener.output().includes(`  ${eventId} -> ${forwarded.url} 202`))

    // The forward is the delivery itself: same body, and headers that verify with the endpoint's secret.
    await forwarded.waitFor(1)
    const [sample] = forwarded.deliveries
    t.equal(sample!.headers['webhook-id'], eventId)
    const secret = /Signing secret of this endpoint: (whsec_\S+)/.exec(listener.output())?.[1]
    t.ok(secret, 'listen prints the secret forwarded deliveries verify with')
    t.doesNotThrow(
      () => new Webhook(secret!).verify(sample!.body, sample!.headers as Record<string, string>),
      'the forward verifies with it',
    )
    const body = JSON.parse(sample!.body)
    t.match(body, { id: eventId, type: 'product.updated', sample: true, resource: example.resource })
    t.same(body.data, example.data, 'the sample carries the catalog example')
    const event = (await mcn.get(`/v1/events/${eventId}`)).json()
    t.equal(event.sample, true, 'GET /v1/events shows it as a sample too')

    // A real change arrives the same way, not marked.
    const supplier = await makeSupplier(mcn)
    const product = await makeProduct(mcn, supplier.id)
    await until('the real event', () =>
      new RegExp(`product\\.created  evt_\\w+  product/${product.id} v1$`, 'm').test(listener.output()),
    )
    await forwarded.waitFor(2)
    t.match(JSON.parse(forwarded.deliveries[1]!.body), { type: 'product.created', sample: false })
    // The new supplier is admitted (supplier.admitted): not subscribed, so neither printed nor forwarded.
    await sleep(500)
    t.notMatch(listener.output(), /supplier\.|rejected/, 'only the subscribed types, all verified')

    // Anyone on the machine can POST to the port: what does not verify is refused, not printed or forwarded.
    const forged = await fetch(endpoints[0].url, {
      method: 'POST',
      headers: {
        'webhook-id': 'evt_forged',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': 'v1,AAAA',
      },
      body: JSON.stringify({ ...body, id: 'evt_forged' }),
    })
    t.equal(forged.status, 400)
    await until('the refusal', () => listener.output().includes('rejected a delivery that does not verify'))
    t.notMatch(listener.output(), /evt_forged/)
    t.equal(forwarded.deliveries.length, 2)

    process.kill(-listener.child.pid!, 'SIGINT')
    t.same(await listener.exited, { code: 0, signal: null }, 'Ctrl-C ends it with exit 0')
    t.match(listener.output(), `Deleted endpoint ${endpoints[0].id}.`)
    t.same((await mcn.get('/v1/webhook-endpoints')).json().data, [], 'its endpoint is gone')
  },
)

t.test('listen --json prints the whole delivery; Ctrl-C before any event still cleans up', async (t) => {
  const { app, url } = await server(t)
  const mcn = await createTenant(app)
  const p = await place(t, {
    SHOWRUNNER_URL: url,
    SHOWRUNNER_CLIENT_ID: mcn.clientId,
    SHOWRUNNER_CLIENT_SECRET: mcn.clientSecret,
  })
  const listener = serve(t, p, { args: ['webhooks', 'listen', '--json'] })
  await until('the listener to be ready', () => /Listening for \* on/.test(listener.output()))
  const triggered = await run(p, ['webhooks', 'trigger', 'supplier.admitted'])
  t.equal(triggered.code, 0, triggered.stderr)
  await until('the JSON body', () => listener.output().includes('"type": "supplier.admitted"'))
  await until('the whole body', () => listener.output().trimEnd().endsWith('}'))
  const printed = JSON.parse(listener.output().slice(listener.output().indexOf('\n{') + 1))
  const example = eventExample('supplier.admitted')!
  t.match(printed, { type: 'supplier.admitted', sample: true, resource: example.resource, request_id: /^req_/ })
  t.same(printed.data, example.data, 'pretty-printed, data and all')
  process.kill(-listener.child.pid!, 'SIGTERM')
  t.same(await listener.exited, { code: 0, signal: null })
  t.same((await mcn.get('/v1/webhook-endpoints')).json().data, [])
})

t.test('trigger refuses an unknown type naming the known ones, and webhook.test', async (t) => {
  const { app, url } = await server(t)
  const mcn = await createTenant(app)
  const p = await place(t, {
    SHOWRUNNER_URL: url,
    SHOWRUNNER_CLIENT_ID: mcn.clientId,
    SHOWRUNNER_CLIENT_SECRET: mcn.clientSecret,
  })
  const unknown = await run(p, ['webhooks', 'trigger', 'product.exploded'])
  t.equal(unknown.code, 1)
  t.match(unknown.stderr, /"product\.exploded" is not an event type; samples can be made of: .*product\.updated/)
  const test = await run(p, ['webhooks', 'trigger', 'webhook.test'])
  t.equal(test.code, 1)
  t.match(test.stderr, /webhook\.test goes to one endpoint only \(POST \/v1\/webhook-endpoints\/\{id\}\/test\)/)
  t.same((await mcn.get('/v1/events')).json().data, [], 'nothing was emitted')

  const noCredentials = await run({ ...p, env: { ...p.env, SHOWRUNNER_CLIENT_SECRET: '' } }, [
    'webhooks',
    'trigger',
    'x',
  ])
  t.equal(noCredentials.code, 2)
  t.match(noCredentials.stderr, /set SHOWRUNNER_CLIENT_ID and SHOWRUNNER_CLIENT_SECRET/)
  const wrongSecret = await run(p, ['webhooks', 'trigger', 'product.updated', '--client-secret', 'nope'])
  t.equal(wrongSecret.code, 1)
  t.match(wrongSecret.stderr, /token refused/)
  const closed = `http://127.0.0.1:${await freePort()}`
  const away = await run(p, ['webhooks', 'trigger', 'product.updated', '--url', closed])
  t.equal(away.code, 1)
  t.match(away.stderr, `cannot reach ${closed} (connect ECONNREFUSED`)
  const twoTypes = await run(p, ['webhooks', 'trigger', 'a', 'b'])
  t.equal(twoTypes.code, 2)
  const badFlag = await run(p, ['webhooks', 'listen', '--colour'])
  t.equal(badFlag.code, 2)
  t.match(badFlag.stderr, /Unknown option '--colour'/)
})

t.test('listen against a server outside development mode says why it cannot register', async (t) => {
  const { app, url } = await server(t, 'test')
  const mcn = await createTenant(app)
  const p = await place(t, {
    SHOWRUNNER_URL: url,
    SHOWRUNNER_CLIENT_ID: mcn.clientId,
    SHOWRUNNER_CLIENT_SECRET: mcn.clientSecret,
  })
  const res = await run(p, ['webhooks', 'listen'])
  t.equal(res.code, 1)
  t.match(res.stderr, /The webhook URL is refused: .*loopback/)
  t.match(res.stderr, /delivers to localhost only in development mode/)
  t.same((await mcn.get('/v1/webhook-endpoints')).json().data, [])
})
