import { randomBytes } from 'node:crypto'
import { asc, count, eq, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm'
import { inTenant } from '../../db/tenancy.js'
import type { Actor, Ctx, TxCtx } from '../../lib/context.js'
import { AppError, notFound } from '../../lib/errors.js'
import { publish } from '../../lib/hooks.js'
import { newId } from '../../lib/ids.js'
import { mapPage, scoped, staleVersion, tenantRepository, type PageRequest } from '../../lib/repository.js'
import { resolveBuyer } from '../buyers/index.js'
import { findProduct } from '../catalog/index.js'
import { getSessionsByIds } from '../scheduling/index.js'
import {
  couponClaimed,
  couponCreated,
  drawClosed,
  drawCompleted,
  drawCreated,
  pollClosed,
  pollOpened,
  questionAnswered,
} from './changes.js'
import { DRAW_ALGORITHM, drawWinners, entriesDigest, sha256Hex, sortEntryIds } from './rules.js'
import type {
  AnswerQuestionInput,
  AskQuestionInput,
  CastVoteInput,
  CouponListInput,
  CreateCouponInput,
  CreateDrawInput,
  CreatePollInput,
  QuestionListInput,
} from './schemas.js'
import {
  liveCouponClaims,
  liveCouponHoldings,
  liveCoupons,
  liveDrawEntries,
  liveDraws,
  livePolls,
  livePollVotes,
  liveQuestions,
  type Answerer,
} from './tables.js'

const questionRepo = tenantRepository(liveQuestions, 'question')
const pollRepo = tenantRepository(livePolls, 'poll')
const couponRepo = tenantRepository(liveCoupons, 'coupon')
const drawRepo = tenantRepository(liveDraws, 'draw')
const entryRepo = tenantRepository(liveDrawEntries, 'draw entry')

const iso = (d: Date | null) => (d ? d.toISOString() : null)
const actorOf = (actor: Actor): Answerer['actor'] =>
  actor.installationId ? { type: 'installation', id: actor.installationId } : { type: 'client', id: actor.clientId }
const unprocessable = (detail: string, pointer: string) =>
  new AppError('unprocessable', detail, { errors: [{ pointer, detail }] })
/** A refusal by the tool's state; `reason` is the stable word a client switches on. */
const refused = (reason: string, detail: string, extensions: Record<string, unknown> = {}) =>
  new AppError('conflict', detail, { extensions: { reason, ...extensions } })
const fkViolation = (err: unknown) => {
  const e = err as { code?: string; cause?: { code?: string } }
  return (e.code ?? e.cause?.code) === '23503'
}

async function requireSession(tx: TxCtx, id: string, pointer?: string) {
  const [session] = await getSessionsByIds(tx, [id])
  if (session) return session
  if (pointer) throw unprocessable(`No session with id ${id} exists.`, pointer)
  throw notFound('session', id)
}

/**
 * A conditional move on a versioned row; when nothing matched, says why from the row as it is:
 * 404, 412 for a stale If-Match, else the caller's refusal.
 */
async function move<T extends typeof livePolls | typeof liveDraws | typeof liveQuestions>(
  tx: TxCtx,
  table: T,
  repo: { get(tx: TxCtx, id: string): Promise<T['$inferSelect']> },
  name: string,
  id: string,
  expectedVersion: number | undefined,
  condition: SQL,
  set: Record<string, unknown>,
  refusal: (row: T['$inferSelect']) => AppError,
): Promise<T['$inferSelect']> {
  // The three tables share these columns; drizzle cannot see it through the union.
  const t = table as unknown as typeof livePolls
  const [row] = await tx.tx
    .update(t)
    .set({ ...set, version: sql`${t.version} + 1`, updatedAt: sql`now()` })
    .where(
      scoped(
        tx,
        t,
        eq(t.id, id),
        expectedVersion === undefined ? undefined : eq(t.version, expectedVersion),
        condition,
      ),
    )
    .returning()
  if (row) return row as T['$inferSelect']
  const current = await repo.get(tx, id)
  if (expectedVersion !== undefined && current.version !== expectedVersion) throw staleVersion(name, expectedVersion)
  throw refusal(current)
}

// ── Questions ────────────────────────────────────────────────────────────────

type QuestionRow = typeof liveQuestions.$inferSelect
const presentQuestion = (q: QuestionRow) => ({
  id: q.id,
  session_id: q.sessionId,
  buyer_id: q.buyerId,
  text: q.text,
  answered: q.answeredAt !== null,
  answer: q.answerText,
  answered_by: q.answeredBy,
  answered_at: iso(q.answeredAt),
  version: q.version,
  created_at: q.createdAt.toISOString(),
  updated_at: q.updatedAt.toISOString(),
})

export function askQuestion(ctx: Ctx, sessionId: string, input: AskQuestionInput) {
  return inTenant(ctx, async (tx) => {
    await requireSession(tx, sessionId)
    const buyer = await resolveBuyer(tx, input.buyer)
    const row = await questionRepo.insert(tx, { id: newId('question'), sessionId, buyerId: buyer.id, text: input.text })
    return presentQuestion(row)
  })
}

export function listQuestions(ctx: Ctx, sessionId: string, query: QuestionListInput) {
  return inTenant(ctx, async (tx) => {
    await requireSession(tx, sessionId)
    const answered =
      query.answered === undefined
        ? undefined
        : query.answered
          ? isNotNull(liveQuestions.answeredAt)
          : isNull(liveQuestions.answeredAt)
    return mapPage(questionRepo.list(tx, query, eq(liveQuestions.sessionId, sessionId), answered), presentQuestion)
  })
}

export function getQuestion(ctx: Ctx | TxCtx, id: string) {
  return inTenant(ctx, async (tx) => presentQuestion(await questionRepo.get(tx, id)))
}

/** Answers once: `answered_by` is the caller (client or installed app) and the crew member named. */
export async function answerQuestion(
  ctx: Ctx,
  id: string,
  expectedVersion: number | undefined,
  input: AnswerQuestionInput,
) {
  try {
    return await inTenant(ctx, async (tx) => {
      const by: Answerer = { actor: actorOf(ctx.actor), crew_member_id: input.crew_member_id ?? null }
      const row = await move(
        tx,
        liveQuestions,
        questionRepo,
        'question',
        id,
        expectedVersion,
        isNull(liveQuestions.answeredAt),
        {
          answerText: input.text,
          answeredBy: by,
          answeredCrewMemberId: by.crew_member_id,
          answeredAt: sql`now()`,
        },
        (q) => refused('already_answered', `The question was answered at ${q.answeredAt!.toISOString()}.`),
      )
      const question = presentQuestion(row)
      await publish(tx, questionAnswered, question)
      return question
    })
  } catch (err) {
    // Only the crew member's key can be missing: the question itself exists by now.
    if (fkViolation(err))
      throw unprocessable(`No crew member with id ${input.crew_member_id} exists.`, '/body/crew_member_id')
    throw err
  }
}

// ── Polls ────────────────────────────────────────────────────────────────────

type PollRow = typeof livePolls.$inferSelect

async function tallies(tx: TxCtx, pollIds: string[]): Promise<Map<string, Map<number, number>>> {
  const out = new Map<string, Map<number, number>>()
  if (pollIds.length === 0) return out
  const v = livePollVotes
  const rows = await tx.tx
    .select({ pollId: v.pollId, option: v.option, votes: count() })
    .from(v)
    .where(scoped(tx, v, inArray(v.pollId, pollIds)))
    .groupBy(v.pollId, v.option)
  for (const r of rows) {
    const byOption = out.get(r.pollId) ?? new Map<number, number>()
    byOption.set(r.option, r.votes)
    out.set(r.pollId, byOption)
  }
  return out
}

async function presentPolls(tx: TxCtx, rows: PollRow[]) {
  const tally = await tallies(
    tx,
    rows.map((p) => p.id),
  )
  return rows.map((p) => {
    const votes = tally.get(p.id) ?? new Map<number, number>()
    const options = p.options.map((label, index) => ({ index, label, votes: votes.get(index) ?? 0 }))
    return {
      id: p.id,
      session_id: p.sessionId,
      question: p.question,
      status: p.status,
      options,
      total_votes: options.reduce((sum, o) => sum + o.votes, 0),
      opened_at: iso(p.openedAt),
      closed_at: iso(p.closedAt),
      version: p.version,
      created_at: p.createdAt.toISOString(),
      updated_at: p.updatedAt.toISOString(),
    }
  })
}
const presentPoll = async (tx: TxCtx, row: PollRow) => (await presentPolls(tx, [row]))[0]!

export function createPoll(ctx: Ctx, sessionId: string, input: CreatePollInput) {
  return inTenant(ctx, async (tx) => {
    await requireSession(tx, sessionId)
    const open = input.open ?? false
    const row = await pollRepo.insert(tx, {
      id: newId('poll'),
      sessionId,
      question: input.question,
      options: input.options,
      status: open ? 'open' : 'draft',
      openedAt: open ? new Date() : null,
    })
    const poll = await presentPoll(tx, row)
    if (open) await publish(tx, pollOpened, poll)
    return poll
  })
}

export function getPoll(ctx: Ctx | TxCtx, id: string) {
  return inTenant(ctx, async (tx) => presentPoll(tx, await pollRepo.get(tx, id)))
}

export function listPolls(ctx: Ctx, sessionId: string, page: PageRequest) {
  return inTenant(ctx, async (tx) => {
    await requireSession(tx, sessionId)
    const { data, next_cursor } = await pollRepo.list(tx, page, eq(livePolls.sessionId, sessionId))
    return { data: await presentPolls(tx, data), next_cursor }
  })
}

export function openPoll(ctx: Ctx, id: string, expectedVersion: number | undefined) {
  return inTenant(ctx, async (tx) => {
    const row = await move(
      tx,
      livePolls,
      pollRepo,
      'poll',
      id,
      expectedVersion,
      eq(livePolls.status, 'draft'),
      { status: 'open', openedAt: sql`now()` },
      (p) => refused(`poll_${p.status}`, `The poll is ${p.status}; only a draft can be opened.`),
    )
    const poll = await presentPoll(tx, row)
    await publish(tx, pollOpened, poll)
    return poll
  })
}

/**
 * Closing takes the poll's row lock, which waits for every vote in flight (each holds a share
 * lock on the row), so the tally read after it is final.
 */
export function closePoll(ctx: Ctx, id: string, expectedVersion: number | undefined) {
  return inTenant(ctx, async (tx) => {
    const row = await move(
      tx,
      livePolls,
      pollRepo,
      'poll',
      id,
      expectedVersion,
      eq(livePolls.status, 'open'),
      { status: 'closed', closedAt: sql`now()` },
      (p) => refused(`poll_${p.status}`, `The poll is ${p.status}; only an open poll can be closed.`),
    )
    const poll = await presentPoll(tx, row)
    await publish(tx, pollClosed, poll)
    return poll
  })
}

/** One vote per buyer: a re-vote while the poll is open replaces the earlier choice (`replaced: true`). */
export function castVote(ctx: Ctx, pollId: string, input: CastVoteInput) {
  return inTenant(ctx, async (tx) => {
    const [poll] = await tx.tx
      .select()
      .from(livePolls)
      .where(scoped(tx, livePolls, eq(livePolls.id, pollId)))
      .for('share')
    if (!poll) throw notFound('poll', pollId)
    if (poll.status !== 'open') throw refused(`poll_${poll.status}`, `The poll is ${poll.status}; it takes no votes.`)
    if (input.option >= poll.options.length)
      throw unprocessable(`The poll has options 0 to ${poll.options.length - 1}.`, '/body/option')
    const buyer = await resolveBuyer(tx, input.buyer)
    const v = livePollVotes
    const [vote] = await tx.tx
      .insert(v)
      .values({ tenantId: tx.tenantId, id: `${pollId}/${buyer.id}`, pollId, buyerId: buyer.id, option: input.option })
      .onConflictDoUpdate({ target: [v.tenantId, v.id], set: { option: input.option, updatedAt: sql`now()` } })
      // xmax is set on a row version an upsert updated, and zero on one it inserted.
      .returning({ option: v.option, updatedAt: v.updatedAt, replaced: sql<boolean>`(xmax <> 0)` })
    return {
      poll_id: pollId,
      buyer_id: buyer.id,
      option: vote!.option,
      replaced: vote!.replaced,
      voted_at: vote!.updatedAt.toISOString(),
    }
  })
}

// ── Coupons ──────────────────────────────────────────────────────────────────

type CouponRow = typeof liveCoupons.$inferSelect
const discountOf = (c: CouponRow) =>
  c.discountPercent !== null ? { percent: c.discountPercent } : { amount: c.discountAmount!, currency: c.currency! }
const presentCoupon = (c: CouponRow) => ({
  id: c.id,
  session_id: c.sessionId,
  product_id: c.productId,
  name: c.name,
  discount: discountOf(c),
  total_limit: c.totalLimit,
  per_buyer_limit: c.perBuyerLimit,
  issued_count: c.issuedCount,
  remaining: c.totalLimit - c.issuedCount,
  status: c.status,
  starts_at: iso(c.startsAt),
  ends_at: iso(c.endsAt),
  version: c.version,
  created_at: c.createdAt.toISOString(),
  updated_at: c.updatedAt.toISOString(),
})

export function createCoupon(ctx: Ctx, input: CreateCouponInput) {
  return inTenant(ctx, async (tx) => {
    if (!input.session_id && !input.product_id)
      throw unprocessable('A coupon is for a session, a product, or both.', '/body/session_id')
    if (input.session_id) await requireSession(tx, input.session_id, '/body/session_id')
    if (input.product_id && !(await findProduct(tx, input.product_id)))
      throw unprocessable(`No product with id ${input.product_id} exists.`, '/body/product_id')
    if (input.starts_at && input.ends_at && new Date(input.ends_at) <= new Date(input.starts_at))
      throw unprocessable('ends_at must be after starts_at.', '/body/ends_at')
    const perBuyer = input.per_buyer_limit ?? 1
    if (perBuyer > input.total_limit)
      throw unprocessable('per_buyer_limit cannot exceed total_limit.', '/body/per_buyer_limit')
    const d = input.discount
    const row = await couponRepo.insert(tx, {
      id: newId('coupon'),
      sessionId: input.session_id ?? null,
      productId: input.product_id ?? null,
      name: input.name,
      discountPercent: 'percent' in d ? d.percent : null,
      discountAmount: 'amount' in d ? d.amount : null,
      currency: 'amount' in d ? d.currency : null,
      totalLimit: input.total_limit,
      perBuyerLimit: perBuyer,
      startsAt: input.starts_at ? new Date(input.starts_at) : null,
      endsAt: input.ends_at ? new Date(input.ends_at) : null,
    })
    const coupon = presentCoupon(row)
    await publish(tx, couponCreated, coupon)
    return coupon
  })
}

export function getCoupon(ctx: Ctx | TxCtx, id: string) {
  return inTenant(ctx, async (tx) => presentCoupon(await couponRepo.get(tx, id)))
}

export function listCoupons(ctx: Ctx, query: CouponListInput) {
  return inTenant(ctx, async (tx) =>
    mapPage(
      couponRepo.list(tx, query, query.session_id ? eq(liveCoupons.sessionId, query.session_id) : undefined),
      presentCoupon,
    ),
  )
}

/** Stops a coupon taking claims; what was issued stays issued. */
export function closeCoupon(ctx: Ctx, id: string, expectedVersion: number | undefined) {
  return inTenant(ctx, async (tx) => {
    const c = liveCoupons
    const [row] = await tx.tx
      .update(c)
      .set({ status: 'closed', version: sql`${c.version} + 1`, updatedAt: sql`now()` })
      .where(
        scoped(
          tx,
          c,
          eq(c.id, id),
          eq(c.status, 'active'),
          expectedVersion === undefined ? undefined : eq(c.version, expectedVersion),
        ),
      )
      .returning()
    if (row) return presentCoupon(row)
    const current = await couponRepo.get(tx, id)
    if (expectedVersion !== undefined && current.version !== expectedVersion)
      throw staleVersion('coupon', expectedVersion)
    throw refused('coupon_closed', 'The coupon is closed already.')
  })
}

/**
 * Issues one coupon to a buyer. The total is one conditional UPDATE (`issued_count + 1` only
 * while below `total_limit`, CHECK as the backstop); the buyer's share is one conditional upsert
 * of their holding (`claimed + 1` only while below `per_buyer_limit`, CHECK as the backstop). The
 * coupon's row lock orders concurrent claims, and a buyer over their limit rolls the increment back.
 */
export function claimCoupon(ctx: Ctx, id: string, input: { buyer: { platform: string; ref: string } }) {
  return inTenant(ctx, async (tx) => {
    const buyer = await resolveBuyer(tx, input.buyer)
    const c = liveCoupons
    const [coupon] = await tx.tx
      .update(c)
      .set({ issuedCount: sql`${c.issuedCount} + 1`, version: sql`${c.version} + 1`, updatedAt: sql`now()` })
      .where(
        scoped(
          tx,
          c,
          eq(c.id, id),
          eq(c.status, 'active'),
          sql`${c.issuedCount} < ${c.totalLimit}`,
          sql`(${c.startsAt} is null or ${c.startsAt} <= now())`,
          sql`(${c.endsAt} is null or ${c.endsAt} > now())`,
        ),
      )
      .returning()
    if (!coupon) {
      const current = await couponRepo.get(tx, id)
      if (current.status !== 'active') throw refused('coupon_closed', 'The coupon is closed.')
      const now = new Date()
      if (current.startsAt && current.startsAt > now)
        throw refused('coupon_not_started', `The coupon can be claimed from ${current.startsAt.toISOString()}.`)
      if (current.endsAt && current.endsAt <= now)
        throw refused('coupon_ended', `The coupon ended at ${current.endsAt.toISOString()}.`)
      throw refused('coupon_exhausted', `All ${current.totalLimit} of this coupon are issued.`, {
        total_limit: current.totalLimit,
      })
    }
    const h = liveCouponHoldings
    const [holding] = await tx.tx
      .insert(h)
      .values({
        tenantId: tx.tenantId,
        id: `${id}/${buyer.id}`,
        couponId: id,
        buyerId: buyer.id,
        claimed: 1,
        perBuyerLimit: coupon.perBuyerLimit,
      })
      .onConflictDoUpdate({
        target: [h.tenantId, h.id],
        set: { claimed: sql`${h.claimed} + 1` },
        setWhere: sql`${h.claimed} < ${h.perBuyerLimit}`,
      })
      .returning({ claimed: h.claimed })
    if (!holding)
      throw refused(
        'buyer_limit_reached',
        `The buyer holds ${coupon.perBuyerLimit} of this coupon, the most one buyer may claim.`,
        { per_buyer_limit: coupon.perBuyerLimit },
      )
    const [row] = await tx.tx
      .insert(liveCouponClaims)
      .values({ tenantId: tx.tenantId, id: newId('couponClaim'), couponId: id, buyerId: buyer.id })
      .returning()
    const claim = {
      id: row!.id,
      coupon_id: id,
      buyer_id: buyer.id,
      discount: discountOf(coupon),
      buyer_claimed: holding.claimed,
      created_at: row!.createdAt.toISOString(),
    }
    await publish(tx, couponClaimed, claim)
    return claim
  })
}

// ── Draws ────────────────────────────────────────────────────────────────────

type DrawRow = typeof liveDraws.$inferSelect

async function entryIds(tx: TxCtx, drawId: string) {
  const e = liveDrawEntries
  return tx.tx
    .select({ id: e.id, buyer_id: e.buyerId })
    .from(e)
    .where(scoped(tx, e, eq(e.drawId, drawId)))
    .orderBy(asc(e.id))
}

async function presentDraw(tx: TxCtx, d: DrawRow) {
  let entries = d.entryCount
  if (entries === null) {
    const [row] = await tx.tx
      .select({ n: count() })
      .from(liveDrawEntries)
      .where(scoped(tx, liveDrawEntries, eq(liveDrawEntries.drawId, d.id)))
    entries = row!.n
  }
  return {
    id: d.id,
    session_id: d.sessionId,
    prize: d.prize,
    winners_count: d.winnersCount,
    status: d.status,
    commitment: d.commitment,
    // The seed is the draw's secret until the winners are drawn from it.
    seed: d.status === 'drawn' ? d.seed.toString('hex') : null,
    entry_count: entries,
    entries_sha256: d.entriesSha256,
    winners: (d.winners ?? []).map((w, i) => ({ rank: i + 1, ...w })),
    closed_at: iso(d.closedAt),
    drawn_at: iso(d.drawnAt),
    version: d.version,
    created_at: d.createdAt.toISOString(),
    updated_at: d.updatedAt.toISOString(),
  }
}

/** Draws the secret seed and publishes only its SHA-256, before the first entry can exist. */
export function createDraw(ctx: Ctx, sessionId: string, input: CreateDrawInput) {
  return inTenant(ctx, async (tx) => {
    await requireSession(tx, sessionId)
    const seed = randomBytes(32)
    const row = await drawRepo.insert(tx, {
      id: newId('draw'),
      sessionId,
      prize: input.prize,
      winnersCount: input.winners_count,
      seed,
      commitment: sha256Hex(seed),
    })
    const draw = await presentDraw(tx, row)
    await publish(tx, drawCreated, draw)
    return draw
  })
}

export function getDraw(ctx: Ctx | TxCtx, id: string) {
  return inTenant(ctx, async (tx) => presentDraw(tx, await drawRepo.get(tx, id)))
}

export function listDraws(ctx: Ctx, sessionId: string, page: PageRequest) {
  return inTenant(ctx, async (tx) => {
    await requireSession(tx, sessionId)
    const { data, next_cursor } = await drawRepo.list(tx, page, eq(liveDraws.sessionId, sessionId))
    const out = []
    for (const d of data) out.push(await presentDraw(tx, d))
    return { data: out, next_cursor }
  })
}

/** One entry per buyer, while open; the share lock on the draw makes closing wait for entries in flight. */
export function enterDraw(ctx: Ctx, drawId: string, input: { buyer: { platform: string; ref: string } }) {
  return inTenant(ctx, async (tx) => {
    const [draw] = await tx.tx
      .select({ status: liveDraws.status })
      .from(liveDraws)
      .where(scoped(tx, liveDraws, eq(liveDraws.id, drawId)))
      .for('share')
    if (!draw) throw notFound('draw', drawId)
    if (draw.status !== 'open') throw refused(`draw_${draw.status}`, `The draw is ${draw.status}; it takes no entries.`)
    const buyer = await resolveBuyer(tx, input.buyer)
    const [row] = await tx.tx
      .insert(liveDrawEntries)
      .values({ tenantId: tx.tenantId, id: newId('drawEntry'), drawId, buyerId: buyer.id })
      .onConflictDoNothing()
      .returning()
    if (!row) throw refused('already_entered', 'The buyer has entered this draw already; one entry per buyer.')
    return { id: row.id, draw_id: drawId, buyer_id: buyer.id, created_at: row.createdAt.toISOString() }
  })
}

export function listDrawEntries(ctx: Ctx, drawId: string, page: PageRequest) {
  return inTenant(ctx, async (tx) => {
    await drawRepo.get(tx, drawId)
    return mapPage(entryRepo.list(tx, page, eq(liveDrawEntries.drawId, drawId)), (e) => ({
      id: e.id,
      draw_id: e.drawId,
      buyer_id: e.buyerId,
      created_at: e.createdAt.toISOString(),
    }))
  })
}

/** Freezes the entry list: its count and fingerprint are fixed before the seed is revealed. */
export function closeDraw(ctx: Ctx, id: string, expectedVersion: number | undefined) {
  return inTenant(ctx, async (tx) => {
    await move(
      tx,
      liveDraws,
      drawRepo,
      'draw',
      id,
      expectedVersion,
      eq(liveDraws.status, 'open'),
      { status: 'closed', closedAt: sql`now()` },
      (d) => refused(`draw_${d.status}`, `The draw is ${d.status}; only an open draw can be closed.`),
    )
    const ids = sortEntryIds((await entryIds(tx, id)).map((e) => e.id))
    const [row] = await tx.tx
      .update(liveDraws)
      .set({ entryCount: ids.length, entriesSha256: entriesDigest(ids) })
      .where(scoped(tx, liveDraws, eq(liveDraws.id, id)))
      .returning()
    const draw = await presentDraw(tx, row!)
    await publish(tx, drawClosed, draw)
    return draw
  })
}

/** Draws the winners from the seed and the frozen entries (showrunner-draw-v1) and reveals the seed. */
export function runDraw(ctx: Ctx, id: string, expectedVersion: number | undefined) {
  return inTenant(ctx, async (tx) => {
    const moved = await move(
      tx,
      liveDraws,
      drawRepo,
      'draw',
      id,
      expectedVersion,
      eq(liveDraws.status, 'closed'),
      { status: 'drawn', drawnAt: sql`now()` },
      (d) =>
        refused(
          `draw_${d.status}`,
          d.status === 'open' ? 'Close the draw first, so its entries are frozen.' : 'The draw is drawn already.',
        ),
    )
    const entries = await entryIds(tx, id)
    const buyerOf = new Map(entries.map((e) => [e.id, e.buyer_id]))
    const winners = drawWinners(
      moved.seed,
      entries.map((e) => e.id),
      moved.winnersCount,
    ).map((entry_id) => ({ entry_id, buyer_id: buyerOf.get(entry_id)! }))
    const [row] = await tx.tx
      .update(liveDraws)
      .set({ winners })
      .where(scoped(tx, liveDraws, eq(liveDraws.id, id)))
      .returning()
    const draw = await presentDraw(tx, row!)
    await publish(tx, drawCompleted, draw)
    return draw
  })
}

export function getDrawProof(ctx: Ctx | TxCtx, id: string) {
  return inTenant(ctx, async (tx) => {
    const d = await drawRepo.get(tx, id)
    const entries = await entryIds(tx, id)
    return {
      draw_id: d.id,
      algorithm: DRAW_ALGORITHM,
      status: d.status,
      commitment: d.commitment,
      seed: d.status === 'drawn' ? d.seed.toString('hex') : null,
      winners_count: d.winnersCount,
      entries_final: d.status !== 'open',
      entries: [...entries].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      entries_sha256: d.entriesSha256,
      winners: (d.winners ?? []).map((w) => w.entry_id),
    }
  })
}
