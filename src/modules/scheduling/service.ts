import { createHash, randomBytes } from 'node:crypto'
import { and, asc, eq, gt, inArray, isNull, lt, ne, or, sql, type SQL } from 'drizzle-orm'
import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Ctx, TxCtx } from '../../lib/context.js'
import { AppError, type FieldError } from '../../lib/errors.js'
import { publish } from '../../lib/hooks.js'
import { newId } from '../../lib/ids.js'
import { patchColumns } from '../../lib/patch.js'
import { mapPage, scoped, tenantRepository, type PageRequest } from '../../lib/repository.js'
import { findAnchor } from '../anchors/index.js'
import { findProduct, findSkuOfProduct } from '../catalog/index.js'
import {
  productPinned,
  sessionCancelled,
  sessionEnded,
  sessionScheduled,
  sessionStarted,
  sessionUpdated,
} from './changes.js'
import { assertRunOfShowCanGoLive, findSlotOfSession } from './slots.js'
import { allowedNext, canApply, TRANSITIONS, transitionRefusal, type SessionAction } from './rules.js'
import type {
  CreateCalendarFeedInput,
  CreateCrewMemberInput,
  CreateSessionInput,
  CrewScheduleInput,
  PinProductInput,
  SessionListInput,
  ShelfProductInput,
  UpdateCrewMemberInput,
  UpdateSessionInput,
} from './schemas.js'
import {
  calendarFeeds,
  crewMembers,
  liveSessions,
  sessionAssignments,
  sessionShowings,
  type CrewRole,
  type SessionStatus,
} from './tables.js'

export const crewRepo = tenantRepository(crewMembers, 'crew member')
export const sessionRepo = tenantRepository(liveSessions, 'session')
const showingRepo = tenantRepository(sessionShowings, 'session showing')

type CrewRow = typeof crewMembers.$inferSelect
type SessionRow = typeof liveSessions.$inferSelect
type AssignmentRow = typeof sessionAssignments.$inferSelect
type ShowingRow = typeof sessionShowings.$inferSelect

const iso = (d: Date | null) => (d ? d.toISOString() : null)

export const presentCrewMember = (c: CrewRow) => ({
  id: c.id,
  name: c.name,
  roles: c.roles,
  contact: c.contact,
  status: c.status,
  version: c.version,
  created_at: c.createdAt.toISOString(),
  updated_at: c.updatedAt.toISOString(),
})

function presentSession(s: SessionRow, assignments: AssignmentRow[]) {
  const anchors = assignments.filter((a) => a.anchorId)
  return {
    id: s.id,
    title: s.title,
    platform: s.platform,
    room: s.room,
    planned_start: s.plannedStart.toISOString(),
    planned_end: s.plannedEnd.toISOString(),
    status: s.status,
    started_at: iso(s.startedAt),
    ended_at: iso(s.endedAt),
    cancelled_at: iso(s.cancelledAt),
    anchors: [...anchors.filter((a) => a.role === 'host'), ...anchors.filter((a) => a.role !== 'host')].map((a) => ({
      anchor_id: a.anchorId!,
      role: a.role === 'host' ? ('host' as const) : ('guest' as const),
    })),
    crew: assignments
      .filter((a) => a.crewMemberId)
      .map((a) => ({ crew_member_id: a.crewMemberId!, role: a.role as CrewRole })),
    version: s.version,
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
  }
}
export type SessionView = ReturnType<typeof presentSession>

const presentShowing = (s: ShowingRow) => ({
  id: s.id,
  session_id: s.sessionId,
  kind: s.kind,
  product_id: s.productId,
  sku_id: s.skuId,
  slot_id: s.slotId,
  started_at: s.startedAt.toISOString(),
  ended_at: iso(s.endedAt),
})

/** Every booking of the sessions, in one query, in the order they were made. */
async function assignmentsOf(tx: TxCtx, sessionIds: string[]): Promise<Map<string, AssignmentRow[]>> {
  const bySession = new Map<string, AssignmentRow[]>(sessionIds.map((id) => [id, []]))
  if (!sessionIds.length) return bySession
  const rows = await tx.tx
    .select()
    .from(sessionAssignments)
    .where(scoped(tx, sessionAssignments, inArray(sessionAssignments.sessionId, sessionIds)))
    .orderBy(asc(sessionAssignments.createdAt), asc(sessionAssignments.id))
  for (const r of rows) bySession.get(r.sessionId)?.push(r)
  return bySession
}

