import { and, eq, isNull, ne, or, sql, type SQL } from 'drizzle-orm'
import type { Database, Executor } from '../../db/client.js'
import { inControlPlane } from '../../db/control-plane.js'
import { apiClients, apps, installations, organizations } from '../../db/schema.js'
import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import { publish } from '../../lib/hooks.js'
import type { Actor, ControlPlaneCtx, Ctx, OrgKind } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import { newId } from '../../lib/ids.js'
import { keysetPage, mapPage, scoped, type PageRequest } from '../../lib/repository.js'
import { allScopes, hasScope, isScope, type Scope } from '../../lib/scopes.js'
import { installationCreated, installationDeleted, installationRevoked, installationScopesChanged } from './changes.js'
import type { KeyStore } from './keys.js'
import { forgetGrants } from './revocations.js'
import type { FailedAttempts } from './failed-attempts.js'
import { hashSecret, isLegacyHash, newClientSecret, verifyLegacySecret, verifySecret } from './secrets.js'
import type {
  CreateApiClientInput,
  CreateInstallationInput,
  CreateOrganizationInput,
  RegisterAppInput,
  UpdateInstallationInput,
} from './schemas.js'

type ClientRow = typeof apiClients.$inferSelect
type AppRow = typeof apps.$inferSelect
type InstallationRow = typeof installations.$inferSelect

/** Only the platform operator creates organizations and manages other organizations' clients. */
const PLATFORM_ONLY: Scope[] = ['organizations:write']
/** Installation tokens act inside another org's tenant; credentials and apps stay with their owner. */
const NEVER_GRANTED: Scope[] = ['clients:write', 'apps:write', 'organizations:write']

export const present = {
  organization: (o: typeof organizations.$inferSelect) => ({
    id: o.id,
    kind: o.kind,
    name: o.name,
    created_at: o.createdAt.toISOString(),
  }),
  client: (c: ClientRow) => ({
    id: c.id,
    organization_id: c.organizationId,
    name: c.name,
    scopes: c.scopes as Scope[],
    app_id: c.appId,
    revoked_at: c.revokedAt?.toISOString() ?? null,
    created_at: c.createdAt.toISOString(),
  }),
  app: (a: AppRow) => ({
    id: a.id,
    provider_id: a.providerId,
    name: a.name,
    description: a.description,
    requested_scopes: a.requestedScopes as Scope[],
    created_at: a.createdAt.toISOString(),
  }),
  installation: (i: InstallationRow) => ({
    id: i.id,
    mcn_id: i.tenantId,
    app_id: i.appId,
    provider_id: i.providerId,
    granted_scopes: i.grantedScopes as Scope[],
    revoked_at: i.revokedAt?.toISOString() ?? null,
    created_at: i.createdAt.toISOString(),
    version: i.version,
  }),
}

function requireOwnCredentials(ctx: Ctx | ControlPlaneCtx): void {
  if (ctx.actor.installationId)
    throw new AppError(
      'forbidden',
      'An installation token cannot manage credentials or apps; use the organization’s own client.',
    )
}

/** Like the route's scope check (same problem), for what only some targets need. */
function requireScope(actor: Actor, scope: Scope): void {
  if (!hasScope(actor, scope))
    throw new AppError('insufficient_scope', `This operation needs the scope ${scope}.`, {
      extensions: { required_scope: scope },
    })
}

function requireKind(ctx: Ctx, ...kinds: OrgKind[]): void {
  if (!kinds.includes(ctx.actor.organizationKind))
    throw new AppError('forbidden', `Only ${kinds.join(' or ')} organizations can do this.`)
}

// ── Organizations and clients (control plane; also used by `showrunner admin`) ──

/**
 * The scopes a new client gets when none are named (the first client of an organization,
 * one the platform makes for it, or `showrunner admin create-client`): every declared scope
 * its organization's kind may hold.
 */
export function defaultScopes(kind: OrgKind): Scope[] {
  return allScopes.filter((s) => kind === 'platform' || !PLATFORM_ONLY.includes(s))
}

/**
 * The platform operator manages every MCN and provider organization of the instance, and
 * itself; it does not manage other platform organizations. Nobody else manages anyone.
 */
