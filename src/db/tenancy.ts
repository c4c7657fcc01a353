import type { Sql } from 'postgres'
import type { Tx } from './client.js'
import { APP_ROLE } from './tenant-table.js'
import type { Ctx, TxCtx } from '../lib/context.js'

/**
 * The postgres.js client of a drizzle transaction: its own connection, inside the transaction.
 * For the few statements on a hot path that drizzle would build anew on every call; tagged
 * templates are prepared once per connection.
 */
export function transactionClient(tx: Tx): Sql {
  // drizzle does not type its session; the transaction's postgres.js client is on it.
  return (tx as unknown as { session: { client: Sql } }).session.client
}

/**
 * Makes the rest of `tx` act as the tenant: the role becomes the RLS-bound app role and
 * `app.tenant_id` is set, both transaction-local (`is_local = true`) so a pooled
 * connection carries neither to its next user.
 */
export async function actAsTenant(tx: Tx, tenantId: string): Promise<void> {
  // Sent as a prepared statement on the transaction's own connection (postgres.js
  // tagged template): it runs on every tenant request, so it skips re-parsing.
  await transactionClient(
    tx,
  )`select set_config('role', ${APP_ROLE}, true), set_config('app.tenant_id', ${tenantId}, true)`
}

/**
 * Runs `fn` in a transaction that acts as the tenant (see `actAsTenant`). `fn` gets a
 * context without the pool, so nothing inside can escape the transaction and the tenant
 * through it. Called with a context that is already in a tenant transaction, it joins it.
 */
export function inTenant<T>(ctx: Ctx | TxCtx, fn: (ctx: TxCtx) => Promise<T>): Promise<T> {
  if ('tx' in ctx) return fn(ctx)
  const { db, ...rest } = ctx
  return db.transaction(async (tx) => {
    await actAsTenant(tx, ctx.tenantId)
    return fn({ ...rest, tx })
  })
}