async function presentSessions(tx: TxCtx, rows: SessionRow[]): Promise<SessionView[]> {
  const assignments = await assignmentsOf(
    tx,
    rows.map((r) => r.id),
  )
  return rows.map((r) => presentSession(r, assignments.get(r.id) ?? []))
}

// ---- crew ---------------------------------------------------------------------------------

export function createCrewMember(ctx: Ctx, input: CreateCrewMemberInput) {
  return inTenant(ctx, async (tx) => {
    const row = await crewRepo.insert(tx, {
      id: newId('crewMember'),
      name: input.name,
      roles: input.roles,
      contact: input.contact ?? null,
    })
    await audit(tx, 'crew_member.created', { type: 'crew_member', id: row.id }, input)
    return presentCrewMember(row)
  })
}

export function getCrewMember(ctx: Ctx, id: string) {
  return crewRepo.read(ctx, id).then(presentCrewMember)
}

export function listCrewMembers(ctx: Ctx, page: PageRequest) {
  return inTenant(ctx, async (tx) => mapPage(crewRepo.list(tx, page), presentCrewMember))
}

export function updateCrewMember(
  ctx: Ctx,
  id: string,
  expectedVersion: number | undefined,
  input: UpdateCrewMemberInput,
) {
  return inTenant(ctx, async (tx) => {
    const row = await crewRepo.update(
      tx,
      id,
      expectedVersion,
      patchColumns<CrewRow, UpdateCrewMemberInput>(input, {
        name: 'name',
        roles: 'roles',
        contact: 'contact',
        status: 'status',
      }),
    )
    await audit(tx, 'crew_member.updated', { type: 'crew_member', id }, input)
    return presentCrewMember(row)
  })
}

/** The crew members of `ids` in the tenant, one query; for GraphQL's loaders. */
export function getCrewMembersByIds(ctx: Ctx, ids: readonly string[]) {
  return inTenant(ctx, async (tx) => {
    const unique = [...new Set(ids)]
    const rows = unique.length
      ? await tx.tx
          .select()
          .from(crewMembers)
          .where(scoped(tx, crewMembers, inArray(crewMembers.id, unique)))
      : []
    const byId = new Map(rows.map((r) => [r.id, presentCrewMember(r)]))
    return ids.map((id) => byId.get(id) ?? null)
  })
}

// ---- bookings -----------------------------------------------------------------------------

type Booking = { anchorId: string; role: 'host' | 'guest' } | { crewMemberId: string; role: CrewRole }

const unprocessable = (detail: string, pointer: string) =>
  new AppError('unprocessable', detail, { errors: [{ pointer, detail }] })

/**
 * Who the session books, checked against the people: the anchors must be active anchors of the
 * tenant (a suspended one cannot be scheduled), the crew active and able to take their role.
 */
