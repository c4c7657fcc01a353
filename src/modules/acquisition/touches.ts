import { inTenant, transactionClient } from '../../db/tenancy.js'
import type { Ctx, TxCtx } from '../../lib/context.js'
import { AppError, type FieldError } from '../../lib/errors.js'
import { newId } from '../../lib/ids.js'
import { existingAnchorIds } from '../anchors/index.js'
import { buyerRefKey, resolveBuyers, type BuyerRefInput } from '../buyers/index.js'
import { getSessionsByIds } from '../scheduling/index.js'
import { linksByCode } from './service.js'
import type { TouchKind } from './tables.js'

/**
 * A touch as services hand it over: the REST body's items, or what the interaction module's
 * subscriber makes of a `join` (a visit) or a `follow`. A caller that already holds the buyer's
 * id passes `buyer_id`; otherwise `buyer` is resolved to one.
 */
export interface TouchRecord {
  kind: TouchKind
  buyer?: BuyerRefInput
  buyer_id?: string
  occurred_at: string | Date
  code?: string | null
  session_id?: string | null
  anchor_id?: string | null
  external_id?: string | null
}

export interface TouchesRecorded {
  recorded: number
  duplicates: number
}

const CHUNK = 1000

/**
 * Records touches in the caller's transaction. Every touch is checked first (its code, session
 * and anchor must exist in the tenant; a follow or fan-group join must reach an anchor) and one
 * bad touch refuses them all with a pointer to each problem, so nothing is half-written. Codes,
 * sessions, anchors and buyers are each resolved in one statement per chunk; a touch whose
 * `external_id` was recorded before is skipped, so a re-sent batch is a no-op.
 */
export async function recordTouches(
  ctx: TxCtx,
  input: readonly TouchRecord[],
  pointerBase = '/body/touches',
): Promise<TouchesRecorded> {
  const total: TouchesRecorded = { recorded: 0, duplicates: 0 }
  for (let i = 0; i < input.length; i += CHUNK) {
    const part = await recordChunk(ctx, input.slice(i, i + CHUNK), i, pointerBase)
    total.recorded += part.recorded
    total.duplicates += part.duplicates
  }
  return total
}

async function recordChunk(
  ctx: TxCtx,
  input: readonly TouchRecord[],
  offset: number,
  pointerBase: string,
): Promise<TouchesRecorded> {
  const links = await linksByCode(
    ctx,
    input.flatMap((t) => (t.code ? [t.code] : [])),
  )
  const sessionIds = new Set<string>()
  for (const t of input) {
    if (t.session_id) sessionIds.add(t.session_id)
    const link = t.code ? links.get(t.code) : undefined
    if (link?.sessionId) sessionIds.add(link.sessionId)
  }
  const sessions = new Map(
    (await getSessionsByIds(ctx, [...sessionIds])).flatMap((s) => (s ? [[s.id, s] as const] : [])),
  )
  const anchorIds = await existingAnchorIds(ctx, [...new Set(input.flatMap((t) => (t.anchor_id ? [t.anchor_id] : [])))])
  const buyers = await resolveBuyers(
    ctx,
    input.flatMap((t) => (t.buyer && !t.buyer_id ? [t.buyer] : [])),
  )

  const errors: FieldError[] = []
  const rows: {
    id: string
    kind: TouchKind
    buyerId: string
    occurredAt: Date
    code: string | null
    campaignId: string | null
    sessionId: string | null
    anchorId: string | null
    externalId: string | null
  }[] = []
  for (const [j, t] of input.entries()) {
    const at = `${pointerBase}/${offset + j}`
    const link = t.code ? links.get(t.code) : undefined
    if (t.code && !link) {
      errors.push({ pointer: `${at}/code`, detail: `no tracked link has the code ${t.code}` })
      continue
    }
    if (t.session_id && !sessions.has(t.session_id)) {
      errors.push({ pointer: `${at}/session_id`, detail: `no session with id ${t.session_id} exists` })
      continue
    }
    if (t.anchor_id && !anchorIds.has(t.anchor_id)) {
      errors.push({ pointer: `${at}/anchor_id`, detail: `no anchor with id ${t.anchor_id} exists` })
      continue
    }
    const sessionId = t.session_id ?? link?.sessionId ?? null
    const host = sessionId ? sessions.get(sessionId)?.anchors[0]?.anchor_id : undefined
    const anchorId = t.anchor_id ?? link?.anchorId ?? host ?? null
    if (t.kind !== 'visit' && !anchorId) {
      errors.push({
        pointer: at,
        detail: `a ${t.kind} must name its anchor: give anchor_id or session_id, or a code of an anchor or session link`,
      })
      continue
    }
    const buyerId = t.buyer_id ?? (t.buyer ? buyers.get(buyerRefKey(t.buyer))?.id : undefined)
    if (!buyerId) {
      errors.push({ pointer: `${at}/buyer`, detail: 'names no buyer' })
      continue
    }
    rows.push({
      id: newId('touch'),
      kind: t.kind,
      buyerId,
      occurredAt: new Date(t.occurred_at),
      code: t.code ?? null,
      campaignId: link?.campaignId ?? null,
      sessionId,
      anchorId,
      externalId: t.external_id ?? null,
    })
  }
  if (errors.length)
    throw new AppError(
      'unprocessable',
      `${errors.length} touch(es) cannot be recorded, so none was: ${errors[0]!.pointer} ${errors[0]!.detail}.`,
      { errors },
    )
  if (!rows.length) return { recorded: 0, duplicates: 0 }
  // One parameter per column (prepared once per connection), not one per value: every interaction
  // batch's joins and follows come through here, and drizzle building a 2,500-value insert was
  // most of the interaction worker's CPU.
  const sql = transactionClient(ctx.tx)
  const col = <K extends keyof (typeof rows)[number]>(k: K) => sql.array(rows.map((r) => (r[k] ?? null) as string))
  const [row] = await sql`
    with written as (
      insert into touches (tenant_id, id, kind, buyer_id, occurred_at, code, campaign_id, session_id, anchor_id, external_id)
      select ${ctx.tenantId}, u.id, u.kind, u.buyer_id, u.occurred_at, u.code, u.campaign_id, u.session_id, u.anchor_id, u.external_id
      from unnest(${col('id')}::text[], ${col('kind')}::text[], ${col('buyerId')}::text[],
        ${sql.array(rows.map((r) => r.occurredAt.toISOString()))}::timestamptz[], ${col('code')}::text[],
        ${col('campaignId')}::text[], ${col('sessionId')}::text[], ${col('anchorId')}::text[], ${col('externalId')}::text[])
        as u(id, kind, buyer_id, occurred_at, code, campaign_id, session_id, anchor_id, external_id)
      on conflict do nothing
      returning 1
    )
    select count(*)::int as n from written`
  const recorded = row!.n as number
  return { recorded, duplicates: rows.length - recorded }
}

/** `POST /v1/touches`: a batch in one transaction. */
export function recordTouchBatch(ctx: Ctx, input: { touches: TouchRecord[] }) {
  return inTenant(ctx, (tx) => recordTouches(tx, input.touches))
}
