import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm'
import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Ctx, TxCtx } from '../../lib/context.js'
import { AppError, notFound } from '../../lib/errors.js'
import { publish } from '../../lib/hooks.js'
import { newId } from '../../lib/ids.js'
import { scoped, staleVersion, tenantRepository, type PageRequest } from '../../lib/repository.js'
import { findOrder } from '../orders/index.js'
import { disputeAnswered, disputeEscalated, disputeOpened, disputeResolved } from './changes.js'
import { applyRefundAction, lockRefund, refundRepo, requestRefundIn } from './refunds.js'
import { BUYER_REPLY_HOURS, deadlineAfter, MERCHANT_RESPONSE_HOURS, OPEN_STAGES } from './rules.js'
import type {
  DisputeDecisionInput,
  DisputeQueryInput,
  DisputeStage,
  DisputeView,
  EvidenceInput,
  OpenDisputeInput,
} from './schemas.js'
import { disputeSteps, disputes } from './tables.js'

const disputeRepo = tenantRepository(disputes, 'dispute')
type DisputeRow = typeof disputes.$inferSelect
type StepRow = typeof disputeSteps.$inferSelect
type Party = StepRow['party']
type StepKind = StepRow['kind']

const iso = (d: Date | null) => (d ? d.toISOString() : null)

const presentDispute = (d: DisputeRow, steps: StepRow[]): DisputeView => ({
  id: d.id,
  order_id: d.orderId,
  refund_id: d.refundId,
  stage: d.stage,
  deadline_at: iso(d.deadlineAt),
  escalated_at: iso(d.escalatedAt),
  outcome: d.outcome,
  decided_amount: d.decidedAmount,
  decision_refund_id: d.decisionRefundId,
  decided_by: d.decidedBy,
  resolved_at: iso(d.resolvedAt),
  currency: d.currency,
  steps: steps.map((s) => ({ party: s.party, kind: s.kind, text: s.text, urls: s.urls, at: s.at.toISOString() })),
  version: d.version,
  created_at: d.createdAt.toISOString(),
  updated_at: d.updatedAt.toISOString(),
})

async function present(tx: TxCtx, rows: DisputeRow[]): Promise<DisputeView[]> {
  if (rows.length === 0) return []
  const steps = await tx.tx
    .select()
    .from(disputeSteps)
    .where(
      scoped(
        tx,
        disputeSteps,
        inArray(
          disputeSteps.disputeId,
          rows.map((r) => r.id),
        ),
      ),
    )
    .orderBy(asc(disputeSteps.at), asc(disputeSteps.id))
  return rows.map((r) =>
    presentDispute(
      r,
      steps.filter((s) => s.disputeId === r.id),
    ),
  )
}
const presentOne = async (tx: TxCtx, row: DisputeRow) => (await present(tx, [row]))[0]!

async function recordStep(
  tx: TxCtx,
  disputeId: string,
  party: Party,
  kind: StepKind,
  at: Date,
  evidence: { text?: string | null; urls?: string[] } = {},
) {
  await tx.tx.insert(disputeSteps).values({
    tenantId: tx.tenantId,
    id: newId('disputeStep'),
    disputeId,
    party,
    kind,
    text: evidence.text ?? null,
    urls: evidence.urls ?? [],
    recordedBy: tx.actor.clientId,
    at,
  })
}

async function lockDispute(tx: TxCtx, id: string): Promise<DisputeRow> {
  const [row] = await tx.tx
    .select()
    .from(disputes)
    .where(scoped(tx, disputes, eq(disputes.id, id)))
    .for('update')
  if (!row) throw notFound('dispute', id)
  return row
}

function wrongStage(row: DisputeRow, action: string, allowedFrom: DisputeStage[]): AppError {
  return new AppError(
    'conflict',
    `The dispute is at ${row.stage}; ${action} is only possible at ${allowedFrom.join(' or ')}.`,
    { extensions: { dispute_stage: row.stage } },
  )
}

/**
 * The MCN records a buyer's dispute from the selling platform. The merchant then has
 * MERCHANT_RESPONSE_HOURS to answer before the platform steps in.
 */
export function openDispute(ctx: Ctx, input: OpenDisputeInput): Promise<DisputeView> {
  return inTenant(ctx, async (tx) => {
    const order = await findOrder(tx, input.order_id)
    if (!order) throw notFound('order', input.order_id)
    if (input.refund_id) {
      const refund = await refundRepo.find(tx, input.refund_id)
      if (!refund || refund.orderId !== order.id)
        throw new AppError('unprocessable', `${input.refund_id} is not a refund of order ${order.id}.`, {
          errors: [{ pointer: '/body/refund_id', detail: `not a refund of ${order.id}` }],
        })
    }
    const now = new Date()
    const row = await disputeRepo.insert(tx, {
      id: newId('dispute'),
      orderId: order.id,
      refundId: input.refund_id ?? null,
      currency: order.currency,
      stage: 'merchant_response',
      deadlineAt: deadlineAfter(now, MERCHANT_RESPONSE_HOURS),
    })
    await recordStep(tx, row.id, 'buyer', 'opened', now, input.evidence)
    const view = await presentOne(tx, row)
    await publish(tx, disputeOpened, view)
    await audit(tx, 'dispute.opened', { type: 'dispute', id: row.id }, { order_id: order.id })
    return view
  })
}

