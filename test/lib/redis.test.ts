import t from 'tap'
import { Redis } from 'ioredis'
import { closeRedis } from '../../src/lib/redis.js'
import { TEST_REDIS_URL } from '../support/env.js'

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