async function checkedBookings(
  tx: TxCtx,
  people: { host: string; guests: string[]; crew: { crew_member_id: string; role: CrewRole }[] },
): Promise<Booking[]> {
  const anchorIds = [people.host, ...people.guests]
  const guestIndex = people.guests.indexOf(people.host)
  if (guestIndex >= 0)
    throw unprocessable(
      `Anchor ${people.host} is the host; it cannot also be a guest.`,
      `/body/guest_anchor_ids/${guestIndex}`,
    )
  for (const [i, id] of anchorIds.entries()) {
    const pointer = i === 0 ? '/body/host_anchor_id' : `/body/guest_anchor_ids/${i - 1}`
    // Locked: a suspension committing at the same moment either is seen here or waits for this booking.
    const anchor = await findAnchor(tx, id, { lockStatus: true })
    if (!anchor) throw unprocessable(`No anchor with id ${id} exists.`, pointer)
    // Only `active` is schedulable: statuses added later (suspended by strikes) are refused too.
    if (anchor.status !== 'active')
      throw new AppError(
        'conflict',
        `Anchor ${id} (${anchor.name}) is ${anchor.status}; only an active anchor can be scheduled.`,
        {
          errors: [{ pointer, detail: `is ${anchor.status}` }],
          extensions: { anchor_id: id, anchor_status: anchor.status },
        },
      )
  }
  const crewIds = people.crew.map((c) => c.crew_member_id)
  const rows = crewIds.length
    ? await tx.tx
        .select()
        .from(crewMembers)
        .where(scoped(tx, crewMembers, inArray(crewMembers.id, crewIds)))
    : []
  const byId = new Map(rows.map((r) => [r.id, r]))
  const errors: FieldError[] = []
  for (const [i, c] of people.crew.entries()) {
    const pointer = `/body/crew/${i}`
    const member = byId.get(c.crew_member_id)
    if (crewIds.indexOf(c.crew_member_id) !== i)
      errors.push({ pointer, detail: `crew member ${c.crew_member_id} is listed twice` })
    else if (!member) errors.push({ pointer, detail: `no crew member with id ${c.crew_member_id} exists` })
    else if (member.status !== 'active')
      throw new AppError(
        'conflict',
        `Crew member ${member.id} (${member.name}) is ${member.status}; only an active crew member can be scheduled.`,
        { errors: [{ pointer, detail: `is ${member.status}` }], extensions: { crew_member_id: member.id } },
      )
    else if (!member.roles.includes(c.role))
      errors.push({ pointer: `${pointer}/role`, detail: `${member.name} does not take the role ${c.role}` })
  }
  if (errors.length)
    throw new AppError('unprocessable', `The crew has ${errors.length} problem(s): ${errors[0]!.detail}.`, { errors })
  return [
    { anchorId: people.host, role: 'host' },
    ...people.guests.map((anchorId) => ({ anchorId, role: 'guest' as const })),
    ...people.crew.map((c) => ({ crewMemberId: c.crew_member_id, role: c.role })),
  ]
}

const bookingKey = (b: Booking) => ('anchorId' in b ? `a:${b.anchorId}` : `c:${b.crewMemberId}`)

const OVERLAP_CONSTRAINTS = new Set(['session_assignments_anchor_overlap', 'session_assignments_crew_overlap'])
const DEADLOCK_DETECTED = '40P01'
/** The PostgreSQL error code of a failed statement, drizzle's wrapper or not. */
const pgCode = (err: unknown) => {
  const e = err as { code?: string; cause?: { code?: string } }
  return e.cause?.code ?? e.code
}
const overlapViolation = (err: unknown) => {
  const e = err as { code?: string; constraint_name?: string; cause?: { code?: string; constraint_name?: string } }
  const pg = e.code ? e : e.cause
  return pg?.code === '23P01' && OVERLAP_CONSTRAINTS.has(pg.constraint_name ?? '')
}

/**
 * Writes the session's bookings. The exclusion constraints decide overlaps, so two concurrent
 * schedules of one person cannot both commit; the insert runs in a savepoint so that, when it is
 * refused, the transaction can still read which session holds the interval (committed by then:
 * the constraint waited for it) and name it.
 */
async function book(tx: TxCtx, session: SessionRow, bookings: Booking[]): Promise<void> {
  // Rows go in one order of people, so two transactions booking the same people wait on each
  // other instead of each holding one and waiting for the other (a deadlock).
  const rows = [...bookings]
    .sort((x, y) => bookingKey(x).localeCompare(bookingKey(y)))
    .map((b) => ({
      tenantId: tx.tenantId,
      id: newId('sessionAssignment'),
      sessionId: session.id,
      anchorId: 'anchorId' in b ? b.anchorId : null,
      crewMemberId: 'crewMemberId' in b ? b.crewMemberId : null,
      role: b.role,
      plannedStart: session.plannedStart,
      plannedEnd: session.plannedEnd,
    }))
  // Two inserts of conflicting rows can each find the other's entry in the constraint's index
  // and wait for it: PostgreSQL breaks the deadlock by failing one. Rolled back to the savepoint,
  // that one has released its rows, the other commits, and the retry meets it as an overlap.
  for (let attempt = 1; ; attempt++) {
    try {
      await tx.tx.transaction(async (sp) => {
        await sp.insert(sessionAssignments).values(rows)
      })
      return
    } catch (err) {
      if (pgCode(err) === DEADLOCK_DETECTED && attempt < 5) continue
      if (!overlapViolation(err)) throw err
      throw await overlapConflict(tx, session, bookings)
    }
  }
}

