import { randomBytes } from 'node:crypto'
import { and, eq, sql, type SQL } from 'drizzle-orm'
import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Ctx, TxCtx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import { newId } from '../../lib/ids.js'
import { patchColumns } from '../../lib/patch.js'
import { mapPage, tenantRepository, type PageRequest } from '../../lib/repository.js'
import { checkDestination, RefusedDestination } from './guard.js'
import type { CreateWebhookEndpointInput, UpdateWebhookEndpointInput } from './schemas.js'
import { deliverySettings } from './settings.js'
import { checkEventTypes } from './subscriptions.js'
import { type EndpointSecret, webhookEndpoints } from './tables.js'

export type EndpointRow = typeof webhookEndpoints.$inferSelect
export const endpointRepo = tenantRepository(webhookEndpoints, 'webhook endpoint')

/** `whsec_` and the base64 of 32 random bytes: the Standard Webhooks secret format. */
export const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`

/** The secrets that sign a delivery at `now`: the current one and any still in its overlap. */
export function liveSecrets(secrets: EndpointSecret[], now: Date): string[] {
  return secrets.filter((s) => s.expires_at === null || Date.parse(s.expires_at) > now.getTime()).map((s) => s.secret)
}

export const presentEndpoint = (e: EndpointRow) => {
  const now = deliverySettings().now().getTime()
  const overlap = e.secrets
    .filter((s) => s.expires_at !== null && Date.parse(s.expires_at) > now)
    .map((s) => s.expires_at!)
    .sort()
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    event_types: e.eventTypes,
    enabled: e.enabled,
    disabled_reason: e.disabledReason,
    disabled_at: e.disabledAt?.toISOString() ?? null,
    installation_id: e.installationId,
    previous_secret_expires_at: overlap.at(-1) ?? null,
    failing_since: e.failingSince?.toISOString() ?? null,
    version: e.version,
    created_at: e.createdAt.toISOString(),
    updated_at: e.updatedAt.toISOString(),
  }
}

/** An installed app sees and changes only its own endpoints; the tenant's own clients see them all. */
export const visibleEndpoints = (ctx: Ctx | TxCtx): SQL | undefined =>
  ctx.actor.installationId ? eq(webhookEndpoints.installationId, ctx.actor.installationId) : undefined

export async function findEndpoint(tx: TxCtx, id: string): Promise<EndpointRow> {
  const [row] = await tx.tx
    .select()
    .from(webhookEndpoints)
    .where(endpointRepo.where(tx, eq(webhookEndpoints.id, id), visibleEndpoints(tx)))
  if (!row) throw new AppError('not_found', `No webhook endpoint with id ${id} exists.`)
  return row
}

/** The address check at create and update: a URL we would refuse to deliver to is a 422 now, not a silent failure later. */
async function checkUrl(ctx: Ctx, url: string): Promise<void> {
  const settings = deliverySettings()
  try {
    const destination = await checkDestination(url, settings)
    if (destination.loopback) ctx.log.info({ url }, 'development mode: webhook endpoint on localhost allowed')
  } catch (err) {
    if (!(err instanceof RefusedDestination)) throw err
    throw new AppError('unprocessable', `The webhook URL is refused: ${err.message}.`, {
      errors: [{ pointer: '/body/url', detail: err.message }],
    })
  }
}

export async function createEndpoint(ctx: Ctx, input: CreateWebhookEndpointInput) {
  const eventTypes = checkEventTypes(input.event_types)
  await checkUrl(ctx, input.url)
  const secret = newSecret()
  const row = await inTenant(ctx, async (tx) => {
    const created = await endpointRepo.insert(tx, {
      id: newId('webhookEndpoint'),
      url: input.url,
      description: input.description ?? null,
      eventTypes,
      enabled: input.enabled ?? true,
      disabledReason: input.enabled === false ? 'by_request' : null,
      disabledAt: input.enabled === false ? deliverySettings().now() : null,
      secrets: [{ secret, created_at: deliverySettings().now().toISOString(), expires_at: null }],
      installationId: ctx.actor.installationId ?? null,
      createdByClientId: ctx.actor.clientId,
    })
    await audit(tx, 'webhook_endpoint.created', { type: 'webhook_endpoint', id: created.id }, { url: input.url })
    return created
  })
  return { endpoint: presentEndpoint(row), secret }
}

export function listEndpoints(ctx: Ctx, page: PageRequest) {
  return inTenant(ctx, (tx) => mapPage(endpointRepo.list(tx, page, visibleEndpoints(tx)), presentEndpoint))
}

export function getEndpoint(ctx: Ctx, id: string) {
  return inTenant(ctx, async (tx) => presentEndpoint(await findEndpoint(tx, id)))
}

export async function updateEndpoint(
  ctx: Ctx,
  id: string,
  expectedVersion: number | undefined,
  input: UpdateWebhookEndpointInput,
) {
  const eventTypes = input.event_types === undefined ? undefined : checkEventTypes(input.event_types)
  if (input.url !== undefined) await checkUrl(ctx, input.url)
  return inTenant(ctx, async (tx) => {
    await findEndpoint(tx, id)
    const enabling =
      input.enabled === true
        ? { disabledReason: null, disabledAt: null, failingSince: null }
        : input.enabled === false
          ? { disabledReason: 'by_request' as const, disabledAt: sql`now()` }
          : {}
    const row = await endpointRepo.update(tx, id, expectedVersion, {
      ...patchColumns<EndpointRow, UpdateWebhookEndpointInput>(input, {
        url: 'url',
        description: 'description',
        enabled: 'enabled',
      }),
      ...(eventTypes ? { eventTypes } : {}),
      ...enabling,
    })
    await audit(tx, 'webhook_endpoint.updated', { type: 'webhook_endpoint', id }, input)
    return presentEndpoint(row)
  })
}

/** Deleting drops the endpoint with its messages and attempts; events stay in the history. */
export function deleteEndpoint(ctx: Ctx, id: string) {
  return inTenant(ctx, async (tx) => {
    await findEndpoint(tx, id)
    await tx.tx.delete(webhookEndpoints).where(endpointRepo.where(tx, eq(webhookEndpoints.id, id)))
    await audit(tx, 'webhook_endpoint.deleted', { type: 'webhook_endpoint', id })
  })
}

/**
 * A new secret; the current one keeps signing for `overlapSeconds` so receivers can switch
 * without losing a delivery (each delivery carries one signature per live secret).
 */
export function rotateSecret(ctx: Ctx, id: string, overlapSeconds = 86400) {
  return inTenant(ctx, async (tx) => {
    const endpoint = await findEndpoint(tx, id)
    const now = deliverySettings().now()
    const until = new Date(now.getTime() + overlapSeconds * 1000).toISOString()
    const kept = endpoint.secrets
      .filter((s) => s.expires_at === null || Date.parse(s.expires_at) > now.getTime())
      .map((s) => ({ ...s, expires_at: s.expires_at === null || s.expires_at > until ? until : s.expires_at }))
      .filter((s) => Date.parse(s.expires_at) > now.getTime())
    const secret = newSecret()
    const row = await endpointRepo.update(tx, id, undefined, {
      secrets: [...kept, { secret, created_at: now.toISOString(), expires_at: null }],
    })
    await audit(tx, 'webhook_endpoint.secret_rotated', { type: 'webhook_endpoint', id }, { overlap_until: until })
    return { endpoint: presentEndpoint(row), secret }
  })
}

/** Turns off an installation's endpoints when its app is uninstalled (identity's installation.revoked). */
export async function disableInstallationEndpoints(tx: TxCtx, installationId: string): Promise<void> {
  await tx.tx
    .update(webhookEndpoints)
    .set({
      enabled: false,
      disabledReason: 'installation_revoked',
      disabledAt: sql`now()`,
      version: sql`${webhookEndpoints.version} + 1`,
      updatedAt: sql`now()`,
    })
    .where(
      endpointRepo.where(
        tx,
        and(eq(webhookEndpoints.installationId, installationId), eq(webhookEndpoints.enabled, true)),
      ),
    )
}
