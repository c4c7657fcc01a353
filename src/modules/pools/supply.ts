import { eq, sql } from 'drizzle-orm'
import type { TxCtx } from '../../lib/context.js'
import { scoped } from '../../lib/repository.js'
import { poolItems } from './tables.js'

const item = (tx: TxCtx, poolId: string, productId: string) =>
  scoped(tx, poolItems, eq(poolItems.poolId, poolId), eq(poolItems.productId, productId))

/**
 * Draws `quantity` units of a product from the pool's supply limit in one conditional
 * statement, so racing orders cannot together pass the limit (the CHECK on supply_used is the
 * backstop). Answers whether it fitted; nothing is drawn when it did not.
 */
export async function consumePoolSupply(
  tx: TxCtx,
  poolId: string,
  productId: string,
  quantity: number,
): Promise<boolean> {
  const rows = await tx.tx
    .update(poolItems)
    .set({ supplyUsed: sql`${poolItems.supplyUsed} + ${quantity}` })
    .where(
      sql`${item(tx, poolId, productId)} and (${poolItems.supplyLimit} is null or ${poolItems.supplyUsed} + ${quantity} <= ${poolItems.supplyLimit})`,
    )
    .returning({ id: poolItems.id })
  return rows.length === 1
}

/** Gives back units an order drew (its cancellation); never below zero. */
export async function releasePoolSupply(tx: TxCtx, poolId: string, productId: string, quantity: number) {
  if (quantity <= 0) return
  await tx.tx
    .update(poolItems)
    .set({ supplyUsed: sql`greatest(${poolItems.supplyUsed} - ${quantity}, 0)` })
    .where(item(tx, poolId, productId))
}