async function overlapConflict(tx: TxCtx, session: SessionRow, bookings: Booking[]): Promise<AppError> {
  const anchorIds = bookings.flatMap((b) => ('anchorId' in b ? [b.anchorId] : []))
  const crewIds = bookings.flatMap((b) => ('crewMemberId' in b ? [b.crewMemberId] : []))
  const a = sessionAssignments
  const [hit] = await tx.tx
    .select({
      sessionId: a.sessionId,
      anchorId: a.anchorId,
      crewMemberId: a.crewMemberId,
      start: a.plannedStart,
      end: a.plannedEnd,
    })
    .from(a)
    .where(
      scoped(
        tx,
        a,
        ne(a.sessionId, session.id),
        eq(a.cancelled, false),
        lt(a.plannedStart, session.plannedEnd),
        gt(a.plannedEnd, session.plannedStart),
        or(
          anchorIds.length ? inArray(a.anchorId, anchorIds) : undefined,
          crewIds.length ? inArray(a.crewMemberId, crewIds) : undefined,
        ),
      ),
    )
    .orderBy(asc(a.plannedStart))
    .limit(1)
  if (!hit) return new AppError('conflict', 'Someone on this session is booked on another session at the same time.')
  const who = hit.anchorId ? `Anchor ${hit.anchorId}` : `Crew member ${hit.crewMemberId}`
  return new AppError(
    'conflict',
    `${who} is already booked on session ${hit.sessionId} from ${hit.start.toISOString()} to ${hit.end.toISOString()}, which overlaps this one.`,
    {
      extensions: {
        conflicting_session_id: hit.sessionId,
        ...(hit.anchorId ? { anchor_id: hit.anchorId } : { crew_member_id: hit.crewMemberId }),
      },
    },
  )
}

function checkInterval(start: Date, end: Date) {
  if (end <= start) throw unprocessable('planned_end must be after planned_start.', '/body/planned_end')
}

// ---- sessions -----------------------------------------------------------------------------

export function createSession(ctx: Ctx, input: CreateSessionInput) {
  return inTenant(ctx, async (tx) => {
    const plannedStart = new Date(input.planned_start)
    const plannedEnd = new Date(input.planned_end)
    checkInterval(plannedStart, plannedEnd)
    const bookings = await checkedBookings(tx, {
      host: input.host_anchor_id,
      guests: input.guest_anchor_ids ?? [],
      crew: input.crew ?? [],
    })
    const row = await sessionRepo.insert(tx, {
      id: newId('session'),
      title: input.title,
      platform: input.platform,
      room: input.room ?? null,
      plannedStart,
      plannedEnd,
    })
    await book(tx, row, bookings)
    const [session] = await presentSessions(tx, [row])
    await publish(tx, sessionScheduled, session!)
    await audit(tx, 'session.scheduled', { type: 'session', id: row.id }, input)
    return session!
  })
}

export function getSession(ctx: Ctx, id: string) {
  return inTenant(ctx, async (tx) => (await presentSessions(tx, [await sessionRepo.get(tx, id)]))[0]!)
}

/** The tenant's sessions in `ids`, one query each for sessions and bookings; for GraphQL. */
export function getSessionsByIds(ctx: Ctx | TxCtx, ids: readonly string[]) {
  return inTenant(ctx, async (tx) => {
    const unique = [...new Set(ids)]
    const rows = unique.length
      ? await tx.tx
          .select()
          .from(liveSessions)
          .where(scoped(tx, liveSessions, inArray(liveSessions.id, unique)))
      : []
    const byId = new Map((await presentSessions(tx, rows)).map((s) => [s.id, s]))
    return ids.map((id) => byId.get(id) ?? null)
  })
}

const bookedBy = (column: 'anchor_id' | 'crew_member_id', id: string): SQL =>
  sql`exists (select 1 from ${sessionAssignments} a where a.tenant_id = ${liveSessions.tenantId} and a.session_id = ${liveSessions.id} and a.${sql.raw(column)} = ${id})`

