import { randomBytes } from 'node:crypto'
import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm'
import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Ctx, TxCtx } from '../../lib/context.js'
import { AppError, notFound } from '../../lib/errors.js'
import { publish } from '../../lib/hooks.js'
import { newId } from '../../lib/ids.js'
import { patchColumns } from '../../lib/patch.js'
import { mapPage, scoped, staleVersion, tenantRepository, type PageRequest } from '../../lib/repository.js'
import { findProduct } from '../catalog/index.js'
import { findAnchor } from '../anchors/index.js'
import { getSessionsByIds, type SessionView } from '../scheduling/index.js'
import { campaignCreated, campaignUpdated, placementCreated, placementUpdated, trackedLinkCreated } from './changes.js'
import { canMove, randomCode, statusRefusal } from './rules.js'
import type {
  CampaignListInput,
  CreateCampaignInput,
  CreatePlacementInput,
  CreateTrackedLinkInput,
  UpdateCampaignInput,
  UpdatePlacementInput,
} from './schemas.js'
import { campaigns, placements, touches, trackedLinks } from './tables.js'

export const campaignRepo = tenantRepository(campaigns, 'campaign')
const placementRepo = tenantRepository(placements, 'placement')
export const linkRepo = tenantRepository(trackedLinks, 'tracked link')

type CampaignRow = typeof campaigns.$inferSelect
type PlacementRow = typeof placements.$inferSelect
type LinkRow = typeof trackedLinks.$inferSelect

const iso = (d: Date) => d.toISOString()
export const unprocessable = (detail: string, pointer: string) =>
  new AppError('unprocessable', detail, { errors: [{ pointer, detail }] })

const presentCampaign = (c: CampaignRow) => ({
  id: c.id,
  name: c.name,
  goal: c.goal,
  channel: c.channel,
  budget: { amount: c.budget, currency: c.currency },
  committed: { amount: c.committed, currency: c.currency },
  starts_at: iso(c.startsAt),
  ends_at: iso(c.endsAt),
  status: c.status,
  attribution_model: c.attributionModel,
  lookback_days: c.lookbackDays,
  version: c.version,
  created_at: iso(c.createdAt),
  updated_at: iso(c.updatedAt),
})

const presentPlacement = (p: PlacementRow, currency: string, attributedVisits: number) => ({
  id: p.id,
  campaign_id: p.campaignId,
  session_id: p.sessionId,
  kind: p.kind,
  cost: { amount: p.cost, currency },
  starts_at: iso(p.startsAt),
  ends_at: iso(p.endsAt),
  reported_impressions: p.reportedImpressions,
  reported_visits: p.reportedVisits,
  attributed_visits: attributedVisits,
  version: p.version,
  created_at: iso(p.createdAt),
  updated_at: iso(p.updatedAt),
})

export const presentLink = (l: LinkRow) => ({
  id: l.id,
  campaign_id: l.campaignId,
  code: l.code,
  target: {
    type: l.targetType,
    id: (l.targetType === 'session' ? l.sessionId : l.targetType === 'anchor' ? l.anchorId : l.productId)!,
  },
  label: l.label,
  created_at: iso(l.createdAt),
})

// ---- campaigns ----------------------------------------------------------------------------

export function createCampaign(ctx: Ctx, input: CreateCampaignInput) {
  return inTenant(ctx, async (tx) => {
    if (Date.parse(input.ends_at) <= Date.parse(input.starts_at))
      throw unprocessable('The campaign must end after it starts.', '/body/ends_at')
    const row = await campaignRepo.insert(tx, {
      id: newId('campaign'),
      name: input.name,
      goal: input.goal,
      channel: input.channel,
      budget: input.budget.amount,
      currency: input.budget.currency,
      startsAt: new Date(input.starts_at),
      endsAt: new Date(input.ends_at),
      status: input.status ?? 'draft',
      attributionModel: input.attribution_model ?? 'last_touch',
      lookbackDays: input.lookback_days ?? 7,
    })
    const campaign = presentCampaign(row)
    await audit(tx, 'campaign.created', { type: 'campaign', id: row.id }, input)
    await publish(tx, campaignCreated, campaign)
    return campaign
  })
}

export function getCampaign(ctx: Ctx, id: string) {
  return inTenant(ctx, async (tx) => presentCampaign(await campaignRepo.get(tx, id)))
}