function manages(actor: Actor, org: { id: string; kind: OrgKind }): boolean {
  if (org.id === actor.organizationId) return true
  return actor.organizationKind === 'platform' && !actor.installationId && org.kind !== 'platform'
}

/** The organizations a caller may read: all it manages; an installation token, the MCN it acts in. */
function visibleOrganizations(ctx: Ctx): SQL | undefined {
  if (ctx.actor.installationId || ctx.actor.organizationKind !== 'platform') return eq(organizations.id, ctx.tenantId)
  return or(ne(organizations.kind, 'platform'), eq(organizations.id, ctx.actor.organizationId))
}

/**
 * Scopes named for a new client of an organization of `kind`: the creator must hold them
 * (no escalation), and only a platform client may hold the platform's scopes.
 */
function checkGrantable(ctx: Ctx, kind: OrgKind, scopes: Scope[] | undefined, pointer: string): void {
  const notHeld = scopes?.filter((s) => !ctx.actor.scopes.includes(s)) ?? []
  if (notHeld.length)
    throw new AppError('forbidden', `A client cannot be given scopes its creator does not hold: ${notHeld.join(', ')}.`)
  const notForKind = scopes?.filter((s) => !defaultScopes(kind).includes(s)) ?? []
  if (notForKind.length)
    throw new AppError('unprocessable', `A ${kind} organization’s client cannot hold: ${notForKind.join(', ')}.`, {
      errors: [{ pointer, detail: `not available to a ${kind} organization: ${notForKind.join(', ')}` }],
    })
}

/** `db` is the pool (the CLI) or a control-plane transaction. */
export async function createOrganization(db: Executor, input: CreateOrganizationInput) {
  const [org] = await db
    .insert(organizations)
    .values({ id: newId('organization'), kind: input.kind, name: input.name })
    .returning()
  return present.organization(org!)
}

/** An organization, and its first client when asked for, in one transaction with their audit rows. */
export async function createOrganizationAs(ctx: Ctx, input: CreateOrganizationInput) {
  requireOwnCredentials(ctx)
  requireKind(ctx, 'platform')
  const first = input.first_client
  const firstScopes = first?.scopes as Scope[] | undefined
  checkGrantable(ctx, input.kind, firstScopes, '/body/first_client/scopes')
  return inControlPlane(ctx, async (cp) => {
    const org = await createOrganization(cp.owner, input)
    await audit(cp, 'organization.created', { type: 'organization', id: org.id }, input)
    if (!first) return org
    const credentials = await createClient(cp.owner, { organizationId: org.id, name: first.name, scopes: firstScopes })
    await audit(
      cp,
      'client.created',
      { type: 'client', id: credentials.client.id },
      { organization_id: org.id, scopes: credentials.client.scopes },
    )
    return { ...org, first_client: credentials }
  })
}

export async function listOrganizations(ctx: Ctx, page: PageRequest) {
  return mapPage(
    keysetPage<typeof organizations.$inferSelect>(
      ctx.db,
      organizations,
      organizations.id,
      page,
      visibleOrganizations(ctx),
    ),
    present.organization,
  )
}

export async function getOrganization(ctx: Ctx, id: string) {
  const [org] = await ctx.db
    .select()
    .from(organizations)
    .where(and(eq(organizations.id, id), visibleOrganizations(ctx)))
  if (!org) throw new AppError('not_found', `No organization with id ${id} exists.`)
  return present.organization(org)
}

/**
 * An organization whose clients the caller manages: its own, or for the platform one it
 * manages, which also takes `organizations:read` to read or `organizations:write` to change.
 * Any other id answers 404, as if it did not exist.
 */
async function managedOrganization(ctx: Ctx, id: string, need: 'read' | 'write') {
  requireOwnCredentials(ctx)
  const [org] = await ctx.db.select().from(organizations).where(eq(organizations.id, id))
  if (!org || !manages(ctx.actor, org)) throw new AppError('not_found', `No organization with id ${id} exists.`)
  if (org.id !== ctx.actor.organizationId) requireScope(ctx.actor, `organizations:${need}`)
  return org
}

/** What kind an organization is, or undefined when there is none; read on the pool, outside any tenant. */
export async function organizationKind(ctx: Ctx, id: string): Promise<OrgKind | undefined> {
  const [org] = await ctx.db.select({ kind: organizations.kind }).from(organizations).where(eq(organizations.id, id))
  return org?.kind
}

