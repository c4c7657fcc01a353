import { eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm'
import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Ctx, TxCtx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import { publish } from '../../lib/hooks.js'
import { newId } from '../../lib/ids.js'
import { mapPage, scoped, tenantRepository, type PageRequest } from '../../lib/repository.js'
import { findAnchor, setAnchorSuspended } from '../anchors/index.js'
import { anchorReinstated, anchorSuspended, violationRecorded } from './changes.js'
import { countStrikes } from './rules.js'
import type { RecordAnchorViolationInput, ReinstateAnchorInput } from './schemas.js'
import { standardInForce, type StandardRow } from './standards.js'
import { anchorSuspensions, anchorViolations, type Tier } from './tables.js'
import { tierRules, tiersOf } from './tiers.js'

const violationRepo = tenantRepository(anchorViolations, 'violation')
const suspensionRepo = tenantRepository(anchorSuspensions, 'suspension')
type ViolationRow = typeof anchorViolations.$inferSelect
type SuspensionRow = typeof anchorSuspensions.$inferSelect

const presentViolation = (v: ViolationRow) => ({
  id: v.id,
  anchor_id: v.anchorId,
  standard_id: v.standardId,
  standard_version: v.standardVersion,
  rule_code: v.ruleCode,
  rule_description: v.ruleDescription,
  severity: v.severity,
  strike_weight: v.strikeWeight,
  evidence: { text: v.evidenceText, urls: v.evidenceUrls },
  session_id: v.sessionId,
  occurred_at: v.occurredAt.toISOString(),
  recorded_by: v.recordedBy,
  created_at: v.createdAt.toISOString(),
})

const presentSuspension = (s: SuspensionRow) => ({
  id: s.id,
  anchor_id: s.anchorId,
  state: s.liftedAt ? ('lifted' as const) : ('in_force' as const),
  strikes: s.strikes,
  threshold: s.threshold,
  standard_id: s.standardId,
  standard_version: s.standardVersion,
  violation_ids: s.violationIds,
  suspended_at: s.suspendedAt.toISOString(),
  lifted_at: s.liftedAt?.toISOString() ?? null,
  lifted_by: s.liftedBy,
  lift_reason: s.liftReason,
  version: s.version,
})

/**
 * The database's clock at this statement. Strikes are counted and violations and reinstatements
 * stamped with it after the anchor's lock is taken, not with now() (the transaction's start): a
 * transaction that waited for the lock would otherwise date its violation before rows committed
 * while it waited, and count without them.
 */
async function dbClock(tx: TxCtx): Promise<Date> {
  const [clock] = await tx.tx.execute<{ ms: number }>(
    sql`select extract(epoch from clock_timestamp())::float8 * 1000 as ms`,
  )
  return new Date(Number(clock!.ms))
}

/** Violations and suspensions of one anchor are decided one at a time, so two at once cannot both miss the threshold. */
const lockAnchorStanding = (tx: TxCtx, anchorId: string) =>
  tx.tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`anchor-standing:${tx.tenantId}:${anchorId}`}, 0))`)

/** What counts toward a suspension now, under the standard in force (none: nothing counts). */
async function strikesNow(tx: TxCtx, anchorIds: string[], standard: StandardRow | undefined) {
  const out = new Map<string, { strikes: number; counted: string[]; suspend: boolean }>()
  if (!standard || !anchorIds.length) return out
  const now = await dbClock(tx)
  const [recent, lifts] = await Promise.all([
    tx.tx
      .select()
      .from(anchorViolations)
      .where(
        scoped(
          tx,
          anchorViolations,
          inArray(anchorViolations.anchorId, anchorIds),
          sql`${anchorViolations.occurredAt} > ${now.toISOString()}::timestamptz - make_interval(days => ${standard.strikeWindowDays}::int)`,
        ),
      ),
    tx.tx
      .select({
        anchorId: anchorSuspensions.anchorId,
        ms: sql<number>`extract(epoch from max(${anchorSuspensions.liftedAt}))::float8 * 1000`,
      })
      .from(anchorSuspensions)
      .where(
        scoped(
          tx,
          anchorSuspensions,
          inArray(anchorSuspensions.anchorId, anchorIds),
          isNotNull(anchorSuspensions.liftedAt),
        ),
      )
      .groupBy(anchorSuspensions.anchorId),
  ])
  const lifted = new Map(lifts.map((l) => [l.anchorId, new Date(Number(l.ms))]))
  const policy = { windowDays: standard.strikeWindowDays, threshold: standard.suspensionThreshold }
  for (const id of anchorIds) {
    const mine = recent
      .filter((v) => v.anchorId === id)
      .map((v) => ({ id: v.id, weight: v.strikeWeight, occurredAt: v.occurredAt, recordedAt: v.createdAt }))
    out.set(id, countStrikes(mine, policy, now, lifted.get(id) ?? null))
  }
  return out
}

/**
 * Records a violation of a rule of the standard in force when it occurred, with that rule's
 * severity and weight. If the anchor's strikes now reach the current standard's threshold,
 * the anchor is suspended in the same transaction.
 */
export function recordViolation(ctx: Ctx, anchorId: string, input: RecordAnchorViolationInput) {
  return inTenant(ctx, async (tx) => {
    await findAnchor(tx, anchorId, { required: true })
    await lockAnchorStanding(tx, anchorId)
    const recordedAt = await dbClock(tx)
    const occurredAt = input.occurred_at ? new Date(input.occurred_at) : undefined
    if (occurredAt && occurredAt.getTime() > recordedAt.getTime() + 60_000)
      throw new AppError('unprocessable', 'A violation cannot be recorded before it happened.', {
        errors: [{ pointer: '/body/occurred_at', detail: 'is in the future' }],
      })
    const standard = await standardInForce(tx, occurredAt)
    if (!standard)
      throw new AppError(
        'unprocessable',
        occurredAt
          ? `No anchor standard was in force at ${occurredAt.toISOString()}.`
          : 'The platform has not published anchor standards yet.',
        { errors: [{ pointer: occurredAt ? '/body/occurred_at' : '/body/rule_code', detail: 'no standard in force' }] },
      )
    const rule = standard.rules.find((r) => r.code === input.rule_code)
    if (!rule)
      throw new AppError(
        'unprocessable',
        `Version ${standard.version} of the anchor standards has no rule ${input.rule_code}; its rules are ${standard.rules.map((r) => r.code).join(', ')}.`,
        { errors: [{ pointer: '/body/rule_code', detail: `is not a rule of standard version ${standard.version}` }] },
      )
    const row = await violationRepo.insert(tx, {
      id: newId('anchorViolation'),
      anchorId,
      standardId: standard.id,
      standardVersion: standard.version,
      ruleCode: rule.code,
      ruleDescription: rule.description,
      severity: rule.severity,
      strikeWeight: standard.severityWeights[rule.severity],
      evidenceText: input.evidence.text,
      evidenceUrls: input.evidence.urls ?? [],
      sessionId: input.session_id ?? null,
      occurredAt: occurredAt ?? recordedAt,
      createdAt: recordedAt,
      recordedBy: ctx.actor.clientId,
    })
    const violation = presentViolation(row)
    await publish(tx, violationRecorded, violation)
    await audit(tx, 'anchor.violation_recorded', { type: 'anchor_violation', id: row.id }, input)
    await suspendIfStruckOut(tx, anchorId)
    return violation
  })
}

async function suspendIfStruckOut(tx: TxCtx, anchorId: string) {
  const current = await standardInForce(tx)
  const count = (await strikesNow(tx, [anchorId], current)).get(anchorId)
  if (!current || !count?.suspend) return
  const [row] = await tx.tx
    .insert(anchorSuspensions)
    .values({
      tenantId: tx.tenantId,
      id: newId('anchorSuspension'),
      anchorId,
      strikes: count.strikes,
      threshold: current.suspensionThreshold,
      standardId: current.id,
      standardVersion: current.version,
      violationIds: count.counted,
    })
    // Already suspended: the suspension in force stands (one per anchor, by the partial unique index).
    .onConflictDoNothing()
    .returning()
  if (!row) return
  await setAnchorSuspended(tx, anchorId, true)
  const suspension = presentSuspension(row)
  await publish(tx, anchorSuspended, suspension)
  await audit(tx, 'anchor.suspended', { type: 'anchor_suspension', id: row.id }, suspension)
}

export function listViolations(ctx: Ctx, anchorId: string, page: PageRequest) {
  return inTenant(ctx, async (tx) => {
    await findAnchor(tx, anchorId, { required: true })
    return mapPage(violationRepo.list(tx, page, eq(anchorViolations.anchorId, anchorId)), presentViolation)
  })
}

export function listSuspensions(ctx: Ctx, anchorId: string, page: PageRequest) {
  return inTenant(ctx, async (tx) => {
    await findAnchor(tx, anchorId, { required: true })
    return mapPage(suspensionRepo.list(tx, page, eq(anchorSuspensions.anchorId, anchorId)), presentSuspension)
  })
}

/** Lifts the suspension in force, recording who and why; the anchor is active again. */
export function reinstateAnchor(ctx: Ctx, anchorId: string, input: ReinstateAnchorInput) {
  return inTenant(ctx, async (tx) => {
    await findAnchor(tx, anchorId, { required: true })
    await lockAnchorStanding(tx, anchorId)
    const [row] = await tx.tx
      .update(anchorSuspensions)
      .set({
        liftedAt: sql`clock_timestamp()`,
        liftedBy: ctx.actor.clientId,
        liftReason: input.reason,
        version: sql`${anchorSuspensions.version} + 1`,
        updatedAt: sql`now()`,
      })
      .where(
        scoped(tx, anchorSuspensions, eq(anchorSuspensions.anchorId, anchorId), isNull(anchorSuspensions.liftedAt)),
      )
      .returning()
    if (!row)
      throw new AppError(
        'conflict',
        `Anchor ${anchorId} is not suspended, so there is no suspension to lift; only a suspended anchor can be reinstated.`,
      )
    await setAnchorSuspended(tx, anchorId, false)
    const suspension = presentSuspension(row)
    await publish(tx, anchorReinstated, suspension)
    await audit(tx, 'anchor.reinstated', { type: 'anchor_suspension', id: row.id }, { reason: input.reason })
    return suspension
  })
}

/** Governance standing of several anchors in a fixed number of queries (REST and GraphQL's loader). */
export async function standingsOf(tx: TxCtx, anchors: { id: string; status: 'active' | 'inactive' | 'suspended' }[]) {
  const ids = anchors.map((a) => a.id)
  const standard = await standardInForce(tx)
  const [strikes, inForce, tiers, rules] = await Promise.all([
    strikesNow(tx, ids, standard),
    ids.length
      ? tx.tx
          .select()
          .from(anchorSuspensions)
          .where(
            scoped(tx, anchorSuspensions, inArray(anchorSuspensions.anchorId, ids), isNull(anchorSuspensions.liftedAt)),
          )
      : Promise.resolve([] as SuspensionRow[]),
    tiersOf(tx, ids),
    tierRules.values(tx),
  ])
  const suspensions = new Map(inForce.map((s) => [s.anchorId, s]))
  return anchors.map((a) => {
    const tier = tiers.get(a.id)
    const tierName: Tier = tier?.tier ?? 'tail'
    const suspension = suspensions.get(a.id)
    return {
      anchor_id: a.id,
      status: a.status,
      strikes: strikes.get(a.id)?.strikes ?? 0,
      suspension_threshold: standard?.suspensionThreshold ?? null,
      strike_window_days: standard?.strikeWindowDays ?? null,
      standard_version: standard?.version ?? null,
      suspension: suspension ? presentSuspension(suspension) : null,
      tier: tierName,
      tier_since: tier?.since.toISOString() ?? null,
      rank_in_tier: tier?.rank ?? null,
      tier_score: tier?.score ?? null,
      reviewed_at: tier?.reviewedAt.toISOString() ?? null,
      support_weight: rules.support_weights[tierName],
    }
  })
}

export function getStanding(ctx: Ctx, anchorId: string) {
  return inTenant(ctx, async (tx) => {
    const anchor = await findAnchor(tx, anchorId, { required: true })
    const [standing] = await standingsOf(tx, [anchor])
    return standing!
  })
}
