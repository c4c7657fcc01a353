import { and, asc, eq, sql } from 'drizzle-orm'
import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Ctx, TxCtx } from '../../lib/context.js'
import { AppError, notFound } from '../../lib/errors.js'
import { publish } from '../../lib/hooks.js'
import { newId } from '../../lib/ids.js'
import { defineJob } from '../../lib/jobs.js'
import { patchColumns } from '../../lib/patch.js'
import { mapPage, scoped, tenantRepository, type PageRequest } from '../../lib/repository.js'
import { Type } from 'typebox'
import { findAnchor } from '../anchors/index.js'
import { finishJob, markRunning, startJob } from '../jobs/index.js'
import { contractCreated, contractUpdated, settlementClosed } from './changes.js'
import { periodLockKey } from './ledger.js'
import { periodOf } from './rules.js'
import type { CreateContractInput, EarningsTotalView, SettlementView, UpdateContractInput } from './schemas.js'
import { anchorContracts, commissionEntries, settlementStatements } from './tables.js'

const contractRepo = tenantRepository(anchorContracts, 'contract')
const statementRepo = tenantRepository(settlementStatements, 'settlement statement')
type ContractRow = typeof anchorContracts.$inferSelect
type StatementRow = typeof settlementStatements.$inferSelect
type EntryRow = typeof commissionEntries.$inferSelect

const iso = (d: Date) => d.toISOString()

const presentContract = (c: ContractRow) => ({
  id: c.id,
  anchor_id: c.anchorId,
  mcn_share_rate: c.mcnShareRate,
  starts_on: c.startsOn,
  ends_on: c.endsOn,
  note: c.note,
  version: c.version,
  created_at: iso(c.createdAt),
  updated_at: iso(c.updatedAt),
})

const presentStatement = (s: StatementRow): SettlementView => ({
  id: s.id,
  period: s.period,
  status: s.status,
  job_id: s.jobId,
  totals: s.totals as SettlementView['totals'],
  anchors: s.anchors as SettlementView['anchors'],
  entry_count: s.entryCount,
  closed_at: s.closedAt ? iso(s.closedAt) : null,
  created_at: iso(s.createdAt),
})

const unprocessable = (detail: string, pointer: string) =>
  new AppError('unprocessable', detail, { errors: [{ pointer, detail }] })

const OVERLAP = 'anchor_contracts_no_overlap'
const isOverlap = (err: unknown) => {
  const e = err as { code?: string; constraint_name?: string; cause?: { code?: string; constraint_name?: string } }
  const pg = e.code ? e : e.cause
  return pg?.code === '23P01' && pg.constraint_name === OVERLAP
}
const overlapConflict = () =>
  new AppError('conflict', 'The period overlaps another contract of this anchor.', {
    errors: [{ pointer: '/body/starts_on', detail: 'overlaps another contract of this anchor' }],
  })

/** The write in a savepoint, so a refused overlap leaves the transaction usable and answers 409. */
async function guardOverlap<T>(tx: TxCtx, write: (tx: TxCtx) => Promise<T>): Promise<T> {
  try {
    return await tx.tx.transaction((sp) => write({ ...tx, tx: sp }))
  } catch (err) {
    if (isOverlap(err)) throw overlapConflict()
    throw err
  }
}

function checkPeriod(startsOn: string, endsOn: string | null | undefined) {
  if (endsOn && endsOn < startsOn)
    throw unprocessable('The contract must end on or after its first day.', '/body/ends_on')
}

// ---- contracts --------------------------------------------------------------------------------

export function createContract(ctx: Ctx, anchorId: string, input: CreateContractInput) {
  return inTenant(ctx, async (tx) => {
    await findAnchor(tx, anchorId, { required: true })
    checkPeriod(input.starts_on, input.ends_on)
    const row = await guardOverlap(tx, (sp) =>
      contractRepo.insert(sp, {
        id: newId('contract'),
        anchorId,
        mcnShareRate: input.mcn_share_rate,
        startsOn: input.starts_on,
        endsOn: input.ends_on ?? null,
        note: input.note ?? null,
      }),
    )
    const contract = presentContract(row)
    await audit(tx, 'contract.created', { type: 'contract', id: row.id }, input)
    await publish(tx, contractCreated, contract)
    return contract
  })
}

