import { eq, sql } from 'drizzle-orm'
import type { TxCtx } from '../../lib/context.js'
import { scoped } from '../../lib/repository.js'
import { runOfShowSlots } from './tables.js'

export type SlotFacts = { id: string; sessionId: string; productId: string; poolId: string; supplyCap: number | null }

/** What an order line needs to know of a run-of-show slot: its session, product and pool. */
export async function findSlot(tx: TxCtx, id: string): Promise<SlotFacts | undefined> {
  const [row] = await tx.tx
    .select({
      id: runOfShowSlots.id,
      sessionId: runOfShowSlots.sessionId,
      productId: runOfShowSlots.productId,
      poolId: runOfShowSlots.poolId,
      supplyCap: runOfShowSlots.supplyCap,
    })
    .from(runOfShowSlots)
    .where(scoped(tx, runOfShowSlots, eq(runOfShowSlots.id, id)))
  return row
}

/**
 * Draws `quantity` units from the slot's supply cap in one conditional statement, so racing
 * orders cannot together pass the cap (the CHECK on supply_used is the backstop). Answers
 * whether it fitted; nothing is drawn when it did not.
 */
export async function consumeSlotSupply(tx: TxCtx, slotId: string, quantity: number): Promise<boolean> {
  const rows = await tx.tx
    .update(runOfShowSlots)
    .set({ supplyUsed: sql`${runOfShowSlots.supplyUsed} + ${quantity}` })
    .where(
      scoped(
        tx,
        runOfShowSlots,
        eq(runOfShowSlots.id, slotId),
        sql`(${runOfShowSlots.supplyCap} is null or ${runOfShowSlots.supplyUsed} + ${quantity} <= ${runOfShowSlots.supplyCap})`,
      ),
    )
    .returning({ id: runOfShowSlots.id })
  return rows.length === 1
}

/** Gives back units an order drew (its cancellation); never below zero. */
export async function releaseSlotSupply(tx: TxCtx, slotId: string, quantity: number): Promise<void> {
  if (quantity <= 0) return
  await tx.tx
    .update(runOfShowSlots)
    .set({ supplyUsed: sql`greatest(${runOfShowSlots.supplyUsed} - ${quantity}, 0)` })
    .where(scoped(tx, runOfShowSlots, eq(runOfShowSlots.id, slotId)))
}
