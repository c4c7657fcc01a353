import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '../lib/errors.js'
import type { Actor, Ctx } from '../lib/context.js'
import { KeyStore, RevocationCache, type CurrentGrant } from '../modules/identity/index.js'
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

    type Claims = NonNullable<ReturnType<KeyStore['verifiedClaims']>>
    const grantKey = (claims: Claims) => ({
      clientId: claims.client_id,
      tenantId: claims.tenant,
      installationId: claims.ins,
    })

    /** Tokens are checked against the current client and installation, not only their signature. */
    function actorOf(claims: Claims, row: CurrentGrant | undefined): { actor: Actor; tenantId: string } {
      if (!row || row.revoked)
        throw new AppError('unauthenticated', 'The access token has been revoked.', {
          headers: challenge('invalid_token'),
        })
      // An installation token also carries no more than the installation holds now: scopes the
      // MCN took back stop within the cache's bound (granted is null for a client acting in its own tenant).
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

    /** `verified` when this process verified the token already (its grant was not cached). */
    async function actorFor(token: string, verified?: Claims): Promise<{ actor: Actor; tenantId: string }> {
      let claims: Claims
      try {
        claims = verified ?? (await keys.verify(token))
      } catch {
        throw new AppError('unauthenticated', 'The access token is invalid or expired.', {
          headers: challenge('invalid_token'),
        })
      }
      return actorOf(claims, await grants.current(grantKey(claims)))
    }

    const bearerToken = (request: FastifyRequest) => {
      const match = request.headers.authorization?.match(/^Bearer\s+([A-Za-z0-9\-_.]+)$/i)
      if (!match)
        throw new AppError(
          'unauthenticated',
          'Send an access token from POST /oauth/token as `Authorization: Bearer <token>`.',
          { headers: challenge() },
        )
      return match[1]!
    }

    const admit = (
      request: FastifyRequest,
      { actor, tenantId }: { actor: Actor; tenantId: string },
      required: string[],
    ) => {
      for (const scope of required) {
        if (!hasScope(actor, scope))
          throw new AppError('insufficient_scope', `This operation needs the scope ${scope}.`, {
            extensions: { required_scope: scope },
            headers: challenge('insufficient_scope'),
          })
      }
      request.ctx = { tenantId, actor, requestId: String(request.id), log: request.log, db: app.db, queues: app.queues }
    }

    /**
     * Authenticates without a promise when both this process's caches answer (a token it
     * verified, a grant it holds within the revocation bound), returning undefined; otherwise
     * returns the promise of the same checks and refusals, the token parsed and looked up once.
     */
    const authenticateNow = (request: FastifyRequest, required: string[]): Promise<void> | undefined => {
      const token = bearerToken(request)
      const claims = keys.verifiedClaims(token)
      const row = claims && grants.cached(grantKey(claims))
      if (row) return void admit(request, actorOf(claims, row), required)
      return actorFor(token, claims).then((found) => admit(request, found, required))
    }

    app.decorate('authenticate', async (request: FastifyRequest, required: string[]) =>
      authenticateNow(request, required),
    )

    // Only routes that declare security carry the hook (every /v1 route must, see app.ts),
    // with their scopes read once; the others answer without entering it.
    app.addHook('onRoute', (route) => {
      const required = requiredScopes(route)
      if (required !== undefined)
        addRouteHook(
          route,
          'onRequest',
          (request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void) => {
            let pending: Promise<void> | undefined
            try {
              pending = authenticateNow(request, required)
            } catch (err) {
              return done(err as Error)
            }
            if (!pending) return done()
            pending.then(() => done(), done)
          },
        )
    })
  },
  { name: 'auth', dependencies: ['infrastructure', 'errors'] },
)