/** `db` is the pool (the CLI) or a control-plane transaction. */
export async function createClient(
  db: Executor,
  input: { organizationId: string; name: string; scopes?: Scope[]; appId?: string },
) {
  const [org] = await db.select().from(organizations).where(eq(organizations.id, input.organizationId))
  if (!org) throw new AppError('not_found', `No organization with id ${input.organizationId} exists.`)
  const scopes = input.scopes ?? defaultScopes(org.kind)
  const secret = newClientSecret()
  const [client] = await db
    .insert(apiClients)
    .values({
      id: newId('client'),
      organizationId: org.id,
      name: input.name,
      scopes,
      appId: input.appId ?? null,
      secretHashes: [{ hash: hashSecret(secret), createdAt: new Date().toISOString(), expiresAt: null }],
    })
    .returning()
  return { client: present.client(client!), client_secret: secret }
}

export async function createClientAs(ctx: Ctx, input: CreateApiClientInput) {
  requireOwnCredentials(ctx)
  const scopes = input.scopes as Scope[] | undefined
  const notHeld = scopes?.filter((s) => !ctx.actor.scopes.includes(s)) ?? []
  if (notHeld.length)
    throw new AppError('forbidden', `A client cannot be given scopes its creator does not hold: ${notHeld.join(', ')}.`)
  return inControlPlane(ctx, async (cp) => {
    const created = await createClient(cp.owner, {
      organizationId: ctx.actor.organizationId,
      name: input.name,
      scopes: scopes ?? (ctx.actor.scopes as Scope[]),
    })
    await audit(cp, 'client.created', { type: 'client', id: created.client.id }, { scopes: created.client.scopes })
    return created
  })
}

/**
 * A client for the organization `organizationId`. For the caller's own organization this is
 * `createClientAs` (default: the calling token's scopes); for one the platform manages the
 * default is every scope that organization's kind may hold.
 */
export async function createClientFor(ctx: Ctx, organizationId: string, input: CreateApiClientInput) {
  const org = await managedOrganization(ctx, organizationId, 'write')
  if (org.id === ctx.actor.organizationId) return createClientAs(ctx, input)
  const scopes = input.scopes as Scope[] | undefined
  checkGrantable(ctx, org.kind, scopes, '/body/scopes')
  return inControlPlane(ctx, async (cp) => {
    const created = await createClient(cp.owner, { organizationId: org.id, name: input.name, scopes })
    await audit(
      cp,
      'client.created',
      { type: 'client', id: created.client.id },
      { organization_id: org.id, scopes: created.client.scopes },
    )
    return created
  })
}

/**
 * A client the caller manages (its own organization's, or for the platform one of an
 * organization it manages), locked until the control-plane transaction ends so changes to
 * it do not interleave. Any other id answers 404.
 */
async function managedClient(cp: ControlPlaneCtx, id: string): Promise<ClientRow> {
  requireOwnCredentials(cp)
  const [row] = await cp.owner
    .select({ client: apiClients, kind: organizations.kind })
    .from(apiClients)
    .innerJoin(organizations, eq(organizations.id, apiClients.organizationId))
    .where(eq(apiClients.id, id))
    .for('update', { of: apiClients })
  if (!row || !manages(cp.actor, { id: row.client.organizationId, kind: row.kind }))
    throw new AppError('not_found', `No client with id ${id} exists.`)
  if (row.client.organizationId !== cp.actor.organizationId) requireScope(cp.actor, 'organizations:write')
  return row.client
}

export async function getClient(ctx: Ctx, id: string) {
  requireOwnCredentials(ctx)
  const [row] = await ctx.db
    .select({ client: apiClients, kind: organizations.kind })
    .from(apiClients)
    .innerJoin(organizations, eq(organizations.id, apiClients.organizationId))
    .where(eq(apiClients.id, id))
  if (!row || !manages(ctx.actor, { id: row.client.organizationId, kind: row.kind }))
    throw new AppError('not_found', `No client with id ${id} exists.`)
  if (row.client.organizationId !== ctx.actor.organizationId) requireScope(ctx.actor, 'organizations:read')
  return present.client(row.client)
}

