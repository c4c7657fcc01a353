import fp from 'fastify-plugin'
import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { and, eq, lt, sql } from 'drizzle-orm'
import { idempotencyKeys } from '../db/schema.js'
import { inTenant } from '../db/tenancy.js'
import { AppError } from '../lib/errors.js'
import { newId } from '../lib/ids.js'
import { scoped } from '../lib/repository.js'
import { addRouteHook } from '../lib/http.js'

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyRecord?: { id: string }
  }
}

const KEEP_HOURS = 24
/** A `running` record older than this belonged to a request that died; a retry may take it over. */
const STALE_LOCK_SECONDS = 60
const REPLAYED_HEADERS = ['content-type', 'location', 'etag']

function fingerprint(request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
    .digest('base64url')
}

/**
 * Idempotency-Key on every authenticated POST (Stripe's semantics): the key is scoped to
 * the client and installation and kept 24 hours; a replay returns the stored response, a
 * different request under the same key is 422, and a twin still running is 409.
 */
export default fp(
  async function idempotencyPlugin(app: FastifyInstance) {
    async function claim(request: FastifyRequest, reply: FastifyReply) {
      const raw = request.headers['idempotency-key']
      if (raw === undefined) return
      const key = Array.isArray(raw) ? raw[0]! : raw
      if (key.length === 0 || key.length > 255) {
        throw new AppError('validation_failed', 'Idempotency-Key must be 1 to 255 characters.', {
          errors: [{ pointer: '/header/idempotency-key', detail: 'must be 1 to 255 characters' }],
        })
      }
      const ctx = request.ctx
      const scope = `${ctx.actor.clientId}:${ctx.actor.installationId ?? ''}`
      const requestHash = fingerprint(request)

      const outcome = await inTenant(ctx, async (ctx) => {
        const where = scoped(ctx, idempotencyKeys, eq(idempotencyKeys.scope, scope), eq(idempotencyKeys.key, key))
        await ctx.tx.delete(idempotencyKeys).where(and(where, lt(idempotencyKeys.expiresAt, sql`now()`)))
        const id = newId('job').replace(/^job_/, 'idem_')
        const [inserted] = await ctx.tx
          .insert(idempotencyKeys)
          .values({
            tenantId: ctx.tenantId,
            id,
            scope,
            key,
            requestHash,
            state: 'running',
            expiresAt: sql`now() + interval '${sql.raw(String(KEEP_HOURS))} hours'`,
          })
          .onConflictDoNothing()
          .returning({ id: idempotencyKeys.id })
        if (inserted) return { kind: 'started' as const, id: inserted.id }
        const [existing] = await ctx.tx.select().from(idempotencyKeys).where(where).for('update')
        if (!existing)
          throw new AppError(
            'idempotency_in_progress',
            'A request with this Idempotency-Key is being processed; retry shortly.',
          )
        if (existing.requestHash !== requestHash) return { kind: 'mismatch' as const }
        if (existing.state === 'done') return { kind: 'replay' as const, row: existing }
        const [taken] = await ctx.tx
          .update(idempotencyKeys)
          .set({ lockedAt: sql`now()` })
          .where(
            and(
              where,
              eq(idempotencyKeys.state, 'running'),
              lt(idempotencyKeys.lockedAt, sql`now() - make_interval(secs => ${STALE_LOCK_SECONDS})`),
            ),
          )
          .returning({ id: idempotencyKeys.id })
        return taken ? { kind: 'started' as const, id: taken.id } : { kind: 'running' as const }
      })

      switch (outcome.kind) {
        case 'started':
          request.idempotencyRecord = { id: outcome.id }
          return
        case 'mismatch':
          throw new AppError(
            'idempotency_key_reused',
            'This Idempotency-Key was used with a different request; use a new key for a new request.',
          )
        case 'running':
          throw new AppError(
            'idempotency_in_progress',
            'A request with this Idempotency-Key is still being processed; retry shortly.',
            { headers: { 'retry-after': '1' } },
          )
        case 'replay': {
          const { row } = outcome
          reply.headers(row.responseHeaders ?? {}).header('idempotent-replayed', 'true')
          return reply.code(row.statusCode!).send(row.responseBody ?? '')
        }
      }
    }

    // Not async, so that the requests that are not authenticated POSTs (most) pass straight
    // through; global rather than per route, so it keeps its place before rate limiting.
    app.addHook('preHandler', (request, reply, done) => {
      if (request.method !== 'POST' || !request.ctx) return done()
      claim(request, reply).then(() => {
        if (!reply.sent) done()
      }, done)
    })

    const recordOutcome = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const record = request.idempotencyRecord
      if (!record || reply.getHeader('idempotent-replayed')) return payload
      request.idempotencyRecord = undefined
      await inTenant(request.ctx, async (ctx) => {
        const where = scoped(ctx, idempotencyKeys, eq(idempotencyKeys.id, record.id))
        // A server error is not a result: the caller may retry with the same key.
        if (reply.statusCode >= 500) return void (await ctx.tx.delete(idempotencyKeys).where(where))
        const headers: Record<string, string> = {}
        for (const h of REPLAYED_HEADERS) {
          const v = reply.getHeader(h)
          if (v !== undefined) headers[h] = String(v)
        }
        await ctx.tx
          .update(idempotencyKeys)
          .set({
            state: 'done',
            statusCode: reply.statusCode,
            responseBody: typeof payload === 'string' ? payload : payload == null ? '' : String(payload),
            responseHeaders: headers,
          })
          .where(where)
      })
      return payload
    }
    // Only a POST ever holds a record; the other routes send without this hook.
    app.addHook('onRoute', (route) => {
      if ([route.method].flat().includes('POST')) addRouteHook(route, 'onSend', recordOutcome)
    })
  },
  { name: 'idempotency', dependencies: ['auth'] },
)
