import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError } from '../lib/errors.js'
import type { Actor, Ctx, OrgKind } from '../lib/context.js'
import { KeyStore } from '../modules/identity/index.js'
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

    /** Tokens are checked against the live client and installation, so revocation is immediate. */
    async function actorFor(token: string): Promise<{ actor: Actor; tenantId: string }> {
      let claims: Awaited<ReturnType<KeyStore['verify']>>
      try {
        claims = await keys.verify(token)
      } catch {
        throw new AppError('unauthenticated', 'The access token is invalid or expired.', {
          headers: challenge('invalid_token'),
        })
      }
      // A prepared statement (postgres.js caches it per connection): this runs on every request.
      // An installation token also carries no more than the installation holds now: scopes the
      // MCN took back stop at once (granted is null for a client acting in its own tenant).
      const [row] = await app.database.sql<{ revoked: boolean; kind: OrgKind; granted: string[] | null }[]>`
        select c.revoked_at is not null
            or (${claims.ins ?? null}::text is not null and i.id is null) as revoked,
               o.kind, i.granted_scopes as granted
        from api_clients c join organizations o on o.id = c.organization_id
        left join installations i on i.id = ${claims.ins ?? null} and i.tenant_id = ${claims.tenant} and i.revoked_at is null
        where c.id = ${claims.client_id}`
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
          organizationKind: row.kind as OrgKind,
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
