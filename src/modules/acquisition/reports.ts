import { and, eq, gt, gte, inArray, isNotNull, lt, sql } from 'drizzle-orm'
import type { PgColumn } from 'drizzle-orm/pg-core'
import { inTenant } from '../../db/tenancy.js'
import type { Ctx, TxCtx } from '../../lib/context.js'
import { notFound } from '../../lib/errors.js'
import { scoped } from '../../lib/repository.js'
import { findAnchor } from '../anchors/index.js'
import { getSessionsByIds } from '../scheduling/index.js'
import { creditedTo, DAY_MS, roi, type CodedTouch } from './rules.js'
import type { AttributionInput, AudienceGrowthInput, SessionConversionInput } from './schemas.js'
import { campaignRepo } from './service.js'
import { orderConversions, placements, touches, trackedLinks } from './tables.js'

/** The range an answer covers, as it was asked for. */
const rangeOf = (query: { from?: string; to?: string }) => ({
  from: query.from ? new Date(query.from).toISOString() : null,
  to: query.to ? new Date(query.to).toISOString() : null,
})
const round = (n: number) => Math.round(n * 10_000) / 10_000
const inRange = (column: PgColumn, from?: string, to?: string) =>
  and(from ? gte(column, new Date(from)) : undefined, to ? lt(column, new Date(to)) : undefined)

/**
 * What a campaign brought under a model. The buyers in play are those who touched one of its
 * codes or placed an order carrying one; for them every coded touch of any campaign is read, since
 * a later touch of another campaign takes last-touch credit away from this one. The crediting
 * itself is the pure `creditedTo` (rules.ts).
 */
export function campaignAttribution(ctx: Ctx, campaignId: string, query: AttributionInput) {
  return inTenant(ctx, async (tx) => {
    const campaign = await campaignRepo.get(tx, campaignId)
    const model = query.model ?? campaign.attributionModel
    const lookbackDays = query.lookback_days ?? campaign.lookbackDays
    const codes = new Set(
      (
        await tx.tx
          .select({ code: trackedLinks.code })
          .from(trackedLinks)
          .where(scoped(tx, trackedLinks, eq(trackedLinks.campaignId, campaignId)))
      ).map((r) => r.code),
    )
    const [visits] = await tx.tx
      .select({
        visits: sql<number>`count(*)::int`,
        visitors: sql<number>`count(distinct ${touches.buyerId})::int`,
      })
      .from(touches)
      .where(
        scoped(
          tx,
          touches,
          eq(touches.campaignId, campaignId),
          eq(touches.kind, 'visit'),
          inRange(touches.occurredAt, query.from, query.to),
        ),
      )
    const codeList = [...codes]
    const buyerIds = codeList.length
      ? (
          await tx.tx.execute<{ buyer_id: string }>(sql`
            select buyer_id from ${touches} where tenant_id = ${tx.tenantId} and campaign_id = ${campaignId}
            union
            select buyer_id from ${orderConversions} where tenant_id = ${tx.tenantId} and code in ${codeList}`)
        ).map((r) => r.buyer_id)
      : []

    const touchesOf = new Map<string, CodedTouch[]>()
    const follows: { buyer: string; at: number; code: string | null; value: number }[] = []
    const joins: typeof follows = []
    const orders: typeof follows = []
    if (buyerIds.length) {
      const rows = await tx.tx
        .select({ buyer: touches.buyerId, kind: touches.kind, code: touches.code, at: touches.occurredAt })
        .from(touches)
        .where(scoped(tx, touches, inArray(touches.buyerId, buyerIds)))
        .orderBy(touches.occurredAt, touches.id)
      for (const r of rows) {
        const at = r.at.getTime()
        if (r.code) {
          const list = touchesOf.get(r.buyer) ?? []
          list.push({ code: r.code, at })
          touchesOf.set(r.buyer, list)
        }
        const counted = (!query.from || at >= Date.parse(query.from)) && (!query.to || at < Date.parse(query.to))
        if (counted && r.kind === 'follow') follows.push({ buyer: r.buyer, at, code: r.code, value: 0 })
        if (counted && r.kind === 'fan_group_join') joins.push({ buyer: r.buyer, at, code: r.code, value: 0 })
      }
      const paid = await tx.tx
        .select()
        .from(orderConversions)
        .where(
          scoped(
            tx,
            orderConversions,
            inArray(orderConversions.buyerId, buyerIds),
            isNotNull(orderConversions.paidAt),
            eq(orderConversions.cancelled, false),
            eq(orderConversions.currency, campaign.currency),
            inRange(orderConversions.placedAt, query.from, query.to),
          ),
        )
      for (const o of paid)
        orders.push({ buyer: o.buyerId, at: o.placedAt.getTime(), code: o.code, value: o.paidAmount })
    }
    const lookbackMs = lookbackDays * DAY_MS
    const credit = (list: typeof follows) =>
      creditedTo(codes, list, (buyer) => touchesOf.get(buyer) ?? [], model, lookbackMs)
    const ordersCredited = credit(orders)
    const [cost] = await tx.tx
      .select({ amount: sql<number>`coalesce(sum(${placements.cost}), 0)::bigint` })
      .from(placements)
      .where(
        scoped(
          tx,
          placements,
          eq(placements.campaignId, campaignId),
          query.to ? lt(placements.startsAt, new Date(query.to)) : undefined,
          query.from ? gt(placements.endsAt, new Date(query.from)) : undefined,
        ),
      )
    const gmv = Math.round(ordersCredited.value)
    const spent = Number(cost!.amount)
    return {
      campaign_id: campaignId,
      attribution_model: model,
      lookback_days: lookbackDays,
      ...rangeOf(query),
      visits: visits!.visits,
      visitors: visits!.visitors,
      follows: round(credit(follows).count),
      fan_group_joins: round(credit(joins).count),
      orders: round(ordersCredited.count),
      gmv: { amount: gmv, currency: campaign.currency },
      cost: { amount: spent, currency: campaign.currency },
      roi: roi(gmv, spent),
    }
  })
}