/**
 * The calendar query: sessions whose planned interval overlaps [from, to) (either bound may be
 * left open), optionally of one anchor or crew member and in one status; newest first, like every list.
 */
export function listSessions(ctx: Ctx | TxCtx, query: SessionListInput) {
  return inTenant(ctx, (tx) => sessionPage(tx, query))
}

async function sessionPage(tx: TxCtx, query: SessionListInput) {
  if (query.from && query.to && new Date(query.to) <= new Date(query.from))
    throw new AppError('validation_failed', 'to must be after from.', {
      errors: [{ pointer: '/query/to', detail: 'must be after from' }],
    })
  const page = await sessionRepo.list(
    tx,
    query,
    query.from ? gt(liveSessions.plannedEnd, new Date(query.from)) : undefined,
    query.to ? lt(liveSessions.plannedStart, new Date(query.to)) : undefined,
    query.status ? eq(liveSessions.status, query.status) : undefined,
    query.anchor_id ? bookedBy('anchor_id', query.anchor_id) : undefined,
    query.crew_member_id ? bookedBy('crew_member_id', query.crew_member_id) : undefined,
  )
  return { data: await presentSessions(tx, page.data), next_cursor: page.next_cursor }
}

/** A crew member's schedule: their sessions, as the calendar query answers them. */
export function crewSchedule(ctx: Ctx, crewMemberId: string, query: CrewScheduleInput) {
  return inTenant(ctx, async (tx) => {
    await crewRepo.get(tx, crewMemberId)
    return sessionPage(tx, { ...query, crew_member_id: crewMemberId })
  })
}

/** The session, locked for this transaction so its status cannot move under the caller. */
async function lockSession(tx: TxCtx, id: string): Promise<SessionRow> {
  const [row] = await tx.tx
    .select()
    .from(liveSessions)
    .where(scoped(tx, liveSessions, eq(liveSessions.id, id)))
    .for('update')
  if (!row) throw new AppError('not_found', `No session with id ${id} exists.`)
  return row
}

const stale = (expected: number) =>
  new AppError(
    'precondition_failed',
    `The session has changed since version ${expected}; fetch it again and retry with its new ETag.`,
  )

export function updateSession(ctx: Ctx, id: string, expectedVersion: number | undefined, input: UpdateSessionInput) {
  return inTenant(ctx, async (tx) => {
    const current = await lockSession(tx, id)
    if (expectedVersion !== undefined && current.version !== expectedVersion) throw stale(expectedVersion)
    if (current.status !== 'scheduled')
      throw new AppError('conflict', `Only a scheduled session can be changed; this one is ${current.status}.`, {
        extensions: { session_status: current.status },
      })
    const plannedStart = input.planned_start ? new Date(input.planned_start) : current.plannedStart
    const plannedEnd = input.planned_end ? new Date(input.planned_end) : current.plannedEnd
    checkInterval(plannedStart, plannedEnd)
    const rebook =
      input.planned_start !== undefined ||
      input.planned_end !== undefined ||
      input.host_anchor_id !== undefined ||
      input.guest_anchor_ids !== undefined ||
      input.crew !== undefined
    let bookings: Booking[] = []
    if (rebook) {
      const was = presentSession(current, (await assignmentsOf(tx, [id])).get(id) ?? [])
      bookings = await checkedBookings(tx, {
        host: input.host_anchor_id ?? was.anchors.find((a) => a.role === 'host')!.anchor_id,
        guests: input.guest_anchor_ids ?? was.anchors.filter((a) => a.role === 'guest').map((a) => a.anchor_id),
        crew: input.crew ?? was.crew,
      })
    }
    const row = await sessionRepo.update(tx, id, expectedVersion, {
      ...patchColumns<SessionRow, UpdateSessionInput>(input, { title: 'title', platform: 'platform', room: 'room' }),
      plannedStart,
      plannedEnd,
    })
    if (rebook) {
      await tx.tx.delete(sessionAssignments).where(scoped(tx, sessionAssignments, eq(sessionAssignments.sessionId, id)))
      await book(tx, row, bookings)
    }
    const [session] = await presentSessions(tx, [row])
    await publish(tx, sessionUpdated, session!)
    await audit(tx, 'session.updated', { type: 'session', id }, input)
    return session!
  })
}

