import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm'
import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Ctx, TxCtx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import { newId } from '../../lib/ids.js'
import { patchColumns } from '../../lib/patch.js'
import { scoped, tenantRepository } from '../../lib/repository.js'
import { textArray } from '../../lib/sql.js'
import { findProduct, findSkuOfProduct, productFactsSql } from '../catalog/index.js'
import { accessiblePools, poolEntries, poolItemFor } from '../pools/index.js'
import { checkOffer } from '../selection/index.js'
import type { CreateSlotInput, UpdateSlotInput } from './schemas.js'
import { liveSessions, runOfShowSlots, sessionAssignments } from './tables.js'

const slotRepo = tenantRepository(runOfShowSlots, 'slot')
type SlotRow = typeof runOfShowSlots.$inferSelect
type SessionRow = typeof liveSessions.$inferSelect
type Check = ReturnType<typeof checkOffer>
type BrandTier = 'premium' | 'mature' | 'emerging'

const unprocessable = (detail: string, pointer: string) =>
  new AppError('unprocessable', detail, { errors: [{ pointer, detail }] })

/**
 * The brand-tier strategy check (selection's) of every slot, as of now: two queries whatever the
 * number of slots, one for the products' facts and one for their pool entries. A pool limit
 * lowered after planning shows up here as a violation, so it still blocks going live.
 */
async function checkSlots(tx: TxCtx, slots: SlotRow[]): Promise<Map<string, Check & { brandTier: BrandTier }>> {
  const out = new Map<string, Check & { brandTier: BrandTier }>()
  if (!slots.length) return out
  const productIds = [...new Set(slots.map((s) => s.productId))]
  const facts = await tx.tx.execute<{ id: string; list_price: string; stock: number; brand_tier: BrandTier }>(
    sql`select id, list_price, stock, brand_tier from ${productFactsSql(tx, { productIds })} p`,
  )
  const byProduct = new Map(facts.map((f) => [f.id, f]))
  const entries = await poolEntries(tx, productIds, [...new Set(slots.map((s) => s.poolId))])
  for (const slot of slots) {
    const product = byProduct.get(slot.productId)
    if (!product) continue
    const entry = entries.get(slot.productId)?.find((e) => e.pool_id === slot.poolId)
    const result = checkOffer(product.brand_tier, {
      listPrice: Number(product.list_price),
      plannedPrice: slot.livePrice,
      plannedQuantity: slot.supplyCap ?? undefined,
      gift: slot.offer?.kind === 'gift' ? { description: slot.offer.description ?? 'gift' } : undefined,
      stock: product.stock,
      poolSupplyLimit: entry?.supply_limit ?? null,
    })
    if (!entry)
      result.findings.push({
        code: 'not_in_pool',
        severity: 'violation',
        message: `Pool ${slot.poolId} no longer holds product ${slot.productId}.`,
      })
    const verdict = result.findings.some((f) => f.severity === 'violation')
      ? 'rejected'
      : result.findings.length
        ? 'warning'
        : 'ok'
    out.set(slot.id, { ...result, verdict, brandTier: product.brand_tier })
  }
  return out
}

const presentSlot = (s: SlotRow, check: Check & { brandTier: BrandTier }) => ({
  id: s.id,
  session_id: s.sessionId,
  position: s.position,
  product_id: s.productId,
  sku_id: s.skuId,
  pool_id: s.poolId,
  planned_minute: s.plannedMinute,
  duration_minutes: s.durationMinutes,
  live_price: { amount: s.livePrice, currency: s.currency },
  offer: s.offer,
  supply_cap: s.supplyCap,
  hero: s.hero,
  check: {
    brand_tier: check.brandTier,
    discount_rate: check.discountRate,
    verdict: check.verdict,
    findings: check.findings,
  },
  version: s.version,
  created_at: s.createdAt.toISOString(),
  updated_at: s.updatedAt.toISOString(),
})

export async function slotsOf(tx: TxCtx, sessionId: string): Promise<SlotRow[]> {
  return tx.tx
    .select()
    .from(runOfShowSlots)
    .where(scoped(tx, runOfShowSlots, eq(runOfShowSlots.sessionId, sessionId)))
    .orderBy(asc(runOfShowSlots.position), asc(runOfShowSlots.id))
}

