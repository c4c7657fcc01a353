import t from 'tap'
import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Webhook } from 'standardwebhooks'
import { buildTestApp, createTenant, TEST_REDIS_URL } from '../../helper.js'
import { supplierAdmitted } from './events.js'
import { startReceiver } from './receiver.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

t.test('kill -9 the worker in the middle of deliveries: every committed event arrives, none invented', async (t) => {
  const { app, config, databaseUrl } = await buildTestApp(t, { config: { NODE_ENV: 'development' } })
  const workers: ChildProcess[] = []
  const startWorker = () => {
    // node itself, with tsx's loader, so the kill reaches the worker and not a wrapper around it.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'test/modules/webhooks/worker-process.ts')],
      {
        env: {
          ...process.env,
          NODE_ENV: 'development',
          LOG_LEVEL: 'silent',
          DATABASE_URL: databaseUrl,
          REDIS_URL: TEST_REDIS_URL,
          QUEUE_PREFIX: config.QUEUE_PREFIX,
        },
        stdio: 'ignore',
        cwd: root,
      },
    )
    workers.push(child)
    return child
  }
  t.teardown(() => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL')
  })

  const mcn = await createTenant(app)
  const receiver = await startReceiver(t, undefined, { holdMs: 150 })
  const { secret } = (
    await mcn.post('/v1/webhook-endpoints', { url: receiver.url, event_types: ['supplier.admitted'] })
  ).json()
  const first = startWorker()
  const committed = new Set<string>()
  for (let n = 1; n <= 40; n++) committed.add(await supplierAdmitted(app, mcn, n))

  await receiver.waitFor(8, 60000)
  first.kill('SIGKILL')
  await new Promise((r) => first.once('exit', r))
  // Requests the dead worker had sent are still answered by the receiver for a moment.
  await new Promise((r) => setTimeout(r, 400))
  const atKill = receiver.deliveries.length
  t.ok(atKill < 40, `killed with ${atKill} of 40 delivered`)
  await new Promise((r) => setTimeout(r, 1500))
  t.equal(receiver.deliveries.length, atKill, 'nothing is delivered while no worker runs')
  startWorker()

  const unique = () => new Set(receiver.deliveries.map((d) => String(d.headers['webhook-id'])))
  const deadline = Date.now() + 90_000
  while (unique().size < committed.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250))
  const received = unique()
  t.same(
    [...received].filter((id) => !committed.has(id)),
    [],
    'no event was invented',
  )
  t.same(
    [...committed].filter((id) => !received.has(id)),
    [],
    'no committed event was lost',
  )
  for (const d of receiver.deliveries) new Webhook(secret).verify(d.body, d.headers as Record<string, string>)
  t.pass(`${receiver.deliveries.length} deliveries for ${committed.size} events, every one verified`)
})