const ACTION_OF: Record<'live' | 'ended' | 'cancelled', SessionAction> = {
  live: 'start',
  ended: 'end',
  cancelled: 'cancel',
}
const STAMP: Record<SessionAction, 'startedAt' | 'endedAt' | 'cancelledAt'> = {
  start: 'startedAt',
  end: 'endedAt',
  cancel: 'cancelledAt',
}
const CHANGE = { start: sessionStarted, end: sessionEnded, cancel: sessionCancelled }

/**
 * Moves a session along scheduled → live → ended or scheduled → cancelled in one conditional
 * statement, recording the actual time; any other move is a 409 naming the allowed ones.
 */
export function changeSessionStatus(
  ctx: Ctx,
  id: string,
  expectedVersion: number | undefined,
  to: 'live' | 'ended' | 'cancelled',
) {
  return inTenant(ctx, async (tx) => {
    const action = ACTION_OF[to]
    const { from } = TRANSITIONS[action]
    if (action === 'start') {
      // Locked first, so the run-of-show checked here is the one that goes live.
      const session = await lockSession(tx, id)
      if (expectedVersion !== undefined && session.version !== expectedVersion) throw stale(expectedVersion)
      if (session.status === from) await assertRunOfShowCanGoLive(tx, session)
    }
    const [row] = await tx.tx
      .update(liveSessions)
      .set({
        status: to,
        [STAMP[action]]: sql`now()`,
        version: sql`${liveSessions.version} + 1`,
        updatedAt: sql`now()`,
      })
      .where(
        scoped(
          tx,
          liveSessions,
          eq(liveSessions.id, id),
          eq(liveSessions.status, from),
          expectedVersion === undefined ? undefined : eq(liveSessions.version, expectedVersion),
        ),
      )
      .returning()
    if (!row) {
      const current = await sessionRepo.get(tx, id)
      if (expectedVersion !== undefined && current.version !== expectedVersion) throw stale(expectedVersion)
      throw refusedTransition(action, current.status)
    }
    if (action === 'cancel')
      await tx.tx
        .update(sessionAssignments)
        .set({ cancelled: true })
        .where(scoped(tx, sessionAssignments, eq(sessionAssignments.sessionId, id)))
    if (action === 'end')
      await tx.tx
        .update(sessionShowings)
        .set({ endedAt: row.endedAt })
        .where(scoped(tx, sessionShowings, eq(sessionShowings.sessionId, id), isNull(sessionShowings.endedAt)))
    const [session] = await presentSessions(tx, [row])
    await publish(tx, CHANGE[action], session!)
    await audit(tx, `session.${to}`, { type: 'session', id }, { status: to })
    return session!
  })
}

function refusedTransition(action: SessionAction, status: SessionStatus) {
  return new AppError('conflict', transitionRefusal(action, status), {
    extensions: { session_status: status, allowed_statuses: allowedNext(status) },
  })
}

// ---- live product control -----------------------------------------------------------------

async function liveSession(tx: TxCtx, id: string, what: string): Promise<SessionRow> {
  const session = await lockSession(tx, id)
  if (!canApply('end', session.status))
    throw new AppError('conflict', `${what} only while the session is live; this one is ${session.status}.`, {
      extensions: { session_status: session.status },
    })
  return session
}

