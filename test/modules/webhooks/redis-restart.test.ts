import t, { type Test } from 'tap'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { sql } from 'drizzle-orm'
import { Webhook } from 'standardwebhooks'
import { buildTestApp, createTenant } from '../../helper.js'
import { supplierAdmitted } from './events.js'
import { startReceiver } from './receiver.js'

async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const { port } = s.address() as { port: number }
  await new Promise((r) => s.close(r))
  return port
}

/** A Redis of this test's own (append-only file on, as production runs it), so restarting it disturbs nobody else. */
async function ownRedis(t: Test) {
  const dir = await mkdtemp(path.join(tmpdir(), 'showrunner-redis-'))
  const port = await freePort()
  let child: ChildProcess | undefined
  const start = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', ''],
      {
        stdio: 'ignore',
      },
    )
    for (let i = 0; i < 50; i++) {
      const up = await new Promise<boolean>((resolve) => {
        const probe = spawn('redis-cli', ['-p', String(port), 'ping'], { stdio: ['ignore', 'pipe', 'ignore'] })
        let out = ''
        probe.stdout.on('data', (d) => {
          out += d
        })
        probe.on('exit', () => resolve(out.includes('PONG')))
      })
      if (up) return
      await new Promise((r) => setTimeout(r, 100))
    }
    throw new Error('redis-server did not start')
  }
  const stop = async () => {
    const running = child
    if (!running || running.exitCode !== null) return
    const exited = new Promise((r) => running.once('exit', r))
    running.kill('SIGTERM')
    await exited
  }
  const running = () => child !== undefined && child.exitCode === null && child.signalCode === null
  await start()
  t.teardown(async () => {
    await stop()
    await rm(dir, { recursive: true, force: true })
  })
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    stop,
    /** Back up if a failed step left it down: closing the app's workers waits on Redis forever, hiding the failure behind a timeout. */
    ensureRunning: async () => {
      if (!running()) await start()
    },
  }
}

t.test('Redis restarted in the middle of deliveries: nothing is lost', async (t) => {
  const redis = await ownRedis(t)
  const { app } = await buildTestApp(t, { workers: true, config: { NODE_ENV: 'development', REDIS_URL: redis.url } })
  // Teardowns run last-registered first: Redis is up again before the app closes.
  t.teardown(redis.ensureRunning)
  const started = Date.now()
  const step = (what: string) => t.comment(`${what} after ${((Date.now() - started) / 1000).toFixed(1)} s`)
  const mcn = await createTenant(app)
  const receiver = await startReceiver(t, undefined, { holdMs: 50 })
  const { secret } = (
    await mcn.post('/v1/webhook-endpoints', { url: receiver.url, event_types: ['supplier.admitted'] })
  ).json()

  const committed = new Set<string>()
  for (let n = 1; n <= 10; n++) committed.add(await supplierAdmitted(app, mcn, n))
  await receiver.waitFor(3)
  step('3 delivered')
  await redis.stop()
  // Written while the queue backend is away: the commits do not wait for it.
  for (let n = 11; n <= 20; n++) committed.add(await supplierAdmitted(app, mcn, n))
  await new Promise((r) => setTimeout(r, 1000))
  await redis.start()
  step('Redis back')

  const unique = () => new Set(receiver.deliveries.map((d) => String(d.headers['webhook-id'])))
  const deadline = Date.now() + 75_000
  while (unique().size < committed.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250))
  const received = unique()
  step(`${received.size} of ${committed.size} arrived`)
  const missing = [...committed].filter((id) => !received.has(id))
  // What the database says about any that did not arrive, so a failure explains itself.
  const owed = missing.length
    ? await app.db.execute(
        sql`select e.id, e.relayed_at, m.state, m.attempts, m.next_attempt_at from events e left join webhook_messages m on m.event_id = e.id where e.id in ${sql.raw(`('${missing.join("','")}')`)}`,
      )
    : []
  const queued = missing.length ? await app.queues.queue('webhooks').getJobCounts() : {}
  t.same(missing, [], 'every committed event arrived', { owed, queued })
  t.same(
    [...received].filter((id) => !committed.has(id)),
    [],
    'none invented',
  )
  for (const d of receiver.deliveries) new Webhook(secret).verify(d.body, d.headers as Record<string, string>)
})
