import type { Test } from 'tap'
import { connectDatabase } from '../../src/db/client.js'
import type { Ctx } from '../../src/lib/context.js'
import { newId } from '../../src/lib/ids.js'
import { createTestDatabase } from '../helper.js'

/**
 * A scratch database with one event for each of `tenants`, reached through a pool of one
 * connection, so every statement of a test shares it and `pooled()` shows what that connection
 * carries after a tenant read: its tenant setting, its role, and whether a transaction is open;
 * `probeTable` makes a table the tests can change under a prepared statement.
 */
export async function tenantReadFixture(t: Test, tenants: string[]) {
  const url = await createTestDatabase(t)
  const database = connectDatabase(url, { max: 1 })
  t.teardown(() => database.close())
  const { sql } = database
  for (const tenant of tenants)
    await sql`insert into events (tenant_id, id, type, resource_type, resource_id, resource_version, data) values (${tenant}, ${newId('event')}, 'test.happened', 'thing', ${tenant}, 1, '{}')`
  // The tenant reads need only the tenant and the pool of a context.
  const ctxFor = (tenantId: string) => ({ tenantId, db: database.db }) as unknown as Ctx
  const pooled = async () => {
    const [row] = await sql<{ tenant: string | null; role: string }[]>`
      select current_setting('app.tenant_id', true) as tenant, current_user as role`
    // A savepoint is refused outside a transaction block, so this tells whether one is open.
    const open = await sql.unsafe('savepoint probe').then(
      () => true,
      (err: Error) => !/can only be used in transaction blocks/.test(err.message),
    )
    return { ...row, open }
  }
  const clean = { tenant: '', role: 'postgres', open: false }
  /** A new table under the tenant tables' RLS policy, holding one row per tenant (`v` = 1, 2, …). */
  const probeTable = async (name: string) => {
    await sql`create table ${sql(name)} (tenant_id text not null, v int)`
    await sql`alter table ${sql(name)} enable row level security`
    await sql`create policy ${sql(`${name}_tenant`)} on ${sql(name)} to showrunner_app using (tenant_id = current_setting('app.tenant_id', true))`
    await sql`grant select on ${sql(name)} to showrunner_app`
    for (const [i, tenant] of tenants.entries()) await sql`insert into ${sql(name)} values (${tenant}, ${i + 1})`
  }
  return { url, database, sql, ctxFor, pooled, clean, probeTable }
}
