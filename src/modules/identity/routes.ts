import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { errors, exampleOf, IdParams, PageQuery, ref, responseExamples } from '../../lib/schemas.js'
import { requireScopes } from '../../lib/scopes.js'
import { expectedVersion, withEtag } from '../../lib/etag.js'
import * as identity from './service.js'
import * as S from './schemas.js'
import { FAILED_ATTEMPTS_MAX, FAILED_ATTEMPTS_WINDOW_MS, FailedAttempts } from './failed-attempts.js'

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const m = header?.match(/^Basic\s+(\S+)$/i)
  if (!m) return undefined
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8')
  const i = decoded.indexOf(':')
  if (i < 0) return undefined
  // RFC 6749 §2.3.1: both parts are form-urlencoded before being joined.
  return {
    id: decodeURIComponent(decoded.slice(0, i).replace(/\+/g, ' ')),
    secret: decodeURIComponent(decoded.slice(i + 1).replace(/\+/g, ' ')),
  }
}

export const oauthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const attempts = new FailedAttempts(app.limitsRedis, `${app.config.QUEUE_PREFIX}:client-failures:`)
  app.post(
    '/oauth/token',
    {
      attachValidation: true,
      // Body parsing and other framework errors answer in RFC 6749's JSON as well.
      config: { oauthErrors: true },
      schema: {
        operationId: 'createToken',
        tags: ['OAuth'],
        summary: 'Exchange client credentials for an access token',
        // Public: the client authenticates with its credentials in this very request.
        security: [],
        description: `RFC 6749 §4.4. Authenticate with HTTP Basic (client_secret_basic) or client_id/client_secret in the body (client_secret_post). Errors use RFC 6749’s JSON form, not problem details. After ${FAILED_ATTEMPTS_MAX} failed authentications of one client id within ${FAILED_ATTEMPTS_WINDOW_MS / 1000} s, wrong secrets answer 429 with Retry-After (a problem whose error member is invalid_client); the right secret keeps working.`,
        body: ref(S.TokenRequest),
        response: {
          200: ref(S.TokenResponse),
          400: ref(S.OAuthErrorResponse),
          401: ref(S.OAuthErrorResponse),
          429: errors()[429],
        },
        ...responseExamples({
          400: { error: 'invalid_scope', error_description: 'Not granted to this client: orders:write.' },
        }),
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache')
      try {
        if (request.validationError) throw new identity.OAuthError('invalid_request', 'The token request is malformed.')
        const body = request.body as Record<string, string | undefined>
        const basic = basicCredentials(request.headers.authorization)
        if (basic && body.client_secret)
          throw new identity.OAuthError('invalid_request', 'Use one client authentication method, not both.')
        return await identity.issueToken(app.db, app.keys, attempts, {
          grantType: body.grant_type,
          clientId: basic?.id ?? body.client_id,
          clientSecret: basic?.secret ?? body.client_secret,
          scope: body.scope,
          installationId: body.installation_id,
        })
      } catch (err) {
        if (!(err instanceof identity.OAuthError)) throw err
        if (err.status === 401 && request.headers.authorization)
          reply.header('www-authenticate', 'Basic realm="showrunner"')
        return reply.code(err.status as 400).send({ error: err.error, error_description: err.description })
      }
    },
  )

  app.get(
    '/.well-known/jwks.json',
    {
      schema: {
        operationId: 'getJwks',
        tags: ['OAuth'],
        summary: 'Public keys that verify access tokens',
        security: [],
        response: { 200: ref(S.Jwks), 429: errors()[429] },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=60')
      return app.keys.jwks()
    },
  )
}

/** What every operation that makes a client says about the scopes it gets. */
const SCOPES_OF_A_NEW_CLIENT = [
  '**Scopes of a new client.** Name them in `scopes`, or leave them out:',
  '- an organization’s first client, one the platform makes for it, and `showrunner admin create-client` get every declared scope its kind may hold: for an MCN or provider every scope but `organizations:write`, for the platform all of them;',
  '- `POST /v1/clients` gives the scopes of the calling token.',
  'Named scopes must be held by the caller, and only a platform client may hold `organizations:write`. Give each client the fewest it needs: a back office for suppliers, products and supply pools needs `catalog:read catalog:write`; a reporting job, only `*:read` scopes; only the client that manages credentials needs `clients:write`.',
  '',
  '**Which scopes an app should ask for** (`POST /v1/apps` `requested_scopes`): only what it reads or writes inside the MCN, e.g. `catalog:read selection:read` for a selection tool. `clients:write`, `apps:write` and `organizations:write` can never be requested: an installation never manages credentials or apps. The MCN may grant fewer than requested, so an app should check the `scope` of its token.',
].join('\n')

export const identityRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/organizations',
    {
      schema: {
        operationId: 'createOrganization',
        tags: ['Organizations'],
        summary: 'Create an organization, with its first API client if asked (platform only)',
        description: [
          'Only a platform client with its own credentials can call this. Send `first_client: { name, scopes? }` to get the organization’s first API client in the same transaction: the answer’s `first_client` holds the client (with the scopes it was given) and its `client_secret`, shown only in this answer — store it now, only a hash is kept. Without `first_client` the organization is created with no client, as before; make one later with `POST /v1/organizations/{id}/clients`.',
          '',
          SCOPES_OF_A_NEW_CLIENT,
        ].join('\n'),
        security: requireScopes('organizations:write'),
        body: ref(S.CreateOrganization),
        response: { 201: ref(S.CreatedOrganization), ...errors(422) },
      },
    },
    async (req, reply) => reply.code(201).send(await identity.createOrganizationAs(req.ctx, req.body)),
  )

  app.get(
    '/organizations',
    {
      schema: {
        operationId: 'listOrganizations',
        tags: ['Organizations'],
        summary: 'List organizations: the platform sees those it manages, anyone else its own',
        description:
          'The platform operator manages every MCN and provider organization and itself (not other platform organizations). An MCN or provider sees only its own organization; an installation token, the MCN it acts in.',
        security: requireScopes('organizations:read'),
        querystring: PageQuery,
        response: { 200: ref(S.OrganizationList), ...errors() },
      },
    },
    async (req) => identity.listOrganizations(req.ctx, req.query),
  )

  app.get(
    '/organizations/:id',
    {
      schema: {
        operationId: 'getOrganization',
        tags: ['Organizations'],
        summary: 'Get an organization (404 for one the caller cannot see)',
        security: requireScopes('organizations:read'),
        params: IdParams('org'),
        response: { 200: ref(S.Organization), ...errors(404) },
      },
    },
    async (req) => identity.getOrganization(req.ctx, req.params.id),
  )

  app.post(
    '/organizations/:id/clients',
    {
      schema: {
        operationId: 'createOrganizationClient',
        tags: ['Organizations'],
        summary: 'Create an API client for an organization the caller manages',
        description: [
          'For the caller’s own organization this is `POST /v1/clients`. The platform can make a client for any organization it manages, which also needs `organizations:write`; another organization’s id answers 404. The `client_secret` is shown only in this answer.',
          '',
          SCOPES_OF_A_NEW_CLIENT,
        ].join('\n'),
        security: requireScopes('clients:write'),
        params: IdParams('org'),
        body: ref(S.CreateApiClient),
        response: { 201: ref(S.ApiClientCredentials), ...errors(404, 422) },
      },
    },
    async (req, reply) => reply.code(201).send(await identity.createClientFor(req.ctx, req.params.id, req.body)),
  )

  app.get(
    '/organizations/:id/clients',
    {
      schema: {
        operationId: 'listOrganizationClients',
        tags: ['Organizations'],
        summary: 'List the API clients of an organization the caller manages',
        description:
          'The caller’s own organization, or for the platform one it manages (which also needs `organizations:read`). Secrets are never listed.',
        security: requireScopes('clients:write'),
        params: IdParams('org'),
        querystring: PageQuery,
        response: { 200: ref(S.ApiClientList), ...errors(404) },
      },
    },
    async (req) => identity.listOrganizationClients(req.ctx, req.params.id, req.query),
  )

  app.post(
    '/clients',
    {
      schema: {
        operationId: 'createClient',
        tags: ['Organizations'],
        summary: 'Create an API client for the caller’s organization',
        description: [
          'The `client_secret` is shown only in this answer. Without `scopes` the new client gets the scopes of the token that calls this; named scopes must be held by that token.',
          '',
          SCOPES_OF_A_NEW_CLIENT,
        ].join('\n'),
        security: requireScopes('clients:write'),
        body: ref(S.CreateApiClient),
        response: { 201: ref(S.ApiClientCredentials), ...errors(422) },
      },
    },
    async (req, reply) => reply.code(201).send(await identity.createClientAs(req.ctx, req.body)),
  )

  app.get(
    '/clients',
    {
      schema: {
        operationId: 'listClients',
        tags: ['Organizations'],
        summary: 'List the organization’s API clients',
        security: requireScopes('clients:write'),
        querystring: PageQuery,
        response: { 200: ref(S.ApiClientList), ...errors() },
      },
    },
    async (req) => identity.listClients(req.ctx, req.query),
  )

  app.get(
    '/clients/:id',
    {
      schema: {
        operationId: 'getClient',
        tags: ['Organizations'],
        summary: 'Get an API client (never its secret)',
        description:
          'A client of the caller’s organization, or for the platform one of an organization it manages (which also needs `organizations:read`). Any other id answers 404.',
        security: requireScopes('clients:write'),
        params: IdParams('cli'),
        response: { 200: ref(S.ApiClient), ...errors(404) },
      },
    },
    async (req) => identity.getClient(req.ctx, req.params.id),
  )

  app.post(
    '/clients/:id/rotate-secret',
    {
      schema: {
        operationId: 'rotateClientSecret',
        tags: ['Organizations'],
        summary: 'Issue a new secret; the old one works for an overlap period',
        description:
          'For a client of the caller’s organization, or for the platform one of an organization it manages (which also needs `organizations:write`); any other id answers 404. The new `client_secret` is shown only in this answer.',
        security: requireScopes('clients:write'),
        params: IdParams('cli'),
        body: Type.Optional(ref(S.RotateSecret)),
        response: { 200: ref(S.ApiClientCredentials), ...errors(404, 409) },
      },
    },
    async (req) => identity.rotateClientSecret(req.ctx, req.params.id, req.body?.overlap_seconds),
  )

  app.post(
    '/clients/:id/revoke',
    {
      schema: {
        operationId: 'revokeClient',
        tags: ['Organizations'],
        summary: 'Revoke a client and every token it holds',
        description:
          'For a client of the caller’s organization, or for the platform one of an organization it manages (which also needs `organizations:write`); any other id answers 404.',
        security: requireScopes('clients:write'),
        params: IdParams('cli'),
        response: { 200: ref(S.ApiClient), ...errors(404) },
        ...responseExamples({ 200: { ...exampleOf(S.ApiClient), revoked_at: '2026-12-01T09:12:45.377Z' } }),
      },
    },
    async (req) => identity.revokeClient(req.ctx, req.params.id),
  )

  app.post(
    '/apps',
    {
      schema: {
        operationId: 'registerApp',
        tags: ['Apps'],
        summary: 'Register a provider app and get its client credentials',
        security: requireScopes('apps:write'),
        body: ref(S.RegisterApp),
        response: { 201: ref(S.RegisteredApp), ...errors(422) },
      },
    },
    async (req, reply) => reply.code(201).send(await identity.registerApp(req.ctx, req.body)),
  )

  app.get(
    '/apps',
    {
      schema: {
        operationId: 'listApps',
        tags: ['Apps'],
        summary: 'List apps (a provider sees its own)',
        security: requireScopes('apps:read'),
        querystring: PageQuery,
        response: { 200: ref(S.AppList), ...errors() },
      },
    },
    async (req) => identity.listApps(req.ctx, req.query),
  )

  app.get(
    '/apps/:id',
    {
      schema: {
        operationId: 'getApp',
        tags: ['Apps'],
        summary: 'Get a published app',
        security: requireScopes('apps:read'),
        params: IdParams('app'),
        response: { 200: ref(S.App), ...errors(404) },
      },
    },
    async (req) => identity.getApp(req.ctx, req.params.id),
  )

  app.post(
    '/installations',
    {
      schema: {
        operationId: 'createInstallation',
        tags: ['Apps'],
        summary: 'Install an app into the MCN’s account, granting some or all of its scopes',
        security: requireScopes('apps:write'),
        body: ref(S.CreateInstallation),
        response: { 201: ref(S.Installation), ...errors(404, 422) },
      },
    },
    async (req, reply) => reply.code(201).send(withEtag(reply, await identity.install(req.ctx, req.body))),
  )

  app.get(
    '/installations',
    {
      schema: {
        operationId: 'listInstallations',
        tags: ['Apps'],
        summary: 'List installations (an MCN’s, or a provider’s apps’)',
        security: requireScopes('apps:read'),
        querystring: PageQuery,
        response: { 200: ref(S.InstallationList), ...errors() },
      },
    },
    async (req) => identity.listInstallations(req.ctx, req.query),
  )

  app.get(
    '/installations/:id',
    {
      schema: {
        operationId: 'getInstallation',
        tags: ['Apps'],
        summary: 'Get an installation',
        security: requireScopes('apps:read'),
        params: IdParams('ins'),
        response: { 200: ref(S.Installation), ...errors(404) },
      },
    },
    async (req, reply) => withEtag(reply, await identity.getInstallation(req.ctx, req.params.id)),
  )

  app.patch(
    '/installations/:id',
    {
      schema: {
        operationId: 'updateInstallation',
        tags: ['Apps'],
        summary: 'Change the scopes an installed app holds (fewer apply to its current tokens at once)',
        security: requireScopes('apps:write'),
        params: IdParams('ins'),
        body: ref(S.UpdateInstallation),
        response: { 200: ref(S.Installation), ...errors(404, 409, 412) },
        ...responseExamples({ 200: { ...exampleOf(S.Installation), granted_scopes: ['catalog:read'], version: 2 } }),
      },
    },
    async (req, reply) =>
      withEtag(reply, await identity.changeInstallationScopes(req.ctx, req.params.id, expectedVersion(req), req.body)),
  )

  app.delete(
    '/installations/:id',
    {
      schema: {
        operationId: 'deleteInstallation',
        tags: ['Apps'],
        summary: 'Uninstall: the app’s tokens for this account stop working at once',
        security: requireScopes('apps:write'),
        params: IdParams('ins'),
        response: { 200: ref(S.Installation), ...errors(404) },
        ...responseExamples({
          200: { ...exampleOf(S.Installation), revoked_at: '2026-12-01T09:12:45.377Z', version: 2 },
        }),
      },
    },
    async (req, reply) => withEtag(reply, await identity.uninstall(req.ctx, req.params.id)),
  )
}