/** What a pin or shelf change shows: the named slot of this session's run-of-show, or a product of the MCN. */
async function shownItem(
  tx: TxCtx,
  sessionId: string,
  input: { slot_id?: string; product_id?: string; sku_id?: string },
): Promise<{ productId: string; skuId: string | null; slotId: string | null }> {
  if ((input.slot_id === undefined) === (input.product_id === undefined) || (input.slot_id && input.sku_id))
    throw new AppError('validation_failed', 'Name either slot_id, or product_id (and sku_id if a SKU is meant).', {
      errors: [{ pointer: '/body', detail: 'needs exactly one of slot_id and product_id' }],
    })
  if (input.slot_id) {
    const slot = await findSlotOfSession(tx, input.slot_id, sessionId)
    if (!slot) throw unprocessable(`No slot ${input.slot_id} is in this session's run-of-show.`, '/body/slot_id')
    return { productId: slot.productId, skuId: slot.skuId, slotId: slot.id }
  }
  const productId = input.product_id!
  if (!(await findProduct(tx, productId)))
    throw unprocessable(`No product with id ${productId} exists.`, '/body/product_id')
  if (input.sku_id && !(await findSkuOfProduct(tx, input.sku_id, productId)))
    throw unprocessable(`No SKU ${input.sku_id} of product ${productId} exists.`, '/body/sku_id')
  return { productId, skuId: input.sku_id ?? null, slotId: null }
}

/** Pins a product on screen; the one pinned before ends at the same instant. */
export function pinProduct(ctx: Ctx, sessionId: string, input: PinProductInput) {
  return inTenant(ctx, async (tx) => {
    await liveSession(tx, sessionId, 'A product can be pinned')
    const shown = await shownItem(tx, sessionId, input)
    const s = sessionShowings
    await tx.tx
      .update(s)
      .set({ endedAt: sql`now()` })
      .where(scoped(tx, s, eq(s.sessionId, sessionId), eq(s.kind, 'pin'), isNull(s.endedAt)))
    const row = await showingRepo.insert(tx, {
      id: newId('sessionShowing'),
      sessionId,
      kind: 'pin',
      ...shown,
    })
    const showing = presentShowing(row)
    await publish(tx, productPinned, showing)
    await audit(tx, 'session.product_pinned', { type: 'session', id: sessionId }, input)
    return showing
  })
}

/** Puts a product (or SKU) on shelf or takes it off; each span is kept for the timeline. */
export function shelveProduct(ctx: Ctx, sessionId: string, input: ShelfProductInput) {
  return inTenant(ctx, async (tx) => {
    await liveSession(tx, sessionId, 'Products go on and off shelf')
    const shown = await shownItem(tx, sessionId, input)
    const s = sessionShowings
    const what = shown.skuId ? `SKU ${shown.skuId}` : `Product ${shown.productId}`
    let row: ShowingRow | undefined
    if (input.on_shelf) {
      ;[row] = await tx.tx
        .insert(s)
        .values({
          tenantId: tx.tenantId,
          id: newId('sessionShowing'),
          sessionId,
          kind: 'shelf',
          ...shown,
        })
        .onConflictDoNothing()
        .returning()
      if (!row) throw new AppError('conflict', `${what} is already on shelf in this session.`)
    } else {
      ;[row] = await tx.tx
        .update(s)
        .set({ endedAt: sql`now()` })
        .where(
          scoped(
            tx,
            s,
            eq(s.sessionId, sessionId),
            eq(s.kind, 'shelf'),
            eq(s.productId, shown.productId),
            shown.skuId ? eq(s.skuId, shown.skuId) : isNull(s.skuId),
            isNull(s.endedAt),
          ),
        )
        .returning()
      if (!row) throw new AppError('conflict', `${what} is not on shelf in this session.`)
    }
    await audit(
      tx,
      input.on_shelf ? 'session.product_shelved' : 'session.product_unshelved',
      { type: 'session', id: sessionId },
      input,
    )
    return presentShowing(row)
  })
}

/** What was pinned and on shelf when, oldest first: readable during and after the session. */
export function sessionTimeline(ctx: Ctx, sessionId: string) {
  return inTenant(ctx, async (tx) => {
    await sessionRepo.get(tx, sessionId)
    const rows = await tx.tx
      .select()
      .from(sessionShowings)
      .where(scoped(tx, sessionShowings, eq(sessionShowings.sessionId, sessionId)))
      .orderBy(asc(sessionShowings.startedAt), asc(sessionShowings.id))
    return { session_id: sessionId, data: rows.map(presentShowing) }
  })
}

// ---- calendar feeds -----------------------------------------------------------------------

const FEED_TOKEN = /^calt_[A-Za-z0-9_-]{43}$/
const hashFeedToken = (token: string) => createHash('sha256').update(token).digest('hex')