/** The clients of an organization the caller manages (its own, or for the platform one it manages). */
export async function listOrganizationClients(ctx: Ctx, organizationId: string, page: PageRequest) {
  const org = await managedOrganization(ctx, organizationId, 'read')
  return mapPage(
    keysetPage<ClientRow>(ctx.db, apiClients, apiClients.id, page, eq(apiClients.organizationId, org.id)),
    present.client,
  )
}

export async function listClients(ctx: Ctx, page: PageRequest) {
  requireOwnCredentials(ctx)
  return mapPage(
    keysetPage<ClientRow>(
      ctx.db,
      apiClients,
      apiClients.id,
      page,
      eq(apiClients.organizationId, ctx.actor.organizationId),
    ),
    present.client,
  )
}

/** A new secret; the old one keeps working for `overlapSeconds` so deployments can roll. */
export function rotateClientSecret(ctx: Ctx, id: string, overlapSeconds = 3600) {
  return inControlPlane(ctx, (cp) => rotateOwnClientSecret(cp, id, overlapSeconds))
}

async function rotateOwnClientSecret(cp: ControlPlaneCtx, id: string, overlapSeconds: number) {
  const client = await managedClient(cp, id)
  if (client.revokedAt) throw new AppError('conflict', 'A revoked client cannot be rotated.')
  const secret = newClientSecret()
  const now = Date.now()
  const kept = client.secretHashes
    .filter((h) => !h.expiresAt || Date.parse(h.expiresAt) > now)
    .map((h) => ({
      ...h,
      expiresAt:
        h.expiresAt && Date.parse(h.expiresAt) < now + overlapSeconds * 1000
          ? h.expiresAt
          : new Date(now + overlapSeconds * 1000).toISOString(),
    }))
    .filter((h) => Date.parse(h.expiresAt!) > now)
  const [updated] = await cp.owner
    .update(apiClients)
    .set({
      secretHashes: [{ hash: hashSecret(secret), createdAt: new Date(now).toISOString(), expiresAt: null }, ...kept],
    })
    .where(eq(apiClients.id, client.id))
    .returning()
  await audit(
    cp,
    'client.secret_rotated',
    { type: 'client', id },
    { organization_id: client.organizationId, overlap_seconds: overlapSeconds },
  )
  return { client: present.client(updated!), client_secret: secret }
}

/** Revoking a client refuses its secrets and every token it already holds, at once. */
export async function revokeClient(ctx: Ctx, id: string) {
  const revoked = await inControlPlane(ctx, async (cp) => {
    const client = await managedClient(cp, id)
    const [updated] = await cp.owner
      .update(apiClients)
      // Revoking twice keeps the first revocation time.
      .set({ revokedAt: sql`coalesce(${apiClients.revokedAt}, now())` })
      .where(eq(apiClients.id, id))
      .returning()
    await audit(cp, 'client.revoked', { type: 'client', id }, { organization_id: client.organizationId })
    return present.client(updated!)
  })
  // After the commit; the other processes hear of it through the database (revocations.ts).
  forgetGrants(ctx.db)
  return revoked
}

// ── Tokens ──

export class OAuthError extends Error {
  constructor(
    readonly error:
      | 'invalid_request'
      | 'invalid_client'
      | 'invalid_grant'
      | 'unauthorized_client'
      | 'unsupported_grant_type'
      | 'invalid_scope',
    readonly description: string,
    readonly status = 400,
  ) {
    super(description)
  }
}

export interface TokenRequestInput {
  grantType?: string
  clientId?: string
  clientSecret?: string
  scope?: string
  installationId?: string
}

/** The answer once a client id is over its failure limit: RFC 6749's error, inside the 429 problem. */
function tooManyFailures(retryAfter: number) {
  const description = `Too many failed authentications for this client; retry after ${retryAfter} s.`
  return new AppError('rate_limited', description, {
    headers: { 'retry-after': String(retryAfter) },
    extensions: { error: 'invalid_client', error_description: description },
  })
}

