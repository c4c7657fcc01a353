import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Redis } from 'ioredis'
import { AppError } from '../lib/errors.js'
import { closeRedis, SettlingRedis } from '../lib/redis.js'
import { RequestBudget, type Decision } from '../lib/request-budget.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The limiters' Redis (request rate, failed client authentications); none without REDIS_URL. */
    limitsRedis: Redis | undefined
  }
}

/**
 * Per client and installation, keyed from the verified token (never a client-set header); by
 * IP before authentication. Counted across processes in Redis without the request waiting on
 * it, exact to within RATE_LIMIT_SLACK requests per process (src/lib/request-budget.ts,
 * docs/rate-limits.md). Headers are the current IETF draft's RateLimit-Policy / RateLimit.
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
      // Counting goes on per process while Redis is away; the reconnect attempts are only worth a warning.
      redis.on('error', (err) => app.log.warn({ err: err.message }, 'rate-limit Redis connection error'))
    }
    const budget = new RequestBudget(redis, `${app.config.QUEUE_PREFIX}:ratelimit:`, max, windowSeconds * 1000)
    const policy = `"default";q=${max};w=${windowSeconds}`

    const keyFor = (req: FastifyRequest) =>
      req.ctx ? `c:${req.ctx.actor.clientId}:${req.ctx.actor.installationId ?? ''}` : `ip:${req.ip}`

    const decide = (reply: FastifyReply, decision: Decision): AppError | undefined => {
      reply.header('ratelimit-policy', policy)
      reply.header('ratelimit', `"default";r=${decision.remaining};t=${decision.resetSeconds}`)
      if (decision.allowed) return undefined
      return new AppError(
        'rate_limited',
        `Rate limit of ${max} requests per ${windowSeconds} s exceeded; retry after ${decision.resetSeconds} s.`,
        { headers: { 'retry-after': String(decision.resetSeconds) } },
      )
    }

    // After authentication (onRequest), so the key is the token's client and installation.
    // Callback-style: the budget answers at once for nearly every request, so no promise is made then.
    app.addHook('preHandler', (request, reply, done) => {
      if (request.url === '/healthz' || request.url === '/readyz') return done()
      const taken = budget.take(keyFor(request))
      if (!(taken instanceof Promise)) return done(decide(reply, taken))
      taken.then((decision) => done(decide(reply, decision)), done)
    })
  },
  { name: 'rate-limit', dependencies: ['auth'] },
)
