import { and, eq, gte, lt, sql, type SQL } from 'drizzle-orm'
import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Actor, Ctx, TxCtx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import { publish, type DomainChange } from '../../lib/hooks.js'
import { newId } from '../../lib/ids.js'
import { mapPage, scoped, staleVersion, tenantRepository, type PageRequest } from '../../lib/repository.js'
import { findAnchor } from '../anchors/index.js'
import { resolveBuyer } from '../buyers/index.js'
import { findProduct } from '../catalog/index.js'
import { listSessions } from '../scheduling/index.js'
import {
  consultationAnswered,
  consultationClaimed,
  consultationClosed,
  consultationOpened,
  consultationReleased,
} from './changes.js'
import type {
  ClaimConsultationInput,
  ConsultationListInput,
  ConsultationStatsInput,
  OpenConsultationInput,
} from './schemas.js'
import { consultationMessages, consultations, type Agent } from './tables.js'

const ticketRepo = tenantRepository(consultations, 'consultation')
const messageRepo = tenantRepository(consultationMessages, 'consultation message')

type TicketRow = typeof consultations.$inferSelect
type MessageRow = typeof consultationMessages.$inferSelect

const iso = (d: Date | null) => (d ? d.toISOString() : null)
const DEFAULT_CLAIM_SECONDS = 900
const NO_CLAIM = { claimKey: null, claimedBy: null, claimedAt: null, claimExpiresAt: null }

function presentTicket(c: TicketRow, now = new Date()) {
  const claimed = c.claimedBy && c.claimExpiresAt && c.claimExpiresAt > now
  return {
    id: c.id,
    product_id: c.productId,
    anchor_id: c.anchorId,
    buyer_id: c.buyerId,
    channel: c.channel,
    question: c.question,
    status: c.status,
    during_live: c.duringLive,
    live_session_id: c.liveSessionId,
    claim: claimed
      ? { by: c.claimedBy!, claimed_at: c.claimedAt!.toISOString(), expires_at: c.claimExpiresAt!.toISOString() }
      : null,
    answered_by: c.answeredBy,
    first_response_at: iso(c.firstResponseAt),
    first_response_seconds: c.firstResponseSeconds,
    closed_at: iso(c.closedAt),
    version: c.version,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  }
}
export type ConsultationView = ReturnType<typeof presentTicket>

const presentMessage = (m: MessageRow) => ({
  id: m.id,
  consultation_id: m.consultationId,
  author: m.author,
  text: m.text,
  agent: m.agent,
  created_at: m.createdAt.toISOString(),
})

/** The caller as a consultation records it: the installed app when a provider acts, else the client. */
const actorOf = (actor: Actor): Agent['actor'] =>
  actor.installationId ? { type: 'installation', id: actor.installationId } : { type: 'client', id: actor.clientId }

const unprocessable = (detail: string, pointer: string) =>
  new AppError('unprocessable', detail, { errors: [{ pointer, detail }] })

/**
 * Opens a ticket. A question while the anchor is live is taken all the same and flagged
 * `during_live` with the session, so the desk can answer it or route it to the live room's Q&A:
 * refusing it would lose a buyer who wrote through a channel that cannot see the live room.
 * Without an anchor there is no schedule to compare with, and the ticket is never flagged.
 */
export function openConsultation(ctx: Ctx, input: OpenConsultationInput) {
  return inTenant(ctx, async (tx) => {
    if (!(await findProduct(tx, input.product_id)))
      throw unprocessable(`No product with id ${input.product_id} exists.`, '/body/product_id')
    let liveSessionId: string | null = null
    if (input.anchor_id) {
      if (!(await findAnchor(tx, input.anchor_id)))
        throw unprocessable(`No anchor with id ${input.anchor_id} exists.`, '/body/anchor_id')
      const live = await listSessions(tx, { anchor_id: input.anchor_id, status: 'live', limit: 1 })
      liveSessionId = live.data[0]?.id ?? null
    }
    const buyer = await resolveBuyer(tx, input.buyer)
    const row = await ticketRepo.insert(tx, {
      id: newId('consultation'),
      productId: input.product_id,
      anchorId: input.anchor_id ?? null,
      buyerId: buyer.id,
      channel: input.channel,
      question: input.text,
      duringLive: liveSessionId !== null,
      liveSessionId,
    })
    await messageRepo.insert(tx, {
      id: newId('consultationMessage'),
      consultationId: row.id,
      author: 'buyer',
      text: input.text,
      agent: null,
      createdAt: row.createdAt,
    })
    const ticket = presentTicket(row)
    // The buyer's reference is never kept, not even in the audit log: only its pseudonymous id.
    await audit(tx, 'consultation.opened', { type: 'consultation', id: row.id }, { buyer_id: buyer.id })
    await publish(tx, consultationOpened, ticket)
    return ticket
  })
}

