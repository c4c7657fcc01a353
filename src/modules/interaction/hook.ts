import { and, eq, sql } from 'drizzle-orm'
import type { Static } from 'typebox'
import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Ctx, TxCtx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import { publish } from '../../lib/hooks.js'
import { newId } from '../../lib/ids.js'
import { staleVersion } from '../../lib/repository.js'
import { activeInstallationScopes } from '../identity/index.js'
import { checkDeliveryUrl, type Destination, newSecret, RefusedDestination } from '../webhooks/index.js'
import { moderationHookRemoved, moderationHookSet } from './changes.js'
import type { ModerationHook, PutModerationHookInput } from './schemas.js'
import { moderationHooks } from './tables.js'

export type HookRow = typeof moderationHooks.$inferSelect
type HookView = Static<typeof ModerationHook>

/** The hook reads the batch's comments, so its installation must hold the scope that reads them. */
export const REVIEW_SCOPE = 'interactions:read'
export const DEFAULT_TIMEOUT_MS = 1000

const present = (h: HookRow, active: boolean): HookView => ({
  id: h.id,
  installation_id: h.installationId,
  url: h.url,
  timeout_ms: h.timeoutMs,
  on_timeout: h.onTimeout,
  active,
  version: h.version,
  created_at: h.createdAt.toISOString(),
  updated_at: h.updatedAt.toISOString(),
})

/** Whether the installation is still installed in this tenant and may read what the hook is sent. */
export async function installationReviews(tx: TxCtx, installationId: string): Promise<boolean> {
  const granted = await activeInstallationScopes(tx, [installationId])
  return granted.get(installationId)?.includes(REVIEW_SCOPE) ?? false
}

/**
 * Where the hook's requests go: a webhook endpoint's address check (public addresses only; localhost
 * only in development mode), and https unless that localhost, since the requests carry buyers' words.
 */
export async function hookDestination(url: string): Promise<Destination> {
  const destination = await checkDeliveryUrl(url)
  if (destination.url.protocol !== 'https:' && !destination.loopback)
    throw new RefusedDestination('must be https (plain http reaches only localhost, in development mode)')
  return destination
}

/** An installed app sees and changes only a hook that names its own installation. */
const visibleTo = (ctx: Ctx | TxCtx, row: HookRow) =>
  !ctx.actor.installationId || ctx.actor.installationId === row.installationId

async function findHook(tx: TxCtx, opts: { lock?: boolean } = {}): Promise<HookRow | undefined> {
  const query = tx.tx.select().from(moderationHooks).where(eq(moderationHooks.tenantId, tx.tenantId))
  const [row] = await (opts.lock ? query.for('update') : query)
  return row
}

const noHook = () => new AppError('not_found', 'This tenant has no moderation hook.')

/**
 * `PUT /v1/moderation/hook`: creates the tenant's hook (a new secret, shown once) or replaces its
 * settings. Moving the hook to another installation issues a new secret too: the previous app
 * knows the old one and could otherwise sign requests the new app would trust.
 */
export async function putHook(
  ctx: Ctx,
  expectedVersion: number | undefined,
  input: PutModerationHookInput,
): Promise<{ hook: HookView; secret: string | null; created: boolean }> {
  if (ctx.actor.installationId && ctx.actor.installationId !== input.installation_id)
    throw new AppError('unprocessable', 'An installed app may name only its own installation.', {
      errors: [{ pointer: '/body/installation_id', detail: `must be ${ctx.actor.installationId}, the caller’s own` }],
    })
  // The address check resolves the host: done before the transaction, which holds no lock while waiting on DNS.
  try {
    await hookDestination(input.url)
  } catch (err) {
    if (!(err instanceof RefusedDestination)) throw err
    throw new AppError('unprocessable', `The moderation hook URL is refused: ${err.message}.`, {
      errors: [{ pointer: '/body/url', detail: err.message }],
    })
  }
  const settings = {
    installationId: input.installation_id,
    url: input.url,
    timeoutMs: input.timeout_ms ?? DEFAULT_TIMEOUT_MS,
    onTimeout: input.on_timeout,
  }
  return inTenant(ctx, async (tx) => {
    const granted = (await activeInstallationScopes(tx, [input.installation_id])).get(input.installation_id)
    if (!granted?.includes(REVIEW_SCOPE))
      throw new AppError(
        'unprocessable',
        granted
          ? `The installation is not granted ${REVIEW_SCOPE}, which the comments it would review need.`
          : 'No app is installed in this tenant under that installation id.',
        {
          errors: [
            {
              pointer: '/body/installation_id',
              detail: granted ? `is not granted ${REVIEW_SCOPE}` : 'is not an installation in this tenant',
            },
          ],
        },
      )
    const current = await findHook(tx, { lock: true })
    if (current && !visibleTo(tx, current))
      throw new AppError(
        'forbidden',
        'The tenant’s moderation hook belongs to another app; only the tenant can replace it.',
      )
    if (expectedVersion !== undefined && expectedVersion !== current?.version)
      throw staleVersion('moderation hook', expectedVersion)
    let row: HookRow | undefined
    let secret: string | null = null
    if (!current) {
      secret = newSecret()
      ;[row] = await tx.tx
        .insert(moderationHooks)
        .values({ tenantId: tx.tenantId, id: newId('moderationHook'), ...settings, secret })
        .onConflictDoNothing()
        .returning()
      // A concurrent PUT created it between the read and the insert.
      if (!row) throw new AppError('conflict', 'The moderation hook was created concurrently; read it and retry.')
    } else {
      if (current.installationId !== settings.installationId) secret = newSecret()
      ;[row] = await tx.tx
        .update(moderationHooks)
        .set({
          ...settings,
          ...(secret ? { secret } : {}),
          version: sql`${moderationHooks.version} + 1`,
          updatedAt: sql`now()`,
        })
        .where(and(eq(moderationHooks.tenantId, tx.tenantId), eq(moderationHooks.id, current.id)))
        .returning()
    }
    const view = present(row!, true)
    await audit(
      tx,
      current ? 'moderation_hook.updated' : 'moderation_hook.created',
      {
        type: 'moderation_hook',
        id: view.id,
      },
      {
        installation_id: view.installation_id,
        url: view.url,
        timeout_ms: view.timeout_ms,
        on_timeout: view.on_timeout,
      },
    )
    await publish(tx, moderationHookSet, view)
    return { hook: view, secret, created: !current }
  })
}

export function getHook(ctx: Ctx): Promise<HookView> {
  return inTenant(ctx, async (tx) => {
    const row = await findHook(tx)
    if (!row || !visibleTo(tx, row)) throw noHook()
    return present(row, await installationReviews(tx, row.installationId))
  })
}

export function deleteHook(ctx: Ctx, expectedVersion: number | undefined): Promise<void> {
  return inTenant(ctx, async (tx) => {
    const row = await findHook(tx, { lock: true })
    if (!row || !visibleTo(tx, row)) throw noHook()
    if (expectedVersion !== undefined && expectedVersion !== row.version)
      throw staleVersion('moderation hook', expectedVersion)
    await tx.tx
      .delete(moderationHooks)
      .where(and(eq(moderationHooks.tenantId, tx.tenantId), eq(moderationHooks.id, row.id)))
    await audit(tx, 'moderation_hook.removed', { type: 'moderation_hook', id: row.id })
    await publish(tx, moderationHookRemoved, present(row, false))
  })
}