/** The merchant's answer (merchant_response → buyer_reply), or the buyer's reply (buyer_reply → platform_review). */
export function answerDispute(
  ctx: Ctx,
  id: string,
  party: 'merchant' | 'buyer',
  expectedVersion: number | undefined,
  evidence: EvidenceInput,
): Promise<DisputeView> {
  return inTenant(ctx, async (tx) => {
    const row = await lockDispute(tx, id)
    if (expectedVersion !== undefined && row.version !== expectedVersion) throw staleVersion('dispute', expectedVersion)
    const from: DisputeStage = party === 'merchant' ? 'merchant_response' : 'buyer_reply'
    if (row.stage !== from) throw wrongStage(row, `a ${party} answer`, [from])
    const now = new Date()
    await recordStep(tx, id, party, party === 'merchant' ? 'merchant_responded' : 'buyer_replied', now, evidence)
    if (party === 'merchant') {
      const updated = await disputeRepo.update(tx, id, row.version, {
        stage: 'buyer_reply',
        deadlineAt: deadlineAfter(now, BUYER_REPLY_HOURS),
      })
      const view = await presentOne(tx, updated)
      await publish(tx, disputeAnswered, view)
      return view
    }
    // A buyer who replies keeps the dispute up: it goes to the platform.
    return escalate(tx, row, now, 'buyer')
  })
}

async function escalate(tx: TxCtx, row: DisputeRow, now: Date, party: Party): Promise<DisputeView> {
  const updated = await disputeRepo.update(tx, row.id, row.version, {
    stage: 'platform_review',
    deadlineAt: null,
    escalatedAt: now,
  })
  if (party === 'system')
    await recordStep(tx, row.id, 'system', 'escalated', now, {
      text: `The ${row.stage} deadline (${row.deadlineAt?.toISOString()}) passed unanswered.`,
    })
  else await recordStep(tx, row.id, party, 'escalated', now)
  const view = await presentOne(tx, updated)
  await publish(tx, disputeEscalated, view)
  return view
}

/** The buyer withdraws a dispute the platform has not decided yet. */
export function withdrawDispute(ctx: Ctx, id: string, expectedVersion: number | undefined): Promise<DisputeView> {
  return inTenant(ctx, async (tx) => {
    const row = await lockDispute(tx, id)
    if (expectedVersion !== undefined && row.version !== expectedVersion) throw staleVersion('dispute', expectedVersion)
    const open: DisputeStage[] = [...OPEN_STAGES, 'platform_review']
    if (!open.includes(row.stage)) throw wrongStage(row, 'withdrawal', open)
    const now = new Date()
    await recordStep(tx, id, 'buyer', 'withdrawn', now)
    const updated = await disputeRepo.update(tx, id, row.version, {
      stage: 'withdrawn',
      deadlineAt: null,
      resolvedAt: now,
    })
    const view = await presentOne(tx, updated)
    await publish(tx, disputeResolved, view)
    return view
  })
}

/**
 * Escalates, in ctx's tenant, every dispute whose stage deadline is at or before `now`. The
 * UPDATE is conditional on the stage and deadline, and the rows are locked SKIP LOCKED, so two
 * runs never escalate one dispute twice; a dispute left out by a failed run still matches the
 * condition on the next, so an unanswered dispute is never dropped.
 */
export function escalateOverdueDisputes(ctx: Ctx, now: Date): Promise<{ escalated: string[] }> {
  return inTenant(ctx, async (tx) => {
    const due = await tx.tx
      .select()
      .from(disputes)
      .where(scoped(tx, disputes, inArray(disputes.stage, [...OPEN_STAGES]), lte(disputes.deadlineAt, now)))
      .orderBy(asc(disputes.id))
      .for('update', { skipLocked: true })
    const escalated: string[] = []
    for (const row of due) {
      await escalate(tx, row, now, 'system')
      escalated.push(row.id)
    }
    return { escalated }
  })
}

