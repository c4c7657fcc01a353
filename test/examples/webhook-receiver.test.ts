import { spawn } from 'node:child_process'
import path from 'node:path'
import t from 'tap'
import { createTenant, createTestDatabase } from '../helper.js'
import { makeProduct, makeSupplier } from '../modules/catalog/builders.js'
import { freePort, root, sleep } from '../cli/run.js'
import { startApp, testAppConfig } from '../support/app.js'

const tsx = import.meta.resolve('tsx')

t.test('examples/webhook-receiver.ts receives real, verified deliveries from a development server', async (t) => {
  // What `showrunner dev` runs: development mode, so the endpoint may be on localhost, and the workers deliver.
  const config = testAppConfig(await createTestDatabase(t), { overrides: { NODE_ENV: 'development' } })
  const started = await startApp(config, { workers: true, listen: true })
  t.teardown(() => started.close())
  const mcn = await createTenant(started.app)

  // The endpoint first: its secret is what the receiver verifies with.
  const port = await freePort()
  const created = await mcn.post('/v1/webhook-endpoints', {
    url: `http://127.0.0.1:${port}/`,
    event_types: ['product.*'],
  })
  t.equal(created.statusCode, 201, created.body)
  const { endpoint, secret } = created.json()

  const receiver = spawn(process.execPath, ['--import', tsx, path.join(root, 'examples/webhook-receiver.ts')], {
    cwd: root,
    env: { PATH: process.env.PATH!, WEBHOOK_SECRET: secret, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  receiver.stdout.on('data', (d) => (output += d))
  receiver.stderr.on('data', (d) => (output += d))
  const exited = new Promise((resolve) => receiver.on('exit', resolve))
  t.teardown(async () => {
    receiver.kill('SIGKILL')
    await exited
  })
  const until = async (what: string, check: () => boolean) => {
    const deadline = Date.now() + 30_000
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the receiver printed:\n${output}`)
      await sleep(100)
    }
  }
  await until('the receiver to listen', () => output.includes(`listening on http://127.0.0.1:${port}`))

  const supplier = await makeSupplier(mcn)
  const product = await makeProduct(mcn, supplier.id)
  // One change at a time: the receiver drops an event older than one it applied, and deliveries may overtake.
  await until('the creation', () => output.includes(`product.created product/${product.id} v1\n`))
  const changed = await mcn.patch(`/v1/products/${product.id}`, { stock: 7 }, { 'if-match': `"${product.version}"` })
  t.equal(changed.statusCode, 200, changed.body)
  await until('the update', () => output.includes(`product.updated product/${product.id} v2\n`))
  t.notMatch(output, /supplier/, 'only what the endpoint subscribes to')

  const attempts = (await mcn.get(`/v1/webhook-endpoints/${endpoint.id}/attempts`)).json().data
  t.same(
    attempts.map((a: { outcome: string; status_code: number }) => [a.outcome, a.status_code]),
    [
      ['succeeded', 204],
      ['succeeded', 204],
    ],
    'the receiver answered 204 to each delivery',
  )
})
