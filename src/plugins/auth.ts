import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError } from '../lib/errors.js'
import type { Actor, Ctx } from '../lib/context.js'
import { KeyStore, RevocationCache } from '../modules/identity/index.js'
import { hasScope } from '../lib/scopes.js'
import { addRouteHook } from '../lib/http.js'

declare module 'fastify' {
  interface FastifyInstance {
    keys: KeyStore
    /** Verifies the bearer token, checks `scopes`, and sets `request.ctx`. */
    authenticate(request: FastifyRequest, scopes: string[]): Promise<void>
  }
  interface FastifyRequest {
    /** Set for every authenticated request; the context every service call takes. */
    ctx: Ctx
  }
}

/** The scopes a route requires, read from its OpenAPI `security` so both can never disagree. */
export function requiredScopes(route: { schema?: unknown }): string[] | undefined {
  const security = (route.schema as { security?: Record<string, string[]>[] } | undefined)?.security
  if (!security || security.length === 0) return undefined
  return security[0]!.oauth2 ?? []
}

const challenge = (error?: string) => ({ 'www-authenticate': error ? `Bearer error="${error}"` : 'Bearer' })

export default fp(
  async function authPlugin(app: FastifyInstance) {
    const keys = new KeyStore(app.db, {
      issuer: app.config.publicUrl,
      audience: app.config.publicUrl,
      tokenTtlSeconds: app.config.TOKEN_TTL_SECONDS,
    })
    app.decorate('keys', keys)
    // Fastify wants a placeholder per request; authentication replaces it before any handler runs.
    app.decorateRequest('ctx', null as unknown as Ctx)

    // Revocation and uninstalls reach every process within TRUST_MS (see RevocationCache), and
    // the process that made the change at once.
    const grants = new RevocationCache(app.database.sql, app.db)
    grants.start()
    app.addHook('onClose', async () => grants.stop())

    /** Tokens are checked against the current client and installation, not only their signature. */
    async function actorFor(token: string): Promise<{ actor: Actor; tenantId: string }> {
      let claims: Awaited<ReturnType<KeyStore['verify']>>
      try {
        claims = await keys.verify(token)
      } catch {
        throw new AppError('unauthenticated', 'The access token is invalid or expired.', {
          headers: challenge('invalid_token'),
        })
      }
      // An installation token also carries no more than the installation holds now: scopes the
      // MCN took back stop within the cache's bound (granted is null for a client acting in its own tenant).
      const row = await grants.current({
        clientId: claims.client_id,
        tenantId: claims.tenant,
        installationId: claims.ins,
      })
      if (!row || row.revoked)
        throw new AppError('unauthenticated', 'The access token has been revoked.', {
          headers: challenge('invalid_token'),
        })
      const claimed = claims.scope ? claims.scope.split(' ') : []
      return {
        tenantId: claims.tenant,
        actor: {
          clientId: claims.client_id,
          organizationId: claims.org,
          organizationKind: row.kind,
          installationId: claims.ins,
          scopes: row.granted ? claimed.filter((scope) => row.granted!.includes(scope)) : claimed,
        },
      }
    }

    app.decorate('authenticate', async (request: FastifyRequest, required: string[]) => {
      const header = request.headers.authorization
      const match = header?.match(/^Bearer\s+([A-Za-z0-9\-_.]+)$/i)
      if (!match)
        throw new AppError(
          'unauthenticated',
          'Send an access token from POST /oauth/token as `Authorization: Bearer <token>`.',
          { headers: challenge() },
        )
      const { actor, tenantId } = await actorFor(match[1]!)
      for (const scope of required) {
        if (!hasScope(actor, scope))
          throw new AppError('insufficient_scope', `This operation needs the scope ${scope}.`, {
            extensions: { required_scope: scope },
            headers: challenge('insufficient_scope'),
          })
      }
      request.ctx = { tenantId, actor, requestId: String(request.id), log: request.log, db: app.db, queues: app.queues }
    })

    // Only routes that declare security carry the hook (every /v1 route must, see app.ts),
    // with their scopes read once; the others answer without entering it.
    app.addHook('onRoute', (route) => {
      const required = requiredScopes(route)
      if (required !== undefined)
        addRouteHook(route, 'onRequest', (request: FastifyRequest) => app.authenticate(request, required))
    })
  },
  { name: 'auth', dependencies: ['infrastructure', 'errors'] },
)
