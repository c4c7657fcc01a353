import fp from 'fastify-plugin'
import type { Redis } from 'ioredis'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import rateLimit from '@fastify/rate-limit'
import { AppError } from '../lib/errors.js'
import { closeRedis, SettlingRedis } from '../lib/redis.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The limiters' Redis (request rate, failed client authentications); none without REDIS_URL. */
    limitsRedis: Redis | undefined
  }
}

/**
 * Per client and installation, keyed from the verified token (never a client-set header).
 * @fastify/rate-limit counts (on Redis when REDIS_URL is set, in memory otherwise); its
 * draft-6 headers are rewritten to the current IETF draft's RateLimit-Policy / RateLimit.
 */
export default fp(
  async function rateLimitPlugin(app: FastifyInstance) {
    const max = app.config.RATE_LIMIT_MAX
    const windowSeconds = app.config.RATE_LIMIT_WINDOW_SECONDS
    const redis = app.config.REDIS_URL
      ? new SettlingRedis(app.config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false })
      : undefined
    app.decorate('limitsRedis', redis)
    if (redis) {
      app.addHook('onClose', () => closeRedis(redis))
      // Counting fails open while Redis is away (skipOnError); the reconnect attempts are only worth a warning.
      redis.on('error', (err) => app.log.warn({ err: err.message }, 'rate-limit Redis connection error'))
    }

    const keyFor = (req: FastifyRequest) =>
      req.ctx ? `c:${req.ctx.actor.clientId}:${req.ctx.actor.installationId ?? ''}` : `ip:${req.ip}`

    await app.register(rateLimit, {
      global: true,
      // After authentication, so the key is the token's client and installation.
      hook: 'preHandler',
      max,
      timeWindow: windowSeconds * 1000,
      keyGenerator: keyFor,
      enableDraftSpec: true,
      redis,
      nameSpace: `${app.config.QUEUE_PREFIX}:ratelimit:`,
      skipOnError: true,
      allowList: (req) => req.url === '/healthz' || req.url === '/readyz',
      errorResponseBuilder: (_req, context) => {
        const err = new AppError(
          'rate_limited',
          `Rate limit of ${context.max} requests per ${windowSeconds} s exceeded; retry after ${context.after}.`,
        )
        return Object.assign(err, { statusCode: 429 })
      },
    })

    app.addHook('onSend', async (_req, reply, payload) => {
      const limit = reply.getHeader('ratelimit-limit')
      if (limit === undefined) return payload
      const remaining = reply.getHeader('ratelimit-remaining')
      const reset = reply.getHeader('ratelimit-reset')
      reply.removeHeader('ratelimit-limit').removeHeader('ratelimit-remaining').removeHeader('ratelimit-reset')
      reply.header('ratelimit-policy', `"default";q=${limit};w=${windowSeconds}`)
      reply.header('ratelimit', `"default";r=${remaining ?? 0};t=${reset ?? windowSeconds}`)
      return payload
    })
  },
  { name: 'rate-limit', dependencies: ['auth'] },
)
