import type { Redis } from 'ioredis'

/**
 * Closes an ioredis connection whatever its state. `quit()` alone is not enough: on a
 * connection that is still connecting and has no offline queue, it rejects at once and
 * the socket connects afterwards and stays open, keeping the process alive.
 */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return
  if (redis.status !== 'ready') {
    redis.disconnect()
    return
  }
  await redis.quit().catch(() => redis.disconnect())
}
