import type { Sql } from 'postgres'
import { APP_ROLE } from './tenant-table.js'
import type { Ctx, TxCtx } from '../lib/context.js'

/**
 * Runs `fn` in a transaction that acts as the tenant: the role becomes the RLS-bound app
 * role and `app.tenant_id` is set, both transaction-local (`is_local = true`) so a pooled
 * connection carries neither to its next user. Nested calls join the open transaction.
 */
export function inTenant<T>(ctx: Ctx, fn: (ctx: TxCtx) => Promise<T>): Promise<T> {
  if (ctx.tx) return fn(ctx as TxCtx)
  return ctx.db.transaction(async (tx) => {
    // Sent as a prepared statement on the transaction's own connection (postgres.js
    // tagged template): it runs on every tenant request, so it skips re-parsing.
    const client = (tx as unknown as { session: { client: Sql } }).session.client
    await client`select set_config('role', ${APP_ROLE}, true), set_config('app.tenant_id', ${ctx.tenantId}, true)`
    return fn({ ...ctx, tx })
  })
}
