import type { Sql } from 'postgres'
import type { ControlPlaneCtx, Ctx, TxCtx } from '../lib/context.js'
import { actAsTenant } from './tenancy.js'

/**
 * Runs `fn` in one transaction on the pool as the owning role, the only role that can
 * write control-plane tables (organizations, API clients, apps, signing keys). The audit
 * row of the change joins the same transaction (lib/audit.ts), so the change and its
 * record commit or roll back together. `fn` gets a context without the pool, so every
 * write inside joins the transaction.
 */
export function inControlPlane<T>(ctx: Ctx, fn: (ctx: ControlPlaneCtx) => Promise<T>): Promise<T> {
  const { db, ...rest } = ctx
  return db.transaction((owner) => fn({ ...rest, owner }))
}

/**
 * Runs `fn` as the tenant inside a control-plane transaction, so tenant-owned rows written
 * there (the audit row) pass the same row-level security as in `inTenant`; then the
 * transaction returns to the owning role. If `fn` fails the role is left as it is: the
 * transaction is aborted anyway, and a caller that catches stays in the narrower role.
 */
export async function asTenantWithin<T>(ctx: ControlPlaneCtx, fn: (ctx: TxCtx) => Promise<T>): Promise<T> {
  const { owner, ...rest } = ctx
  await actAsTenant(owner, ctx.tenantId)
  const result = await fn({ ...rest, tx: owner })
  // drizzle does not type its session; the transaction's postgres.js client is on it.
  const client = (owner as unknown as { session: { client: Sql } }).session.client
  // `none` is the session user: the owning role the pool connects as.
  await client`select set_config('role', 'none', true), set_config('app.tenant_id', '', true)`
  return result
}