function planOf(session: SessionRow, rows: SlotRow[], checks: Map<string, Check & { brandTier: BrandTier }>) {
  const slots = rows.map((r) => presentSlot(r, checks.get(r.id)!))
  return {
    session_id: session.id,
    version: session.runOfShowVersion,
    slots,
    warnings: slots.flatMap((s) =>
      s.check.findings
        .filter((f) => f.severity === 'warning')
        .map((f) => ({ slot_id: s.id, code: f.code, message: f.message })),
    ),
    rejected_slot_ids: slots.filter((s) => s.check.verdict === 'rejected').map((s) => s.id),
  }
}

/** The slot if it is in the session's run-of-show. */
export async function findSlotOfSession(tx: TxCtx, slotId: string, sessionId: string): Promise<SlotRow | undefined> {
  const [row] = await tx.tx
    .select()
    .from(runOfShowSlots)
    .where(scoped(tx, runOfShowSlots, eq(runOfShowSlots.id, slotId), eq(runOfShowSlots.sessionId, sessionId)))
  return row
}

/** The run-of-show with every slot checked; used by reads and by the going-live gate. */
export async function runOfShowOf(tx: TxCtx, session: SessionRow) {
  const rows = await slotsOf(tx, session.id)
  return planOf(session, rows, await checkSlots(tx, rows))
}

/** Going live needs a run-of-show without rejections; the 409 lists the slots and why. */
export async function assertRunOfShowCanGoLive(tx: TxCtx, session: SessionRow): Promise<void> {
  const plan = await runOfShowOf(tx, session)
  const rejected = plan.slots.filter((s) => s.check.verdict === 'rejected')
  if (!rejected.length) return
  throw new AppError(
    'conflict',
    `The run-of-show has ${rejected.length} slot(s) that break their brand’s strategy: ${rejected.map((s) => s.id).join(', ')}. Fix or remove them before going live.`,
    {
      extensions: {
        rejected_slots: rejected.map((s) => ({
          slot_id: s.id,
          position: s.position,
          product_id: s.product_id,
          findings: s.check.findings.filter((f) => f.severity === 'violation'),
        })),
      },
    },
  )
}

/** The session locked for this transaction, and only while its run-of-show can still change. */
async function plannableSession(tx: TxCtx, sessionId: string): Promise<SessionRow> {
  const [row] = await tx.tx
    .select()
    .from(liveSessions)
    .where(scoped(tx, liveSessions, eq(liveSessions.id, sessionId)))
    .for('update')
  if (!row) throw new AppError('not_found', `No session with id ${sessionId} exists.`)
  if (row.status !== 'scheduled')
    throw new AppError('conflict', `The run-of-show is planned before going live; this session is ${row.status}.`, {
      extensions: { session_status: row.status },
    })
  return row
}

async function bumpRunOfShow(tx: TxCtx, sessionId: string): Promise<SessionRow> {
  const [row] = await tx.tx
    .update(liveSessions)
    .set({ runOfShowVersion: sql`${liveSessions.runOfShowVersion} + 1` })
    .where(scoped(tx, liveSessions, eq(liveSessions.id, sessionId)))
    .returning()
  return row!
}

async function hostOf(tx: TxCtx, sessionId: string): Promise<string> {
  const [row] = await tx.tx
    .select({ anchorId: sessionAssignments.anchorId })
    .from(sessionAssignments)
    .where(
      scoped(tx, sessionAssignments, eq(sessionAssignments.sessionId, sessionId), eq(sessionAssignments.role, 'host')),
    )
  return row!.anchorId!
}

/**
 * What a slot may offer: the product from a pool the session's host may sell from, in the product's
 * currency, with a supply cap within the pool's supply limit. The pool item is locked for the rest
 * of the transaction, so its limit cannot change under the check.
 */