export function listContracts(ctx: Ctx, anchorId: string, page: PageRequest) {
  return inTenant(ctx, async (tx) => {
    await findAnchor(tx, anchorId, { required: true })
    return mapPage(contractRepo.list(tx, page, eq(anchorContracts.anchorId, anchorId)), presentContract)
  })
}

export function getContract(ctx: Ctx, id: string) {
  return inTenant(ctx, async (tx) => presentContract(await contractRepo.get(tx, id)))
}

export function updateContract(ctx: Ctx, id: string, expectedVersion: number | undefined, input: UpdateContractInput) {
  return inTenant(ctx, async (tx) => {
    const current = await contractRepo.get(tx, id)
    checkPeriod(input.starts_on ?? current.startsOn, input.ends_on === undefined ? current.endsOn : input.ends_on)
    const row = await guardOverlap(tx, (sp) =>
      contractRepo.update(
        sp,
        id,
        expectedVersion,
        patchColumns<ContractRow, UpdateContractInput>(input, {
          mcn_share_rate: 'mcnShareRate',
          starts_on: 'startsOn',
          ends_on: 'endsOn',
          note: 'note',
        }),
      ),
    )
    const contract = presentContract(row)
    await audit(tx, 'contract.updated', { type: 'contract', id }, input)
    await publish(tx, contractUpdated, contract)
    return contract
  })
}

// ---- earnings ---------------------------------------------------------------------------------

type Sums = { commission: number; mcn_share: number; anchor_net: number }
const zero = (): Sums => ({ commission: 0, mcn_share: 0, anchor_net: 0 })
const add = (s: Sums, e: EntryRow) => {
  s.commission += e.commission
  s.mcn_share += e.mcnShare
  s.anchor_net += e.commission - e.mcnShare
}
const isAdjustment = (e: EntryRow) => e.period !== e.eventPeriod

/** Totals per currency of entries: all of them, and the adjustments among them. */
export function totalsOf(entries: EntryRow[]): EarningsTotalView[] {
  const by = new Map<string, EarningsTotalView>()
  for (const e of entries) {
    const t = by.get(e.currency) ?? { currency: e.currency, ...zero(), adjustments: zero() }
    by.set(e.currency, t)
    add(t, e)
    if (isAdjustment(e)) add(t.adjustments, e)
  }
  return [...by.values()].sort((a, b) => a.currency.localeCompare(b.currency))
}

async function isClosed(tx: TxCtx, period: string) {
  const [row] = await tx.tx
    .select({ status: settlementStatements.status })
    .from(settlementStatements)
    .where(scoped(tx, settlementStatements, eq(settlementStatements.period, period)))
  return row?.status === 'closed'
}

export function anchorEarnings(ctx: Ctx, anchorId: string, asked?: string) {
  const period = asked ?? periodOf(new Date())
  return inTenant(ctx, async (tx) => {
    await findAnchor(tx, anchorId, { required: true })
    const entries = await tx.tx
      .select()
      .from(commissionEntries)
      .where(
        scoped(tx, commissionEntries, eq(commissionEntries.anchorId, anchorId), eq(commissionEntries.period, period)),
      )
      .orderBy(asc(commissionEntries.orderItemId), asc(commissionEntries.occurredAt), asc(commissionEntries.id))
    const lines = new Map<string, EntryRow[]>()
    for (const e of entries)
      lines.set(`${e.orderItemId}:${e.currency}`, [...(lines.get(`${e.orderItemId}:${e.currency}`) ?? []), e])
    return {
      anchor_id: anchorId,
      period,
      closed: await isClosed(tx, period),
      totals: totalsOf(entries),
      lines: [...lines.values()].map((list) => {
        const s = zero()
        for (const e of list) add(s, e)
        const first = list[0]!
        return {
          order_id: first.orderId,
          order_item_id: first.orderItemId,
          currency: first.currency,
          ...s,
          adjustment: list.some(isAdjustment),
          entries: list.map((e) => ({
            kind: e.kind,
            source_id: e.sourceId,
            event_period: e.eventPeriod,
            occurred_at: iso(e.occurredAt),
            commission: e.commission,
            mcn_share: e.mcnShare,
            anchor_net: e.commission - e.mcnShare,
          })),
        }
      }),
    }
  })
}

// ---- statements -------------------------------------------------------------------------------

export const CLOSE_PERIOD_JOB = 'settlements.close-period'