export function listCampaigns(ctx: Ctx, query: CampaignListInput) {
  return inTenant(ctx, async (tx) =>
    mapPage(
      campaignRepo.list(
        tx,
        query,
        query.status ? eq(campaigns.status, query.status) : undefined,
        query.channel ? eq(campaigns.channel, query.channel) : undefined,
      ),
      presentCampaign,
    ),
  )
}

async function lockCampaign(tx: TxCtx, id: string): Promise<CampaignRow> {
  const [row] = await tx.tx
    .select()
    .from(campaigns)
    .where(scoped(tx, campaigns, eq(campaigns.id, id)))
    .for('update')
  if (!row) throw notFound('campaign', id)
  return row
}

export function updateCampaign(ctx: Ctx, id: string, expectedVersion: number | undefined, input: UpdateCampaignInput) {
  return inTenant(ctx, async (tx) => {
    // Locked, so the budget is checked against what placements committed, and none commits meanwhile.
    const current = await lockCampaign(tx, id)
    if (expectedVersion !== undefined && current.version !== expectedVersion)
      throw staleVersion('campaign', expectedVersion)
    const { name, status, budget, ...rest } = input
    if (current.status === 'ended' && (Object.keys(rest).length || budget || (status && status !== 'ended')))
      throw new AppError('conflict', 'The campaign has ended; only its name may still change.')
    if (status && !canMove(current.status, status))
      throw new AppError('conflict', statusRefusal(current.status, status), {
        extensions: { status: current.status },
      })
    if (budget && budget.currency !== current.currency)
      throw unprocessable(`The budget is in ${current.currency}; its currency cannot change.`, '/body/budget/currency')
    if (budget && budget.amount < current.committed)
      throw unprocessable(
        `Placements already committed ${current.committed} ${current.currency}; the budget cannot go below it.`,
        '/body/budget/amount',
      )
    const startsAt = input.starts_at ? new Date(input.starts_at) : current.startsAt
    const endsAt = input.ends_at ? new Date(input.ends_at) : current.endsAt
    if (endsAt <= startsAt) throw unprocessable('The campaign must end after it starts.', '/body/ends_at')
    const row = await campaignRepo.update(tx, id, expectedVersion, {
      ...patchColumns<CampaignRow, UpdateCampaignInput>(input, {
        name: 'name',
        goal: 'goal',
        channel: 'channel',
        status: 'status',
        attribution_model: 'attributionModel',
        lookback_days: 'lookbackDays',
      }),
      startsAt,
      endsAt,
      ...(budget ? { budget: budget.amount } : {}),
    })
    const campaign = presentCampaign(row)
    await audit(tx, 'campaign.updated', { type: 'campaign', id }, input)
    await publish(tx, campaignUpdated, campaign)
    return campaign
  })
}

/**
 * Adds `delta` (negative when a cost falls) to what the campaign's placements committed, in one
 * conditional statement: two placements racing for the last of a budget cannot both fit, and the
 * CHECK on the table is the backstop. Answers the campaign after the change, or explains the refusal.
 */
async function commitCost(tx: TxCtx, campaignId: string, currency: string, delta: number, pointer: string) {
  const [row] = await tx.tx
    .update(campaigns)
    .set({
      committed: sql`${campaigns.committed} + ${delta}`,
      version: sql`${campaigns.version} + 1`,
      updatedAt: sql`now()`,
    })
    .where(
      scoped(
        tx,
        campaigns,
        eq(campaigns.id, campaignId),
        sql`${campaigns.status} <> 'ended'`,
        eq(campaigns.currency, currency),
        sql`${campaigns.committed} + ${delta} <= ${campaigns.budget}`,
      ),
    )
    .returning()
  if (row) return row
  const current = await campaignRepo.get(tx, campaignId)
  if (current.status === 'ended') throw new AppError('conflict', 'The campaign has ended; it takes no more spending.')
  if (current.currency !== currency)
    throw unprocessable(`The campaign’s budget is in ${current.currency}.`, `${pointer}/currency`)
  const left = current.budget - current.committed
  throw new AppError('unprocessable', `The campaign has ${left} ${currency} of its budget left; this needs ${delta}.`, {
    errors: [{ pointer: `${pointer}/amount`, detail: `exceeds the ${left} left of the budget` }],
    extensions: { budget: current.budget, committed: current.committed, remaining: left },
  })
}

// ---- placements ---------------------------------------------------------------------------