async function checkedOffer(
  tx: TxCtx,
  session: SessionRow,
  slot: { productId: string; poolId: string; skuId?: string | null; currency: string; supplyCap?: number | null },
) {
  const product = await findProduct(tx, slot.productId)
  if (!product) throw unprocessable(`No product with id ${slot.productId} exists.`, '/body/product_id')
  if (slot.skuId && !(await findSkuOfProduct(tx, slot.skuId, slot.productId)))
    throw unprocessable(`No SKU ${slot.skuId} of product ${slot.productId} exists.`, '/body/sku_id')
  if (slot.currency !== product.currency)
    throw unprocessable(
      `The live price must be in the product’s currency ${product.currency}.`,
      '/body/live_price/currency',
    )
  const host = await hostOf(tx, session.id)
  if (!(await accessiblePools(tx, host, slot.poolId)).length)
    throw unprocessable(
      `Pool ${slot.poolId} is not an active pool the session’s host ${host} may sell from.`,
      '/body/pool_id',
    )
  const item = await poolItemFor(tx, slot.poolId, slot.productId)
  if (!item) throw unprocessable(`Pool ${slot.poolId} does not hold product ${slot.productId}.`, '/body/pool_id')
  await tx.tx.execute(sql`select 1 from pool_items where tenant_id = ${tx.tenantId} and id = ${item.id} for share`)
  if (slot.supplyCap != null && item.supplyLimit != null && slot.supplyCap > item.supplyLimit)
    throw unprocessable(
      `The supply cap ${slot.supplyCap} exceeds the pool’s supply limit of ${item.supplyLimit} units.`,
      '/body/supply_cap',
    )
}

async function presentOne(tx: TxCtx, row: SlotRow) {
  return presentSlot(row, (await checkSlots(tx, [row])).get(row.id)!)
}

export function addSlot(ctx: Ctx, sessionId: string, input: CreateSlotInput) {
  return inTenant(ctx, async (tx) => {
    const session = await plannableSession(tx, sessionId)
    await checkedOffer(tx, session, {
      productId: input.product_id,
      poolId: input.pool_id,
      skuId: input.sku_id,
      currency: input.live_price.currency,
      supplyCap: input.supply_cap,
    })
    const [{ n }] = (await tx.tx
      .select({ n: sql<number>`count(*)::int` })
      .from(runOfShowSlots)
      .where(scoped(tx, runOfShowSlots, eq(runOfShowSlots.sessionId, sessionId)))) as [{ n: number }]
    const row = await slotRepo.insert(tx, {
      id: newId('slot'),
      sessionId,
      position: n,
      productId: input.product_id,
      skuId: input.sku_id ?? null,
      poolId: input.pool_id,
      plannedMinute: input.planned_minute,
      durationMinutes: input.duration_minutes,
      livePrice: input.live_price.amount,
      currency: input.live_price.currency,
      offer: input.offer ?? null,
      supplyCap: input.supply_cap ?? null,
      hero: input.hero ?? false,
    })
    await bumpRunOfShow(tx, sessionId)
    await audit(tx, 'slot.created', { type: 'slot', id: row.id }, input)
    return presentOne(tx, row)
  })
}

export function getRunOfShow(ctx: Ctx, sessionId: string) {
  return inTenant(ctx, async (tx) => {
    const [session] = await tx.tx
      .select()
      .from(liveSessions)
      .where(scoped(tx, liveSessions, eq(liveSessions.id, sessionId)))
    if (!session) throw new AppError('not_found', `No session with id ${sessionId} exists.`)
    return runOfShowOf(tx, session)
  })
}

export function getSlot(ctx: Ctx, id: string) {
  return inTenant(ctx, async (tx) => presentOne(tx, await slotRepo.get(tx, id)))
}

export function updateSlot(ctx: Ctx, id: string, expectedVersion: number | undefined, input: UpdateSlotInput) {
  return inTenant(ctx, async (tx) => {
    const current = await slotRepo.get(tx, id)
    const session = await plannableSession(tx, current.sessionId)
    await checkedOffer(tx, session, {
      productId: current.productId,
      poolId: current.poolId,
      skuId: current.skuId,
      currency: input.live_price?.currency ?? current.currency,
      supplyCap: input.supply_cap === undefined ? current.supplyCap : input.supply_cap,
    })
    const row = await slotRepo.update(tx, id, expectedVersion, {
      ...patchColumns<SlotRow, UpdateSlotInput>(input, {
        planned_minute: 'plannedMinute',
        duration_minutes: 'durationMinutes',
        offer: 'offer',
        supply_cap: 'supplyCap',
        hero: 'hero',
      }),
      ...(input.live_price ? { livePrice: input.live_price.amount, currency: input.live_price.currency } : {}),
    })
    await bumpRunOfShow(tx, current.sessionId)
    await audit(tx, 'slot.updated', { type: 'slot', id }, input)
    return presentOne(tx, row)
  })
}

