import { createHmac, randomBytes } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { transactionClient } from '../../db/tenancy.js'
import type { TxCtx } from '../../lib/context.js'
import { notFound } from '../../lib/errors.js'
import { newIds } from '../../lib/ids.js'
import { buyerKeys, buyers } from './tables.js'

/** Turns a platform's buyer reference into the tenant's pseudonym for it. */
export type Pseudonymize = (platform: string, ref: string) => string

export interface BuyerView {
  id: string
  platform: string
  first_seen_at: string
}

// A tenant's key never changes once drawn, so a process keeps what it has read.
const keys = new Map<string, Buffer>()

async function tenantKey(ctx: TxCtx): Promise<Buffer> {
  const known = keys.get(ctx.tenantId)
  if (known) return known
  // Two first uses race to draw a key; the insert that loses reads the winner's. A key this
  // transaction drew is not cached: it exists only if the transaction commits.
  const [drawn] = await ctx.tx
    .insert(buyerKeys)
    .values({ tenantId: ctx.tenantId, secret: randomBytes(32) })
    .onConflictDoNothing()
    .returning({ secret: buyerKeys.secret })
  if (drawn) return drawn.secret
  const [row] = await ctx.tx
    .select({ secret: buyerKeys.secret })
    .from(buyerKeys)
    .where(eq(buyerKeys.tenantId, ctx.tenantId))
  if (!row) throw new Error('buyer key missing after insert')
  keys.set(ctx.tenantId, row.secret)
  return row.secret
}

/** A pseudonymizer for the context's tenant; after the first call per process it costs no query. */
export async function pseudonymizer(ctx: TxCtx): Promise<Pseudonymize> {
  const key = await tenantKey(ctx)
  return (platform, ref) => createHmac('sha256', key).update(platform).update('\0').update(ref).digest('hex')
}

/** The key `resolveBuyers` answers under for a reference. */
export const buyerRefKey = (ref: { platform: string; ref: string }) => `${ref.platform}\0${ref.ref}`

const view = (row: typeof buyers.$inferSelect): BuyerView => ({
  id: row.id,
  platform: row.platform,
  first_seen_at: row.firstSeenAt.toISOString(),
})

/** Raw postgres.js rows carry times as the driver's strings (drizzle sets its parsers), or as Date. */
const rawView = (row: Record<string, unknown>): BuyerView => ({
  id: row.id as string,
  platform: row.platform as string,
  first_seen_at: new Date(row.first_seen_at as string).toISOString(),
})

/**
 * The buyer ids of platform references, created on first sight. Each distinct reference is
 * hashed once; the known ones are found in one statement joining the arrays of platforms and
 * pseudonyms (one parameter per column, so its plan is cached per connection whatever the
 * count), and only the new ones are inserted. An insert that lost a race to another
 * transaction's insert of the same buyer skips that row, and the second look finds the winner's
 * (committed by then: the insert waited for it). An interaction batch resolves its 1,000
 * viewers with this, so it stays off drizzle's per-value query building.
 */
export async function resolveBuyers(
  ctx: TxCtx,
  refs: readonly { platform: string; ref: string }[],
): Promise<Map<string, BuyerView>> {
  const result = new Map<string, BuyerView>()
  if (refs.length === 0) return result
  const pseudonym = await pseudonymizer(ctx)
  const keyOf = new Map<string, string>()
  const platforms: string[] = []
  const pseudonyms: string[] = []
  for (const r of refs) {
    const key = buyerRefKey(r)
    if (keyOf.has(key)) continue
    const p = pseudonym(r.platform, r.ref)
    keyOf.set(key, `${r.platform}\0${p}`)
    platforms.push(r.platform)
    pseudonyms.push(p)
  }
  const sql = transactionClient(ctx.tx)
  const found = new Map<string, BuyerView>()
  const look = async (ps: string[], qs: string[]) => {
    const rows = await sql`
      select b.id, b.platform, b.pseudonym, b.first_seen_at
      from unnest(${sql.array(ps)}::text[], ${sql.array(qs)}::text[]) as u(platform, pseudonym)
      join buyers b on b.tenant_id = ${ctx.tenantId} and b.platform = u.platform and b.pseudonym = u.pseudonym`
    for (const row of rows) found.set(`${row.platform}\0${row.pseudonym}`, rawView(row))
  }
  const missing = () => {
    const ps: string[] = []
    const qs: string[] = []
    for (let i = 0; i < platforms.length; i++)
      if (!found.has(`${platforms[i]}\0${pseudonyms[i]}`)) {
        ps.push(platforms[i]!)
        qs.push(pseudonyms[i]!)
      }
    return [ps, qs] as const
  }
  await look(platforms, pseudonyms)
  const [newPlatforms, newPseudonyms] = missing()
  if (newPlatforms.length) {
    const created = await sql`
      insert into buyers (tenant_id, id, platform, pseudonym)
      select ${ctx.tenantId}, u.id, u.platform, u.pseudonym
      from unnest(${sql.array(newIds('buyer', newPlatforms.length))}::text[], ${sql.array(newPlatforms)}::text[],
        ${sql.array(newPseudonyms)}::text[]) as u(id, platform, pseudonym)
      on conflict (tenant_id, platform, pseudonym) do nothing
      returning id, platform, pseudonym, first_seen_at`
    for (const row of created) found.set(`${row.platform}\0${row.pseudonym}`, rawView(row))
    if (created.length < newPlatforms.length) await look(...missing())
  }
  for (const [key, at] of keyOf) {
    const buyer = found.get(at)
    if (buyer) result.set(key, buyer)
  }
  return result
}

/** The buyer id of one platform reference, created on first sight. */
export async function resolveBuyer(ctx: TxCtx, ref: { platform: string; ref: string }): Promise<BuyerView> {
  const found = (await resolveBuyers(ctx, [ref])).get(buyerRefKey(ref))
  if (!found) throw new Error('buyer missing after upsert')
  return found
}

export async function getBuyer(ctx: TxCtx, id: string): Promise<BuyerView> {
  const [row] = await ctx.tx
    .select()
    .from(buyers)
    .where(and(eq(buyers.tenantId, ctx.tenantId), eq(buyers.id, id)))
  if (!row) throw notFound('buyer', id)
  return view(row)
}
