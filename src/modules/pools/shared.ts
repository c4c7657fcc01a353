import { and, eq, inArray, isNull } from 'drizzle-orm'
import { inTenant } from '../../db/tenancy.js'
import type { Ctx, TxCtx } from '../../lib/context.js'
import { scoped } from '../../lib/repository.js'
import { poolGrants } from './tables.js'

export type GrantRow = typeof poolGrants.$inferSelect

/**
 * Pools other organizations shared with the caller. The grant row belongs to the owner;
 * its RLS policy lets the grantee read it, which is all the grantee can see of the owner.
 */
export function grantsToMe(tx: TxCtx): Promise<GrantRow[]> {
  return tx.tx
    .select()
    .from(poolGrants)
    .where(and(eq(poolGrants.granteeTenantId, tx.tenantId), isNull(poolGrants.revokedAt)))
}

/**
 * Runs `fn` in the owner's tenant for pools it shared with the caller, after checking in
 * the owner's own transaction that the grants still stand; `fn` gets only those pool ids.
 * Runs outside the caller's transaction (a transaction acts as one tenant).
 */
export function asGrantee<T>(
  ctx: Ctx,
  ownerTenantId: string,
  poolIds: string[],
  fn: (ownerTx: TxCtx, grantedPoolIds: string[]) => Promise<T>,
): Promise<T> {
  const ownerCtx: Ctx = { ...ctx, tenantId: ownerTenantId }
  return inTenant(ownerCtx, async (tx) => {
    const live = await tx.tx
      .select({ poolId: poolGrants.poolId })
      .from(poolGrants)
      .where(
        scoped(
          tx,
          poolGrants,
          inArray(poolGrants.poolId, poolIds),
          eq(poolGrants.granteeTenantId, ctx.tenantId),
          isNull(poolGrants.revokedAt),
        ),
      )
    return fn(
      tx,
      live.map((g) => g.poolId),
    )
  })
}

/** Grants to the caller, grouped by owner tenant. */
export function byOwner(grants: GrantRow[]): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const g of grants) out.set(g.tenantId, [...(out.get(g.tenantId) ?? []), g.poolId])
  return out
}