export function getConsultation(ctx: Ctx, id: string) {
  return inTenant(ctx, async (tx) => presentTicket(await ticketRepo.get(tx, id)))
}

export function listConsultations(ctx: Ctx, query: ConsultationListInput) {
  return inTenant(ctx, async (tx) =>
    mapPage(
      ticketRepo.list(
        tx,
        query,
        query.status ? eq(consultations.status, query.status) : undefined,
        query.anchor_id ? eq(consultations.anchorId, query.anchor_id) : undefined,
        query.product_id ? eq(consultations.productId, query.product_id) : undefined,
      ),
      (r) => presentTicket(r),
    ),
  )
}

export function listConsultationMessages(ctx: Ctx, id: string, page: PageRequest) {
  return inTenant(ctx, async (tx) => {
    await ticketRepo.get(tx, id)
    return mapPage(messageRepo.list(tx, page, eq(consultationMessages.consultationId, id)), presentMessage)
  })
}

const c = consultations
const claimLive = sql`${c.claimExpiresAt} > now()`
const claimFree = sql`(${c.claimKey} is null or ${c.claimExpiresAt} <= now())`
const heldBy = (actor: Agent['actor']) =>
  sql`(${claimLive} and ${c.claimedBy}->'actor' = ${JSON.stringify(actor)}::jsonb)`

/**
 * One conditional statement per move, so two agents acting at once on one ticket are decided by
 * the row lock: the second re-reads the row the first wrote and its condition no longer holds.
 * When nothing matched, `refusal` says why from the row as it is now.
 */
async function move(
  tx: TxCtx,
  id: string,
  expectedVersion: number | undefined,
  condition: SQL,
  set: Record<string, unknown>,
  refusal: (row: TicketRow) => AppError,
): Promise<TicketRow> {
  const [row] = await tx.tx
    .update(c)
    .set({ ...set, version: sql`${c.version} + 1`, updatedAt: sql`now()` })
    .where(
      scoped(
        tx,
        c,
        eq(c.id, id),
        sql`${c.status} <> 'closed'`,
        expectedVersion === undefined ? undefined : eq(c.version, expectedVersion),
        condition,
      ),
    )
    .returning()
  if (row) return row
  const current = await ticketRepo.get(tx, id)
  if (current.status === 'closed') throw new AppError('conflict', 'The consultation is closed.')
  if (expectedVersion !== undefined && current.version !== expectedVersion)
    throw staleVersion('consultation', expectedVersion)
  throw refusal(current)
}

const heldElsewhere = (row: TicketRow) =>
  new AppError(
    'conflict',
    `The consultation is claimed by another agent until ${row.claimExpiresAt!.toISOString()}; it may be claimed once they release it or the claim expires.`,
    { extensions: { claimed_by: row.claimedBy, claim_expires_at: row.claimExpiresAt!.toISOString() } },
  )
const notHeld = (actor: Agent['actor']) => (row: TicketRow) =>
  row.claimKey && row.claimExpiresAt! > new Date() && JSON.stringify(row.claimedBy!.actor) !== JSON.stringify(actor)
    ? heldElsewhere(row)
    : new AppError(
        'conflict',
        'Claim the consultation first (POST /v1/consultations/{id}/claim); you hold no claim on it.',
      )

async function finish(
  tx: TxCtx,
  row: TicketRow,
  change: DomainChange<ConsultationView>,
  action: string,
  data?: unknown,
) {
  const ticket = presentTicket(row)
  await audit(tx, action, { type: 'consultation', id: row.id }, data)
  await publish(tx, change, ticket)
  return ticket
}

/**
 * Claims a ticket for an agent, exclusively: while the claim holds, another claim is refused with
 * 409 naming the holder. The same agent claiming again renews it. A claim expires after
 * `ttl_seconds` (15 minutes by default), so a desk or an AI agent that dies does not hold tickets.
 */
