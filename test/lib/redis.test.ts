import t from 'tap'
import { createServer, type AddressInfo } from 'node:net'
import { Redis } from 'ioredis'
import { closeRedis, SettlingRedis } from '../../src/lib/redis.js'
import { Queues } from '../../src/queues/index.js'
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../support/env.js'

// A connection closed before it connected must not connect afterwards and hold the process open.
for (const [name, opts] of [
  ['without an offline queue', { enableOfflineQueue: false }],
  ['with an offline queue', {}],
] as const)
  t.test(`closing a connection that is still connecting, ${name}`, async (t) => {
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1, ...opts })
    t.not(redis.status, 'ready')
    await closeRedis(redis)
    await new Promise((r) => setTimeout(r, 300))
    t.equal(redis.status, 'end')
  })

t.test('closing a ready connection quits it', async (t) => {
  const redis = new Redis(TEST_REDIS_URL)
  await redis.ping()
  await closeRedis(redis)
  await new Promise((r) => setTimeout(r, 300))
  t.equal(redis.status, 'end')
  await closeRedis(redis)
})

/** A port nothing listens on: a client there goes from connecting to reconnecting and back. */
async function deadRedisUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address() as AddressInfo
  await new Promise((r) => server.close(r))
  return `redis://127.0.0.1:${port}`
}

t.test('a connection waiting to reconnect ends when disconnected', async (t) => {
  const redis = new SettlingRedis(await deadRedisUrl(), { maxRetriesPerRequest: null, retryStrategy: () => 200 })
  redis.on('error', () => {})
  await new Promise((r) => redis.once('reconnecting', r))
  const ended = new Promise((r) => redis.once('end', r))
  const pending = redis.ping().then(
    () => 'answered',
    (err: Error) => err.message,
  )
  redis.disconnect()
  await ended
  t.equal(redis.status, 'end')
  t.equal(await pending, 'Connection is closed.', 'a command waiting for the connection is failed, not left hanging')
  const copy: Redis = redis.duplicate()
  copy.on('error', () => {})
  copy.disconnect()
  t.ok(copy instanceof SettlingRedis, 'duplicates (BullMQ’s blocking connections) behave the same')
})

t.test('queues close while a worker’s blocking connection waits to reconnect', async (t) => {
  const prefix = `closing${process.pid}`
  const queues = new Queues({ redisUrl: TEST_REDIS_URL, databaseUrl: TEST_DATABASE_URL, prefix })
  queues.handle('webhooks', 'noop', async () => null)
  queues.startWorkers()
  const admin = new Redis(TEST_REDIS_URL)
  t.teardown(() => closeRedis(admin))
  // BullMQ names a worker's blocking connection after the prefix; cut it as a Redis restart would.
  let blocking: string[] = []
  for (let i = 0; i < 50 && blocking.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 100))
    const clients = (await admin.client('LIST')) as string
    blocking = clients
      .split('\n')
      .flatMap((line) => (line.includes(` name=${prefix}:`) ? [line.split(' ')[0]!.slice(3)] : []))
  }
  t.ok(blocking.length, 'the worker is blocked waiting for jobs')
  for (const id of blocking) await admin.client('KILL', 'ID', id)
  // ioredis waits at least a second before reconnecting; closing now finds it between attempts.
  await new Promise((r) => setTimeout(r, 100))
  const closed = await Promise.race([
    queues.close().then(() => 'closed'),
    new Promise((r) => setTimeout(() => r('still closing after 10 s'), 10_000).unref()),
  ])
  t.equal(closed, 'closed')
})
