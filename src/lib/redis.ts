import { Redis, type RedisOptions } from 'ioredis'

type Options = RedisOptions & { replyMapping?: 'legacy' }

/**
 * An ioredis client whose `disconnect()` ends it also while it waits to reconnect.
 * ioredis 6 clears the pending reconnect then but never reaches 'end', so whoever awaits
 * 'end' waits forever: BullMQ's `worker.close()` does, for its blocking connection, and a
 * shutdown soon after a Redis restart hung (test/modules/webhooks/redis-restart.test.ts).
 * ioredis's own path for a client that has no socket ('wait') closes it properly; a client
 * between reconnect attempts has no socket either, so it takes that path. `duplicate()`
 * keeps the class: BullMQ makes its blocking connections with it.
 */
export class SettlingRedis extends Redis {
  constructor(url: string, options: Options)
  constructor(options: Options)
  constructor(urlOrOptions: string | Options, options?: Options) {
    if (typeof urlOrOptions === 'string') super(urlOrOptions, options ?? {})
    else super(urlOrOptions)
  }

  override duplicate<O extends Partial<RedisOptions> | undefined = undefined>(override?: O) {
    // ioredis types the copy by the reply mapping its options pick; it is this one's options, so this one's type.
    return new SettlingRedis({ ...this.options, ...(override ?? {}) } as Options) as never
  }

  override disconnect(reconnect = false): void {
    if (!reconnect && this.status === 'reconnecting') (this as { status: string }).status = 'wait'
    super.disconnect(reconnect)
  }
}

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