export function removeSlot(ctx: Ctx, id: string) {
  return inTenant(ctx, async (tx) => {
    const current = await slotRepo.get(tx, id)
    await plannableSession(tx, current.sessionId)
    await tx.tx.delete(runOfShowSlots).where(scoped(tx, runOfShowSlots, eq(runOfShowSlots.id, id)))
    // The slots after it move up, so positions stay 0…n-1.
    await tx.tx
      .update(runOfShowSlots)
      .set({ position: sql`${runOfShowSlots.position} - 1` })
      .where(
        scoped(
          tx,
          runOfShowSlots,
          eq(runOfShowSlots.sessionId, current.sessionId),
          gt(runOfShowSlots.position, current.position),
        ),
      )
    await bumpRunOfShow(tx, current.sessionId)
    await audit(tx, 'slot.removed', { type: 'slot', id }, {})
  })
}

/**
 * Reorders the whole run-of-show in one statement. With If-Match (the run-of-show's ETag) a
 * reorder computed from a stale list is a 412 instead of silently undoing someone else's change.
 */
export function reorderRunOfShow(ctx: Ctx, sessionId: string, expectedVersion: number | undefined, slotIds: string[]) {
  return inTenant(ctx, async (tx) => {
    const session = await plannableSession(tx, sessionId)
    if (expectedVersion !== undefined && session.runOfShowVersion !== expectedVersion)
      throw new AppError(
        'precondition_failed',
        `The run-of-show has changed since version ${expectedVersion}; fetch it again and retry with its new ETag.`,
      )
    const current = (await slotsOf(tx, sessionId)).map((s) => s.id)
    const given = new Set(slotIds)
    const missing = current.filter((id) => !given.has(id))
    const unknown = slotIds.filter((id) => !current.includes(id))
    if (missing.length || unknown.length)
      throw new AppError('unprocessable', 'slot_ids must list every slot of the session exactly once.', {
        errors: [
          ...missing.map((id) => ({ pointer: '/body/slot_ids', detail: `misses slot ${id}` })),
          ...unknown.map((id) => ({
            pointer: `/body/slot_ids/${slotIds.indexOf(id)}`,
            detail: `${id} is not a slot of this session`,
          })),
        ],
      })
    if (slotIds.length)
      await tx.tx.execute(sql`
        update ${runOfShowSlots} s set position = v.ord - 1, version = s.version + 1, updated_at = now()
        from unnest(${textArray(slotIds)}) with ordinality as v(id, ord)
        where s.tenant_id = ${tx.tenantId} and s.session_id = ${sessionId} and s.id = v.id`)
    const bumped = await bumpRunOfShow(tx, sessionId)
    await audit(tx, 'run_of_show.reordered', { type: 'session', id: sessionId }, { slot_ids: slotIds })
    return runOfShowOf(tx, bumped)
  })
}

/** The run-of-shows of many sessions with a fixed number of queries; for GraphQL's loader. */
export function getRunOfShowsBySessionIds(ctx: Ctx, ids: readonly string[]) {
  return inTenant(ctx, async (tx) => {
    const unique = [...new Set(ids)]
    if (!unique.length) return []
    const sessions = await tx.tx
      .select()
      .from(liveSessions)
      .where(scoped(tx, liveSessions, inArray(liveSessions.id, unique)))
    const slots = await tx.tx
      .select()
      .from(runOfShowSlots)
      .where(and(scoped(tx, runOfShowSlots, inArray(runOfShowSlots.sessionId, unique))))
      .orderBy(asc(runOfShowSlots.position), asc(runOfShowSlots.id))
    const checks = await checkSlots(tx, slots)
    const byId = new Map(
      sessions.map((s) => [
        s.id,
        planOf(
          s,
          slots.filter((r) => r.sessionId === s.id),
          checks,
        ),
      ]),
    )
    return ids.map((id) => byId.get(id) ?? null)
  })
}
