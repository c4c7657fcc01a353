import { sql } from 'drizzle-orm'
import {
  pgPolicy,
  pgRole,
  pgTable,
  primaryKey,
  text,
  integer,
  timestamp,
  type PgColumnBuilderBase,
} from 'drizzle-orm/pg-core'

/**
 * The role tenant queries run as. It owns nothing and is no superuser, so row-level
 * security applies to it; see db/tenancy.ts for how a transaction switches to it.
 */
export const APP_ROLE = 'showrunner_app'
export const appRole = pgRole(APP_ROLE).existing()

/** Read once per query (InitPlan), not once per row. */
const currentTenant = sql`(select current_setting('app.tenant_id', true))`

/**
 * The tenant-isolation policy for the app role. A row is written only into the current
 * tenant; `alsoReadableBy` names a column that lets another tenant read the row too (the
 * provider of an installation, the grantee of a shared pool).
 */
export function tenantPolicy(table: string, opts: { alsoReadableBy?: string } = {}) {
  const own = sql`tenant_id = ${currentTenant}`
  return pgPolicy(`${table}_tenant_isolation`, {
    as: 'permissive',
    for: 'all',
    to: appRole,
    using: opts.alsoReadableBy ? sql`${own} or ${sql.raw(opts.alsoReadableBy)} = ${currentTenant}` : own,
    withCheck: own,
  })
}

const tenantKey = () => ({ tenantId: text('tenant_id').notNull(), id: text('id').notNull() })
type TenantKey = ReturnType<typeof tenantKey>

/**
 * Every tenant-owned table: `tenant_id` leads the primary key (so the table can be
 * distributed by tenant later) and an RLS policy lets the app role see only the
 * tenant set on the current transaction.
 */
export function tenantTable<TName extends string, TColumns extends Record<string, PgColumnBuilderBase>>(
  name: TName,
  columns: TColumns,
  extra: (t: any) => any[] = () => [],
) {
  const all = { ...tenantKey(), ...columns } as TenantKey & TColumns
  return pgTable<TName, TenantKey & TColumns>(name, all, (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    tenantPolicy(name),
    ...extra(t),
  ]).enableRLS()
}

/** Columns for resources that are updated with optimistic concurrency. */
export const versioned = () => ({
  version: integer('version').notNull().default(1),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
})

export const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow()