export function claimConsultation(
  ctx: Ctx,
  id: string,
  expectedVersion: number | undefined,
  input: ClaimConsultationInput,
) {
  return inTenant(ctx, async (tx) => {
    const agent: Agent = {
      actor: actorOf(ctx.actor),
      agent_kind: input.agent_kind,
      agent_name: input.agent_name ?? null,
      crew_member_id: input.crew_member_id ?? null,
    }
    const key = `${agent.actor.type}:${agent.actor.id}|${agent.crew_member_id ?? ''}|${agent.agent_name ?? ''}`
    const ttl = input.ttl_seconds ?? DEFAULT_CLAIM_SECONDS
    const row = await move(
      tx,
      id,
      expectedVersion,
      sql`(${claimFree} or ${c.claimKey} = ${key})`,
      {
        claimKey: key,
        claimedBy: agent,
        claimedAt: sql`now()`,
        claimExpiresAt: sql`now() + make_interval(secs => ${ttl})`,
      },
      heldElsewhere,
    )
    return finish(tx, row, consultationClaimed, 'consultation.claimed', input)
  })
}

export function releaseConsultation(ctx: Ctx, id: string, expectedVersion: number | undefined) {
  return inTenant(ctx, async (tx) => {
    const actor = actorOf(ctx.actor)
    const row = await move(tx, id, expectedVersion, heldBy(actor), NO_CLAIM, notHeld(actor))
    return finish(tx, row, consultationReleased, 'consultation.released')
  })
}

/**
 * The claim holder answers. The first answer records the first-response time, from opening to
 * now, in whole seconds; `answered_by` is the agent of the claim.
 */
export function answerConsultation(ctx: Ctx, id: string, input: { text: string }) {
  return inTenant(ctx, async (tx) => {
    const actor = actorOf(ctx.actor)
    const row = await move(
      tx,
      id,
      undefined,
      heldBy(actor),
      {
        status: 'answered',
        answeredBy: sql`${c.claimedBy}`,
        firstResponseAt: sql`coalesce(${c.firstResponseAt}, now())`,
        firstResponseSeconds: sql`coalesce(${c.firstResponseSeconds}, floor(extract(epoch from now() - ${c.createdAt}))::int)`,
      },
      notHeld(actor),
    )
    const message = await messageRepo.insert(tx, {
      id: newId('consultationMessage'),
      consultationId: id,
      author: 'agent',
      text: input.text,
      agent: row.claimedBy,
    })
    await finish(tx, row, consultationAnswered, 'consultation.answered', { message_id: message.id })
    return presentMessage(message)
  })
}

/** Closes a ticket; anyone may, except while another agent holds a claim on it. */
export function closeConsultation(
  ctx: Ctx,
  id: string,
  expectedVersion: number | undefined,
  input: { reason?: string },
) {
  return inTenant(ctx, async (tx) => {
    const actor = actorOf(ctx.actor)
    const row = await move(
      tx,
      id,
      expectedVersion,
      sql`(${claimFree} or ${heldBy(actor)})`,
      {
        status: 'closed',
        closedAt: sql`now()`,
        claimKey: null,
        claimedBy: null,
        claimedAt: null,
        claimExpiresAt: null,
      },
      heldElsewhere,
    )
    return finish(tx, row, consultationClosed, 'consultation.closed', { reason: input.reason ?? 'resolved' })
  })
}

/** First-response times of the tickets opened in the range, per anchor, per product, or the tenant's. */
export function consultationStats(ctx: Ctx, query: ConsultationStatsInput) {
  return inTenant(ctx, async (tx) => {
    const s = c.firstResponseSeconds
    const [row] = await tx.tx
      .select({
        count: sql<number>`count(*)::int`,
        answered: sql<number>`count(${s})::int`,
        median: sql<number | null>`percentile_cont(0.5) within group (order by ${s})`,
        p90: sql<number | null>`percentile_cont(0.9) within group (order by ${s})`,
      })
      .from(c)
      .where(
        scoped(
          tx,
          c,
          query.anchor_id ? eq(c.anchorId, query.anchor_id) : undefined,
          query.product_id ? eq(c.productId, query.product_id) : undefined,
          and(
            query.from ? gte(c.createdAt, new Date(query.from)) : undefined,
            query.to ? lt(c.createdAt, new Date(query.to)) : undefined,
          ),
        ),
      )
    const num = (v: number | string | null) => (v === null ? null : Number(v))
    return {
      anchor_id: query.anchor_id ?? null,
      product_id: query.product_id ?? null,
      from: query.from ? new Date(query.from).toISOString() : null,
      to: query.to ? new Date(query.to).toISOString() : null,
      count: row!.count,
      answered: row!.answered,
      median_first_response_seconds: num(row!.median),
      p90_first_response_seconds: num(row!.p90),
    }
  })
}