/** Visits through the campaign's codes to each placement's session inside its window: one query. */
async function attributedVisits(tx: TxCtx, rows: PlacementRow[]): Promise<Map<string, number>> {
  if (!rows.length) return new Map()
  const counted = await tx.tx
    .select({ id: placements.id, visits: sql<number>`count(${touches.id})::int` })
    .from(placements)
    .leftJoin(
      touches,
      and(
        eq(touches.tenantId, placements.tenantId),
        eq(touches.campaignId, placements.campaignId),
        eq(touches.sessionId, placements.sessionId),
        eq(touches.kind, 'visit'),
        gte(touches.occurredAt, placements.startsAt),
        lt(touches.occurredAt, placements.endsAt),
      ),
    )
    .where(
      scoped(
        tx,
        placements,
        inArray(
          placements.id,
          rows.map((r) => r.id),
        ),
      ),
    )
    .groupBy(placements.id)
  return new Map(counted.map((c) => [c.id, c.visits]))
}

async function presentPlacements(tx: TxCtx, rows: PlacementRow[], currency: string) {
  const visits = await attributedVisits(tx, rows)
  return rows.map((r) => presentPlacement(r, currency, visits.get(r.id) ?? 0))
}

async function existingSession(tx: TxCtx, id: string, pointer: string): Promise<SessionView> {
  const [session] = await getSessionsByIds(tx, [id])
  if (!session) throw unprocessable(`No session with id ${id} exists.`, pointer)
  return session
}

function checkWindow(campaign: CampaignRow, startsAt: Date, endsAt: Date) {
  if (endsAt <= startsAt) throw unprocessable('The placement must end after it starts.', '/body/ends_at')
  if (startsAt < campaign.startsAt || endsAt > campaign.endsAt)
    throw unprocessable(
      `The placement must run inside the campaign, ${iso(campaign.startsAt)} to ${iso(campaign.endsAt)}.`,
      startsAt < campaign.startsAt ? '/body/starts_at' : '/body/ends_at',
    )
}

export function createPlacement(ctx: Ctx, campaignId: string, input: CreatePlacementInput) {
  return inTenant(ctx, async (tx) => {
    const campaign = await campaignRepo.get(tx, campaignId)
    await existingSession(tx, input.session_id, '/body/session_id')
    const startsAt = new Date(input.starts_at)
    const endsAt = new Date(input.ends_at)
    checkWindow(campaign, startsAt, endsAt)
    const after = await commitCost(tx, campaignId, input.cost.currency, input.cost.amount, '/body/cost')
    const row = await placementRepo.insert(tx, {
      id: newId('placement'),
      campaignId,
      sessionId: input.session_id,
      kind: input.kind,
      cost: input.cost.amount,
      startsAt,
      endsAt,
      reportedImpressions: input.reported_impressions ?? null,
      reportedVisits: input.reported_visits ?? null,
    })
    const [placement] = await presentPlacements(tx, [row], after.currency)
    await audit(tx, 'placement.created', { type: 'placement', id: row.id }, input)
    await publish(tx, placementCreated, placement!)
    await publish(tx, campaignUpdated, presentCampaign(after))
    return placement!
  })
}

export function getPlacement(ctx: Ctx, id: string) {
  return inTenant(ctx, async (tx) => {
    const row = await placementRepo.get(tx, id)
    const campaign = await campaignRepo.get(tx, row.campaignId)
    return (await presentPlacements(tx, [row], campaign.currency))[0]!
  })
}

export function listPlacements(ctx: Ctx, campaignId: string, page: PageRequest) {
  return inTenant(ctx, async (tx) => {
    const campaign = await campaignRepo.get(tx, campaignId)
    const { data, next_cursor } = await placementRepo.list(tx, page, eq(placements.campaignId, campaignId))
    return { data: await presentPlacements(tx, data, campaign.currency), next_cursor }
  })
}

export function updatePlacement(
  ctx: Ctx,
  id: string,
  expectedVersion: number | undefined,
  input: UpdatePlacementInput,
) {
  return inTenant(ctx, async (tx) => {
    const [current] = await tx.tx
      .select()
      .from(placements)
      .where(scoped(tx, placements, eq(placements.id, id)))
      .for('update')
    if (!current) throw notFound('placement', id)
    if (expectedVersion !== undefined && current.version !== expectedVersion)
      throw staleVersion('placement', expectedVersion)
    const campaign = await campaignRepo.get(tx, current.campaignId)
    const startsAt = input.starts_at ? new Date(input.starts_at) : current.startsAt
    const endsAt = input.ends_at ? new Date(input.ends_at) : current.endsAt
    if (input.starts_at || input.ends_at) checkWindow(campaign, startsAt, endsAt)
    let after: CampaignRow | undefined
    if (input.cost && (input.cost.amount !== current.cost || input.cost.currency !== campaign.currency))
      after = await commitCost(tx, campaign.id, input.cost.currency, input.cost.amount - current.cost, '/body/cost')
    const row = await placementRepo.update(tx, id, expectedVersion, {
      ...patchColumns<PlacementRow, UpdatePlacementInput>(input, {
        reported_impressions: 'reportedImpressions',
        reported_visits: 'reportedVisits',
      }),
      startsAt,
      endsAt,
      ...(input.cost ? { cost: input.cost.amount } : {}),
    })
    const [placement] = await presentPlacements(tx, [row], campaign.currency)
    await audit(tx, 'placement.updated', { type: 'placement', id }, input)
    await publish(tx, placementUpdated, placement!)
    if (after) await publish(tx, campaignUpdated, presentCampaign(after))
    return placement!
  })
}

