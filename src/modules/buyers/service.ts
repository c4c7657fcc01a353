import { createHmac, randomBytes } from 'node:crypto'
import { and, eq, inArray, sql } from 'drizzle-orm'
import type { TxCtx } from '../../lib/context.js'
import { notFound } from '../../lib/errors.js'
import { newId } from '../../lib/ids.js'
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

/**
 * The buyer ids of platform references, created on first sight. One statement for any number of
 * references, so an order import resolves a chunk's buyers at once.
 */
export async function resolveBuyers(
  ctx: TxCtx,
  refs: { platform: string; ref: string }[],
): Promise<Map<string, BuyerView>> {
  const result = new Map<string, BuyerView>()
  if (refs.length === 0) return result
  const pseudonym = await pseudonymizer(ctx)
  const wanted = new Map<string, { platform: string; pseudonym: string; ref: string }>()
  for (const r of refs) wanted.set(buyerRefKey(r), { ...r, pseudonym: pseudonym(r.platform, r.ref) })
  const values = [...wanted.values()]
  await ctx.tx
    .insert(buyers)
    .values(
      values.map((v) => ({ tenantId: ctx.tenantId, id: newId('buyer'), platform: v.platform, pseudonym: v.pseudonym })),
    )
    .onConflictDoNothing()
  const rows = await ctx.tx
    .select()
    .from(buyers)
    .where(
      and(
        eq(buyers.tenantId, ctx.tenantId),
        inArray(
          sql`(${buyers.platform}, ${buyers.pseudonym})`,
          values.map((v) => sql`(${v.platform}, ${v.pseudonym})`),
        ),
      ),
    )
  const byPseudonym = new Map(rows.map((row) => [`${row.platform}\0${row.pseudonym}`, view(row)]))
  for (const [key, v] of wanted) {
    const buyer = byPseudonym.get(`${v.platform}\0${v.pseudonym}`)
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