export const closePeriodJob = defineJob({
  queue: 'governance',
  name: CLOSE_PERIOD_JOB,
  payload: Type.Object({ jobId: Type.String(), statementId: Type.String() }),
  handler: async (ctx, { jobId, statementId }) => {
    await markRunning(ctx, jobId)
    const statement = await writeStatement(ctx, statementId, jobId)
    await finishJob(ctx, jobId, {
      state: 'succeeded',
      result: { statement_id: statement.id, period: statement.period },
      total: statement.entry_count,
    })
    return { statement_id: statement.id }
  },
})

/**
 * Asks for the period's close: the statement row goes in `closing` under the period lock (see
 * ledger.ts), so from its commit on every new entry of the period is booked into the next open
 * one, and the job's sum cannot miss any. The unique period makes a second close a 409.
 */
export async function closePeriod(ctx: Ctx, period: string) {
  if (period > periodOf(new Date()))
    throw unprocessable('A month that has not started cannot be closed.', '/body/period')
  const statementId = newId('settlement')
  await inTenant(ctx, async (tx) => {
    await tx.tx.execute(sql`select pg_advisory_xact_lock(${periodLockKey(tx.tenantId)})`)
    const [row] = await tx.tx
      .insert(settlementStatements)
      .values({ tenantId: tx.tenantId, id: statementId, period })
      .onConflictDoNothing()
      .returning({ id: settlementStatements.id })
    if (!row)
      throw new AppError('conflict', `The period ${period} is already closed or being closed.`, {
        errors: [{ pointer: '/body/period', detail: 'already closed or being closed' }],
      })
    await audit(tx, 'settlement.close_requested', { type: 'settlement', id: statementId }, { period })
  })
  const job = await startJob(ctx, closePeriodJob, { payload: { statementId } })
  await inTenant(ctx, (tx) =>
    tx.tx
      .update(settlementStatements)
      .set({ jobId: job.id })
      .where(
        scoped(
          tx,
          settlementStatements,
          eq(settlementStatements.id, statementId),
          eq(settlementStatements.status, 'closing'),
        ),
      ),
  )
  return job
}

/** The job's work: sums the period's entries per anchor and in all, and closes the statement. */
async function writeStatement(ctx: Ctx, statementId: string, jobId: string): Promise<SettlementView> {
  return inTenant(ctx, async (tx) => {
    const [current] = await tx.tx
      .select()
      .from(settlementStatements)
      .where(scoped(tx, settlementStatements, eq(settlementStatements.id, statementId)))
      .for('update')
    if (!current) throw notFound('settlement statement', statementId)
    // A retried job finds its statement closed: the close happened once, it stays as it is.
    if (current.status === 'closed') return presentStatement(current)
    const entries = await tx.tx
      .select()
      .from(commissionEntries)
      .where(scoped(tx, commissionEntries, eq(commissionEntries.period, current.period)))
    const byAnchor = new Map<string, EntryRow[]>()
    for (const e of entries) byAnchor.set(e.anchorId, [...(byAnchor.get(e.anchorId) ?? []), e])
    const anchors = [...byAnchor.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .flatMap(([anchorId, list]) => totalsOf(list).map((t) => ({ anchor_id: anchorId, ...t })))
    const [row] = await tx.tx
      .update(settlementStatements)
      .set({
        status: 'closed',
        jobId,
        totals: totalsOf(entries),
        anchors,
        entryCount: entries.length,
        closedAt: sql`now()`,
        updatedAt: sql`now()`,
      })
      .where(
        and(
          scoped(tx, settlementStatements, eq(settlementStatements.id, statementId)),
          eq(settlementStatements.status, 'closing'),
        ),
      )
      .returning()
    const statement = presentStatement(row!)
    await audit(tx, 'settlement.closed', { type: 'settlement', id: statementId }, { period: current.period })
    await publish(tx, settlementClosed, statement)
    return statement
  })
}

export function getSettlement(ctx: Ctx, id: string) {
  return inTenant(ctx, async (tx) => presentStatement(await statementRepo.get(tx, id)))
}

export function listSettlements(ctx: Ctx, query: PageRequest & { period?: string }) {
  return inTenant(ctx, async (tx) =>
    mapPage(
      statementRepo.list(tx, query, query.period ? eq(settlementStatements.period, query.period) : undefined),
      presentStatement,
    ),
  )
}