/**
 * Issues the feed URL of an anchor's or crew member's sessions. The token is random (256 bits),
 * shown once and stored only as its hash; asking again for the same subject rotates it, and the
 * old URL stops answering at once.
 */
export function issueCalendarFeed(ctx: Ctx, input: CreateCalendarFeedInput, publicUrl: string) {
  return inTenant(ctx, async (tx) => {
    const given = [input.anchor_id && 'anchor_id', input.crew_member_id && 'crew_member_id'].filter(Boolean)
    if (given.length !== 1)
      throw new AppError('validation_failed', 'Give exactly one of anchor_id and crew_member_id.', {
        errors: [{ pointer: '/body', detail: 'needs exactly one of anchor_id and crew_member_id' }],
      })
    const subject = input.anchor_id
      ? { type: 'anchor' as const, id: input.anchor_id, exists: await findAnchor(tx, input.anchor_id) }
      : {
          type: 'crew_member' as const,
          id: input.crew_member_id!,
          exists: await crewRepo.find(tx, input.crew_member_id!),
        }
    if (!subject.exists)
      throw unprocessable(
        `No ${subject.type.replace('_', ' ')} with id ${subject.id} exists.`,
        `/body/${subject.type}_id`,
      )
    const token = `calt_${randomBytes(32).toString('base64url')}`
    const [row] = await tx.tx
      .insert(calendarFeeds)
      .values({
        tenantId: tx.tenantId,
        id: newId('calendarFeed'),
        subjectType: subject.type,
        subjectId: subject.id,
        tokenHash: hashFeedToken(token),
      })
      .onConflictDoUpdate({
        target: [calendarFeeds.tenantId, calendarFeeds.subjectType, calendarFeeds.subjectId],
        set: { tokenHash: hashFeedToken(token), version: sql`${calendarFeeds.version} + 1`, updatedAt: sql`now()` },
      })
      .returning()
    await audit(
      tx,
      row!.version === 1 ? 'calendar_feed.issued' : 'calendar_feed.rotated',
      { type: 'calendar_feed', id: row!.id },
      input,
    )
    return {
      id: row!.id,
      subject_type: row!.subjectType,
      subject_id: row!.subjectId,
      url: `${publicUrl}/calendars/${tx.tenantId}/${token}.ics`,
      version: row!.version,
      created_at: row!.createdAt.toISOString(),
      updated_at: row!.updatedAt.toISOString(),
    }
  })
}

/** How far back a feed reaches: calendar apps keep what they already fetched. */
const FEED_HISTORY_DAYS = 90
const FEED_LIMIT = 2000

/**
 * The feed a token opens and the sessions it shows, each with the role its subject has in it, by
 * planned start. Runs in the tenant the URL names, so RLS guards the lookup like any request: a
 * token of another tenant, or none, finds no feed.
 */
export function feedSessions(ctx: Ctx, token: string) {
  return inTenant(ctx, async (tx) => {
    const [feed] = FEED_TOKEN.test(token)
      ? await tx.tx
          .select({ type: calendarFeeds.subjectType, id: calendarFeeds.subjectId })
          .from(calendarFeeds)
          .where(scoped(tx, calendarFeeds, eq(calendarFeeds.tokenHash, hashFeedToken(token))))
      : []
    if (!feed) throw new AppError('not_found', 'No calendar feed has this address; its token may have been rotated.')
    const a = sessionAssignments
    const rows = await tx.tx
      .select({ session: liveSessions, role: a.role })
      .from(a)
      .innerJoin(liveSessions, and(eq(liveSessions.tenantId, a.tenantId), eq(liveSessions.id, a.sessionId)))
      .where(
        scoped(
          tx,
          a,
          feed.type === 'anchor' ? eq(a.anchorId, feed.id) : eq(a.crewMemberId, feed.id),
          gt(liveSessions.plannedEnd, sql`now() - make_interval(days => ${FEED_HISTORY_DAYS})`),
        ),
      )
      .orderBy(asc(liveSessions.plannedStart))
      .limit(FEED_LIMIT)
    const views = await presentSessions(
      tx,
      rows.map((r) => r.session),
    )
    return { subject: feed, entries: views.map((session, i) => ({ session, role: rows[i]!.role })) }
  })
}