/** 公域 → 私域 per anchor: follows and fan-group joins recorded in the range, per UTC day. */
export function audienceGrowth(ctx: Ctx, anchorId: string, query: AudienceGrowthInput) {
  return inTenant(ctx, async (tx) => {
    await findAnchor(tx, anchorId, { required: true })
    const where = scoped(
      tx,
      touches,
      eq(touches.anchorId, anchorId),
      inArray(touches.kind, ['follow', 'fan_group_join']),
      inRange(touches.occurredAt, query.from, query.to),
    )
    const day = sql<string>`to_char(${touches.occurredAt} at time zone 'UTC', 'YYYY-MM-DD')`
    const days = await tx.tx
      .select({
        date: day,
        follows: sql<number>`(count(*) filter (where ${touches.kind} = 'follow'))::int`,
        fan_group_joins: sql<number>`(count(*) filter (where ${touches.kind} = 'fan_group_join'))::int`,
      })
      .from(touches)
      .where(where)
      .groupBy(day)
      .orderBy(day)
    const [followers] = await tx.tx
      .select({ n: sql<number>`count(distinct ${touches.buyerId}) filter (where ${touches.kind} = 'follow')::int` })
      .from(touches)
      .where(where)
    return {
      anchor_id: anchorId,
      ...rangeOf(query),
      follows: days.reduce((n, d) => n + d.follows, 0),
      followers: followers!.n,
      fan_group_joins: days.reduce((n, d) => n + d.fan_group_joins, 0),
      by_day: days,
    }
  })
}

/** The share of a session's viewers who followed its host during the session or within the hours after it. */
export function sessionConversion(ctx: Ctx, sessionId: string, query: SessionConversionInput, now = new Date()) {
  return inTenant(ctx, async (tx) => {
    const [session] = await getSessionsByIds(tx, [sessionId])
    if (!session) throw notFound('session', sessionId)
    const host = session.anchors[0]!.anchor_id
    const withinHours = query.within_hours ?? 24
    const start = new Date(session.started_at ?? session.planned_start)
    const end = session.ended_at
      ? new Date(session.ended_at)
      : session.status === 'live'
        ? now
        : new Date(session.planned_end)
    const windowEnd = new Date(end.getTime() + withinHours * 3_600_000)
    const became = (kind: string) => sql`exists (
      select 1 from ${touches} f where f.tenant_id = ${tx.tenantId} and f.buyer_id = v.buyer_id
        and f.anchor_id = ${host} and f.kind = ${kind}
        and f.occurred_at >= ${start.toISOString()} and f.occurred_at <= ${windowEnd.toISOString()})`
    const [row] = await tx.tx.execute<{ viewers: number; followers: number; fan_group_joins: number }>(sql`
      select count(*)::int as viewers,
        (count(*) filter (where ${became('follow')}))::int as followers,
        (count(*) filter (where ${became('fan_group_join')}))::int as fan_group_joins
      from (select distinct buyer_id from ${touches}
            where tenant_id = ${tx.tenantId} and session_id = ${sessionId} and kind = 'visit') v`)
    return {
      session_id: sessionId,
      anchor_id: host,
      window_start: start.toISOString(),
      window_end: windowEnd.toISOString(),
      within_hours: withinHours,
      viewers: row!.viewers,
      followers: row!.followers,
      fan_group_joins: row!.fan_group_joins,
      follower_share: row!.viewers ? round(row!.followers / row!.viewers) : null,
    }
  })
}

/** What acquisition keeps of an order (the orders contract's OrderView, the fields it reads). */
export interface OrderFacts {
  id: string
  buyer_id: string
  anchor_id: string
  session_id: string | null
  attribution_code: string | null
  currency: string
  paid_amount: number
  status: string
  placed_at: string
  paid_at: string | null
}

/**
 * Keeps an order's facts for attribution; subscribed to the orders module's `orderCreated`,
 * `orderPaid` and `orderCancelled` in the writer's transaction, so a paid order counts the moment
 * it commits and a cancelled one stops counting.
 */
export async function recordOrderConversion(ctx: TxCtx, order: OrderFacts): Promise<void> {
  const values = {
    buyerId: order.buyer_id,
    anchorId: order.anchor_id,
    sessionId: order.session_id,
    code: order.attribution_code,
    placedAt: new Date(order.placed_at),
    paidAmount: order.paid_amount,
    currency: order.currency,
    paidAt: order.paid_at ? new Date(order.paid_at) : null,
    cancelled: order.status === 'cancelled',
  }
  await ctx.tx
    .insert(orderConversions)
    .values({ tenantId: ctx.tenantId, id: order.id, ...values })
    .onConflictDoUpdate({
      target: [orderConversions.tenantId, orderConversions.id],
      set: { ...values, updatedAt: sql`now()` },
    })
}