/**
 * Checks the secret against the client's live hashes. SHA-256 hashes are checked whatever
 * the failure count: that costs a wrong secret what it costs a right one, and nobody can lock
 * a client out by knowing its id. An scrypt hash from before costs a right secret one scrypt,
 * once (the hash is re-stored as SHA-256); a wrong one only while the client is under its
 * failure limit, so a guesser gets FAILED_ATTEMPTS_MAX scrypts per window, not a core.
 */
async function authenticateClient(
  db: Database,
  attempts: FailedAttempts,
  client: ClientRow,
  secret: string,
): Promise<boolean> {
  const now = Date.now()
  const live = client.secretHashes.filter((h) => !h.expiresAt || Date.parse(h.expiresAt) > now)
  // Every hash is compared, so the time does not tell which one (if any) matched.
  const matches = live.map((h) => !isLegacyHash(h.hash) && verifySecret(secret, h.hash))
  if (matches.includes(true)) return true
  const legacy = live.filter((h) => isLegacyHash(h.hash))
  if (legacy.length) {
    const wait = await attempts.retryAfter(client.id)
    if (wait) throw tooManyFailures(wait)
    for (const h of legacy) {
      if (!(await verifyLegacySecret(secret, h.hash))) continue
      await upgradeLegacyHash(db, client, h.hash, secret)
      return true
    }
  }
  const wait = await attempts.record(client.id)
  if (wait) throw tooManyFailures(wait)
  return false
}

/**
 * Re-stores a verified scrypt hash as SHA-256. Conditional on the hashes being as read, so a
 * rotation committed meanwhile is never overwritten (the next token then upgrades instead).
 */
async function upgradeLegacyHash(db: Database, client: ClientRow, legacyHash: string, secret: string) {
  const upgraded = client.secretHashes.map((h) => (h.hash === legacyHash ? { ...h, hash: hashSecret(secret) } : h))
  await db
    .update(apiClients)
    .set({ secretHashes: upgraded })
    .where(
      and(
        eq(apiClients.id, client.id),
        sql`${apiClients.secretHashes} = ${JSON.stringify(client.secretHashes)}::jsonb`,
      ),
    )
}

const clientLookups = new WeakMap<Database, ReturnType<typeof prepareClientLookup>>()

const prepareClientLookup = (db: Database) =>
  db
    .select({ client: apiClients, kind: organizations.kind })
    .from(apiClients)
    .innerJoin(organizations, eq(organizations.id, apiClients.organizationId))
    .where(eq(apiClients.id, sql.placeholder('id')))
    .prepare('token_client_lookup')

/** Built once per pool: drizzle would otherwise rebuild this SQL for every token request. */
function clientLookup(db: Database) {
  let lookup = clientLookups.get(db)
  if (!lookup) {
    lookup = prepareClientLookup(db)
    clientLookups.set(db, lookup)
  }
  return lookup
}

/** RFC 6749 §4.4 client credentials; an app client names the installation it acts in. */
export async function issueToken(db: Database, keys: KeyStore, attempts: FailedAttempts, input: TokenRequestInput) {
  if (input.grantType !== 'client_credentials')
    throw new OAuthError('unsupported_grant_type', 'Only grant_type=client_credentials is supported.')
  if (!input.clientId || !input.clientSecret)
    throw new OAuthError('invalid_client', 'Client authentication failed.', 401)
  const [row] = await clientLookup(db).execute({ id: input.clientId })
  // Unknown ids are not counted: any string would start a window, and they cost no hash.
  const authenticated = row ? await authenticateClient(db, attempts, row.client, input.clientSecret) : false
  if (!row || !authenticated || row.client.revokedAt)
    throw new OAuthError('invalid_client', 'Client authentication failed.', 401)
  const { client } = row

  let tenant = client.organizationId
  let allowed = client.scopes
  let ins: string | undefined
  if (client.appId) {
    if (!input.installationId)
      throw new OAuthError('invalid_request', 'An app client must name the installation_id it acts in.')
    const [installation] = await db
      .select()
      .from(installations)
      .where(
        and(
          eq(installations.id, input.installationId),
          eq(installations.appId, client.appId),
          isNull(installations.revokedAt),
        ),
      )
    if (!installation) throw new OAuthError('invalid_grant', 'No active installation of this app has that id.')
    tenant = installation.tenantId
    allowed = installation.grantedScopes.filter((s) => client.scopes.includes(s))
    ins = installation.id
  } else if (input.installationId) {
    throw new OAuthError('unauthorized_client', 'Only an app’s client can request an installation token.')
  }

  let granted = allowed
  if (input.scope !== undefined && input.scope.trim() !== '') {
    const asked = [...new Set(input.scope.trim().split(/\s+/))]
    const refused = asked.filter((s) => !allowed.includes(s))
    if (refused.length) throw new OAuthError('invalid_scope', `Not granted to this client: ${refused.join(' ')}.`)
    granted = asked
  }
  const { token, expiresIn } = await keys.sign({
    sub: client.id,
    client_id: client.id,
    scope: granted.join(' '),
    org: client.organizationId,
    org_kind: row.kind,
    tenant,
    ...(ins ? { ins } : {}),
  })
  return { access_token: token, token_type: 'Bearer' as const, expires_in: expiresIn, scope: granted.join(' ') }
}