/** The tenants holding a dispute whose deadline passed by `now` (read as the owner, across tenants). */
export async function tenantsWithOverdueDisputes(ctx: Ctx, now: Date) {
  return ctx.db.execute<{ tenant_id: string; kind: 'mcn' | 'provider' | 'platform' }>(
    sql`select distinct d.tenant_id, o.kind from ${disputes} d join organizations o on o.id = d.tenant_id
        where d.stage in ('merchant_response', 'buyer_reply') and d.deadline_at <= ${now.toISOString()}::timestamptz`,
  )
}

const isPlatformOperator = (ctx: Ctx) => ctx.actor.organizationKind === 'platform' && !ctx.actor.installationId

/**
 * The platform acts on a dispute in the tenant that holds it: the tenant is found by the
 * dispute's id (as the owner role), then the work runs under that tenant's RLS like any other.
 */
async function inDisputeTenant<T>(ctx: Ctx, id: string, fn: (tx: TxCtx) => Promise<T>): Promise<T> {
  if (!isPlatformOperator(ctx)) return inTenant(ctx, fn)
  const [found] = await ctx.db.execute<{ tenant_id: string }>(
    sql`select tenant_id from ${disputes} where id = ${id} limit 1`,
  )
  if (!found) throw notFound('dispute', id)
  return inTenant({ ...ctx, tenantId: found.tenant_id }, fn)
}

/**
 * 第三方介入: the platform organization decides an escalated dispute. A refund to the buyer (all
 * of `amount`, or the `amount` of a split) is made through the same ledger as any refund, so it
 * can never pass what was paid; a refund request the dispute was about that is still pending
 * is refused first, so its reservation does not count twice.
 */
export function decideDispute(
  ctx: Ctx,
  id: string,
  expectedVersion: number | undefined,
  input: DisputeDecisionInput,
): Promise<DisputeView> {
  if (!isPlatformOperator(ctx))
    return Promise.reject(new AppError('forbidden', 'Only the platform organization decides disputes.'))
  const refunding = input.outcome !== 'side_with_merchant'
  if (refunding && input.amount === undefined)
    return Promise.reject(
      new AppError('unprocessable', `A ${input.outcome} decision needs the amount to refund.`, {
        errors: [{ pointer: '/body/amount', detail: 'required' }],
      }),
    )
  if (!refunding && input.amount !== undefined)
    return Promise.reject(
      new AppError('unprocessable', 'A decision for the merchant refunds nothing; leave out amount.', {
        errors: [{ pointer: '/body/amount', detail: 'not allowed for side_with_merchant' }],
      }),
    )
  return inDisputeTenant(ctx, id, async (tx) => {
    const row = await lockDispute(tx, id)
    if (expectedVersion !== undefined && row.version !== expectedVersion) throw staleVersion('dispute', expectedVersion)
    if (row.stage !== 'platform_review') throw wrongStage(row, 'a platform decision', ['platform_review'])
    const now = new Date()
    let refundId: string | null = null
    if (refunding) {
      if (row.refundId) {
        const pending = await lockRefund(tx, row.refundId)
        if (pending.status === 'requested')
          await applyRefundAction(tx, pending, 'refuse', { reason: `Superseded by the platform’s decision on ${id}` })
      }
      let refund = await requestRefundIn(
        tx,
        row.orderId,
        { reason: 'other', detail: input.note ?? `Platform decision on ${id}`, amount: input.amount! },
        { disputeId: id },
      )
      refund = await applyRefundAction(tx, refund, 'approve')
      refund = await applyRefundAction(tx, refund, 'complete')
      refundId = refund.id
    }
    await recordStep(tx, id, 'platform', 'decided', now, {
      text: `${input.outcome}${refunding ? ` ${input.amount}` : ''}${input.note ? `: ${input.note}` : ''}`,
    })
    const updated = await disputeRepo.update(tx, id, row.version, {
      stage: 'resolved',
      outcome: input.outcome,
      decidedAmount: refunding ? input.amount! : null,
      decisionRefundId: refundId,
      decidedBy: ctx.actor.organizationId,
      resolvedAt: now,
    })
    const view = await presentOne(tx, updated)
    await publish(tx, disputeResolved, view)
    await audit(tx, 'dispute.resolved', { type: 'dispute', id }, input)
    return view
  })
}

export function getDispute(ctx: Ctx, id: string): Promise<DisputeView> {
  return inDisputeTenant(ctx, id, async (tx) => presentOne(tx, await disputeRepo.get(tx, id)))
}

/** Newest first, by order and stage; keyset-paginated. */
export function listDisputes(ctx: Ctx, q: DisputeQueryInput & PageRequest) {
  return inTenant(ctx, async (tx) => {
    const page = await disputeRepo.list(
      tx,
      q,
      and(q.order_id ? eq(disputes.orderId, q.order_id) : undefined, q.stage ? eq(disputes.stage, q.stage) : undefined),
    )
    return { data: await present(tx, page.data), next_cursor: page.next_cursor }
  })
}
