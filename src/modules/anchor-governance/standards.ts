import { desc, lte, sql } from 'drizzle-orm'
import { inControlPlane } from '../../db/control-plane.js'
import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Ctx, TxCtx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import { newId } from '../../lib/ids.js'
import { keysetPage, mapPage, type PageRequest } from '../../lib/repository.js'
import type { CreateAnchorStandardInput } from './schemas.js'
import { anchorStandards } from './tables.js'

export type StandardRow = typeof anchorStandards.$inferSelect

export const presentStandard = (s: StandardRow) => ({
  id: s.id,
  version: s.version,
  title: s.title,
  rules: s.rules,
  severity_weights: s.severityWeights,
  strike_window_days: s.strikeWindowDays,
  suspension_threshold: s.suspensionThreshold,
  published_by: s.publishedBy,
  effective_from: s.effectiveFrom.toISOString(),
  created_at: s.createdAt.toISOString(),
})

const versionTaken = (err: unknown) => {
  const e = err as { code?: string; constraint_name?: string; cause?: { code?: string; constraint_name?: string } }
  const pg = e.code ? e : e.cause
  return pg?.code === '23505' && pg.constraint_name === 'anchor_standards_version_idx'
}

/**
 * The platform publishes the next version of the standards; it supersedes the last at once.
 * Only the platform operator itself may (not an installed app, not an MCN).
 */
export async function publishStandard(ctx: Ctx, input: CreateAnchorStandardInput) {
  if (ctx.actor.organizationKind !== 'platform' || ctx.actor.installationId)
    throw new AppError('forbidden', 'Only the platform organization publishes anchor standards.')
  const seen = new Set<string>()
  const errors = input.rules.flatMap((r, i) => {
    if (!seen.has(r.code)) return seen.add(r.code) && []
    return [{ pointer: `/body/rules/${i}/code`, detail: `repeats the rule code ${r.code}` }]
  })
  if (errors.length) throw new AppError('unprocessable', 'Each rule of a standard needs its own code.', { errors })
  try {
    return await inControlPlane(ctx, async (cp) => {
      const [row] = await cp.owner
        .insert(anchorStandards)
        .values({
          id: newId('anchorStandard'),
          version: sql`(select coalesce(max(${anchorStandards.version}), 0) + 1 from ${anchorStandards})`,
          title: input.title,
          rules: input.rules,
          severityWeights: input.severity_weights,
          strikeWindowDays: input.strike_window_days,
          suspensionThreshold: input.suspension_threshold,
          publishedBy: ctx.actor.organizationId,
        })
        .returning()
      const standard = presentStandard(row!)
      await audit(cp, 'anchor_standard.published', { type: 'anchor_standard', id: standard.id }, input)
      return standard
    })
  } catch (err) {
    if (versionTaken(err))
      throw new AppError('conflict', 'Another version of the standards was published at the same time; retry.')
    throw err
  }
}

/** Every version, newest first; the same for every organization. */
export function listStandards(ctx: Ctx, page: PageRequest) {
  return inTenant(ctx, (tx) =>
    mapPage(keysetPage<StandardRow>(tx.tx, anchorStandards, anchorStandards.id, page, undefined), presentStandard),
  )
}

/** The version in force at `at` (default now), if any was published by then. */
export async function standardInForce(tx: TxCtx, at?: Date): Promise<StandardRow | undefined> {
  const [row] = await tx.tx
    .select()
    .from(anchorStandards)
    .where(at ? lte(anchorStandards.effectiveFrom, at) : undefined)
    .orderBy(desc(anchorStandards.version))
    .limit(1)
  return row
}

export function getCurrentStandard(ctx: Ctx) {
  return inTenant(ctx, async (tx) => {
    const row = await standardInForce(tx)
    if (!row) throw new AppError('not_found', 'The platform has not published anchor standards yet.')
    return presentStandard(row)
  })
}

/** The version in force, or null before the platform published any (GraphQL's nullable field). */
export function findCurrentStandard(ctx: Ctx) {
  return inTenant(ctx, async (tx) => {
    const row = await standardInForce(tx)
    return row ? presentStandard(row) : null
  })
}