// ── Apps and installations ──

export async function registerApp(ctx: Ctx, input: RegisterAppInput) {
  requireOwnCredentials(ctx)
  requireKind(ctx, 'provider')
  const requested = input.requested_scopes as Scope[]
  const ungrantable = requested.filter((s) => NEVER_GRANTED.includes(s) || !isScope(s))
  if (ungrantable.length)
    throw new AppError('unprocessable', `These scopes cannot be requested by an app: ${ungrantable.join(', ')}.`)
  return inControlPlane(ctx, async (cp) => {
    const [app] = await cp.owner
      .insert(apps)
      .values({
        id: newId('app'),
        providerId: ctx.actor.organizationId,
        name: input.name,
        description: input.description ?? null,
        requestedScopes: requested,
      })
      .returning()
    const credentials = await createClient(cp.owner, {
      organizationId: ctx.actor.organizationId,
      name: `${input.name} (app)`,
      scopes: requested,
      appId: app!.id,
    })
    await audit(cp, 'app.registered', { type: 'app', id: app!.id }, input)
    return { app: present.app(app!), ...credentials }
  })
}

/** Published apps are visible to every organization, so an MCN can review one before installing. */
export async function getApp(ctx: Ctx, id: string) {
  const [app] = await ctx.db.select().from(apps).where(eq(apps.id, id))
  if (!app) throw new AppError('not_found', `No app with id ${id} exists.`)
  return present.app(app)
}

export async function listApps(ctx: Ctx, page: PageRequest) {
  const own = ctx.actor.organizationKind === 'provider' ? eq(apps.providerId, ctx.actor.organizationId) : undefined
  return mapPage(keysetPage<AppRow>(ctx.db, apps, apps.id, page, own), present.app)
}

/** An installation holds only scopes its app asked for. */
function requireRequested(app: AppRow, granted: string[]): void {
  const notRequested = granted.filter((s) => !app.requestedScopes.includes(s))
  if (notRequested.length) {
    throw new AppError('validation_failed', `The app did not request: ${notRequested.join(', ')}.`, {
      errors: [{ pointer: '/body/scopes', detail: `not requested by the app: ${notRequested.join(', ')}` }],
    })
  }
}

export async function install(ctx: Ctx, input: CreateInstallationInput) {
  requireOwnCredentials(ctx)
  requireKind(ctx, 'mcn')
  const [app] = await ctx.db.select().from(apps).where(eq(apps.id, input.app_id))
  if (!app) throw new AppError('not_found', `No app with id ${input.app_id} exists.`)
  const granted = (input.scopes ?? app.requestedScopes) as string[]
  requireRequested(app, granted)
  return inTenant(ctx, async (tx) => {
    const [row] = await tx.tx
      .insert(installations)
      .values({
        tenantId: ctx.tenantId,
        id: newId('installation'),
        appId: app.id,
        providerId: app.providerId,
        grantedScopes: granted,
      })
      .returning()
    await audit(
      tx,
      'installation.created',
      { type: 'installation', id: row!.id },
      { app_id: app.id, granted_scopes: granted },
    )
    const installation = present.installation(row!)
    await publish(tx, installationCreated, installation)
    return installation
  })
}