// ---- tracked links ------------------------------------------------------------------------

const UNIQUE_VIOLATION = '23505'
const pgError = (err: unknown) => {
  const e = err as { code?: string; constraint_name?: string; cause?: { code?: string; constraint_name?: string } }
  return e.code ? e : (e.cause ?? {})
}

async function checkTarget(tx: TxCtx, target: CreateTrackedLinkInput['target']) {
  const pointer = '/body/target/id'
  const prefix = { session: 'ses', anchor: 'anc', product: 'prd' }[target.type]
  if (!target.id.startsWith(`${prefix}_`))
    throw unprocessable(`A ${target.type} link points at a ${prefix}_ id.`, pointer)
  const exists =
    target.type === 'session'
      ? (await getSessionsByIds(tx, [target.id]))[0]
      : target.type === 'anchor'
        ? await findAnchor(tx, target.id)
        : await findProduct(tx, target.id)
  if (!exists) throw unprocessable(`No ${target.type} with id ${target.id} exists.`, pointer)
}

export function createTrackedLink(ctx: Ctx, campaignId: string, input: CreateTrackedLinkInput) {
  return inTenant(ctx, async (tx) => {
    const campaign = await campaignRepo.get(tx, campaignId)
    if (campaign.status === 'ended') throw new AppError('conflict', 'The campaign has ended; it takes no new links.')
    await checkTarget(tx, input.target)
    const values = {
      campaignId,
      targetType: input.target.type,
      sessionId: input.target.type === 'session' ? input.target.id : null,
      anchorId: input.target.type === 'anchor' ? input.target.id : null,
      productId: input.target.type === 'product' ? input.target.id : null,
      label: input.label ?? null,
    }
    // A drawn code that happens to be taken is drawn again; a chosen one that is taken is the caller's conflict.
    for (let attempt = 1; ; attempt++) {
      const code = input.code ?? randomCode(randomBytes(8))
      try {
        const row = await tx.tx.transaction(async (sp) => {
          const [inserted] = await sp
            .insert(trackedLinks)
            .values({ ...values, tenantId: tx.tenantId, id: newId('trackedLink'), code })
            .returning()
          return inserted!
        })
        const link = presentLink(row)
        await audit(tx, 'tracked_link.created', { type: 'tracked_link', id: row.id }, input)
        await publish(tx, trackedLinkCreated, link)
        return link
      } catch (err) {
        const pg = pgError(err)
        if (pg.code !== UNIQUE_VIOLATION || pg.constraint_name !== 'tracked_links_code_key') throw err
        if (input.code)
          throw new AppError('conflict', `The code ${code} is taken in this tenant; choose another.`, {
            errors: [{ pointer: '/body/code', detail: 'is taken' }],
          })
        if (attempt >= 5) throw err
      }
    }
  })
}

export function getTrackedLink(ctx: Ctx, id: string) {
  return inTenant(ctx, async (tx) => presentLink(await linkRepo.get(tx, id)))
}

export function listTrackedLinks(ctx: Ctx, campaignId: string, page: PageRequest) {
  return inTenant(ctx, async (tx) => {
    await campaignRepo.get(tx, campaignId)
    return mapPage(linkRepo.list(tx, page, eq(trackedLinks.campaignId, campaignId)), presentLink)
  })
}

/** The links of `codes` in the tenant, by code. */
export async function linksByCode(tx: TxCtx, codes: string[]): Promise<Map<string, LinkRow>> {
  if (!codes.length) return new Map()
  const rows = await tx.tx
    .select()
    .from(trackedLinks)
    .where(scoped(tx, trackedLinks, inArray(trackedLinks.code, [...new Set(codes)])))
  return new Map(rows.map((r) => [r.code, r]))
}