/** An MCN sees the installations in its account; a provider, those of its apps. */
const visibleInstallations = (ctx: Ctx) =>
  ctx.actor.organizationKind === 'provider' && !ctx.actor.installationId
    ? eq(installations.providerId, ctx.tenantId)
    : eq(installations.tenantId, ctx.tenantId)

export async function getInstallation(ctx: Ctx, id: string) {
  return inTenant(ctx, async (tx) => {
    const [row] = await tx.tx
      .select()
      .from(installations)
      .where(and(visibleInstallations(ctx), eq(installations.id, id)))
    if (!row) throw new AppError('not_found', `No installation with id ${id} exists.`)
    return present.installation(row)
  })
}

export async function listInstallations(ctx: Ctx, page: PageRequest) {
  return inTenant(ctx, (tx) =>
    mapPage(
      keysetPage<InstallationRow>(tx.tx, installations, installations.id, page, visibleInstallations(ctx)),
      present.installation,
    ),
  )
}

/**
 * The MCN changes what an installed app may do. The auth check reads the installation's
 * scopes (through the revocation cache), so fewer take effect at once, on tokens already issued too; more
 * reach the app's next token, whose scope is what the installation held when it was issued.
 */
export async function changeInstallationScopes(
  ctx: Ctx,
  id: string,
  expectedVersion: number | undefined,
  input: UpdateInstallationInput,
) {
  requireOwnCredentials(ctx)
  requireKind(ctx, 'mcn')
  const changed = await inTenant(ctx, async (tx) => {
    const [before] = await tx.tx
      .select()
      .from(installations)
      .where(scoped(tx, installations, eq(installations.id, id)))
      .for('update')
    if (!before) throw new AppError('not_found', `No installation with id ${id} exists.`)
    if (before.revokedAt)
      throw new AppError('conflict', 'The app was uninstalled; install it again to grant it scopes.')
    if (expectedVersion !== undefined && before.version !== expectedVersion)
      throw new AppError(
        'precondition_failed',
        `The installation has changed since version ${expectedVersion}; fetch it again and retry with its new ETag.`,
      )
    // Apps belong to no tenant: read beside the tenant's transaction, as install() does.
    const [app] = await ctx.db.select().from(apps).where(eq(apps.id, before.appId))
    requireRequested(app!, input.scopes)
    const unchanged =
      input.scopes.length === before.grantedScopes.length && input.scopes.every((s) => before.grantedScopes.includes(s))
    if (unchanged) return present.installation(before)
    const [row] = await tx.tx
      .update(installations)
      .set({ grantedScopes: input.scopes, version: sql`${installations.version} + 1` })
      .where(scoped(tx, installations, eq(installations.id, id)))
      .returning()
    await audit(
      tx,
      'installation.scopes_changed',
      { type: 'installation', id },
      { previous_scopes: before.grantedScopes, granted_scopes: input.scopes },
    )
    const installation = present.installation(row!)
    await publish(tx, installationScopesChanged, installation)
    return installation
  })
  forgetGrants(ctx.db)
  return changed
}

/** Uninstalling revokes at once here and within the revocation cache's bound on every other process. */
export async function uninstall(ctx: Ctx, id: string) {
  requireOwnCredentials(ctx)
  const uninstalled = await inTenant(ctx, async (tx) => {
    const [before] = await tx.tx
      .select({ revokedAt: installations.revokedAt })
      .from(installations)
      .where(scoped(tx, installations, eq(installations.id, id)))
      .for('update')
    const alreadyRevoked = before?.revokedAt != null
    const [row] = await tx.tx
      .update(installations)
      .set({
        revokedAt: sql`coalesce(${installations.revokedAt}, now())`,
        version: sql`${installations.version} + 1`,
      })
      .where(scoped(tx, installations, eq(installations.id, id)))
      .returning()
    if (!row) throw new AppError('not_found', `No installation with id ${id} exists.`)
    await audit(tx, 'installation.revoked', { type: 'installation', id })
    const installation = present.installation(row)
    // A second uninstall changes nothing that anyone needs to hear of again.
    if (!alreadyRevoked) {
      await publish(tx, installationRevoked, { installationId: row.id, appId: row.appId, providerId: row.providerId })
      await publish(tx, installationDeleted, installation)
    }
    return installation
  })
  forgetGrants(ctx.db)
  return uninstalled
}
