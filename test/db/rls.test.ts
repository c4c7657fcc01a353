import t from 'tap'
import postgres from 'postgres'
import { createTestDatabase } from '../helper.js'
import { newId } from '../../src/lib/ids.js'

/**
 * The second wall: tenant queries run as `showrunner_app`, which is no superuser, has no
 * BYPASSRLS and owns nothing, so the policies apply to it even though the test connects
 * as the superuser (which alone would prove nothing).
 */
t.test('row-level security holds for the app role', async (t) => {
  const url = await createTestDatabase(t)
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  t.teardown(() => sql.end())

  const [role] = await sql`select rolsuper, rolbypassrls from pg_roles where rolname = 'showrunner_app'`
  t.same(role, { rolsuper: false, rolbypassrls: false })
  const owned = await sql`select tablename from pg_tables where schemaname = 'public' and tableowner = 'showrunner_app'`
  t.equal(owned.length, 0, 'the app role owns no table')

  const tenantTables =
    await sql`select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_attribute a on a.attrelid = c.oid
    where n.nspname = 'public' and c.relkind = 'r' and a.attname = 'tenant_id' and not a.attisdropped`
  t.ok(tenantTables.length > 0)
  for (const { relname } of tenantTables) {
    const [rls] = await sql`select relrowsecurity from pg_class where relname = ${relname}`
    t.ok(rls!.relrowsecurity, `${relname} has row-level security enabled`)
    const [pk] =
      await sql`select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0] where i.indrelid = ${relname}::regclass and i.indisprimary`
    t.equal(pk?.attname, 'tenant_id', `${relname}'s primary key leads with tenant_id`)
  }

  const a = 'org_tenanta',
    b = 'org_tenantb'
  for (const tenant of [a, b]) {
    await sql`insert into events (tenant_id, id, type, resource_type, resource_id, resource_version, data) values (${tenant}, ${newId('event')}, 'test.happened', 'thing', 'x', 1, '{}')`
  }
  const asApp = <T>(tenant: string | null, fn: (tx: postgres.TransactionSql) => Promise<T>) =>
    sql.begin(async (tx) => {
      await tx`select set_config('role', 'showrunner_app', true)`
      if (tenant) await tx`select set_config('app.tenant_id', ${tenant}, true)`
      return fn(tx)
    }) as Promise<T>

  t.equal((await asApp(null, (tx) => tx`select * from events`)).length, 0, 'no tenant set: no rows')
  const seenByA = await asApp(a, (tx) => tx`select tenant_id from events`)
  t.same(
    seenByA.map((r) => r.tenant_id),
    [a],
    'tenant A sees only its own rows',
  )
  t.equal(
    (await asApp(a, (tx) => tx`select * from events where tenant_id = ${b}`)).length,
    0,
    'even when asking for B by name',
  )
  const updated = await asApp(a, (tx) => tx`update events set type = 'hijacked' where tenant_id = ${b} returning id`)
  t.equal(updated.length, 0, 'cannot change B’s rows')
  await t.rejects(
    asApp(
      a,
      (tx) =>
        tx`insert into events (tenant_id, id, type, resource_type, resource_id, resource_version, data) values (${b}, ${newId('event')}, 'x', 'x', 'x', 1, '{}')`,
    ),
    /row-level security/,
    'cannot write rows into B',
  )
  await t.rejects(
    asApp(a, (tx) => tx`select * from signing_keys`),
    /permission denied/,
    'no access to signing keys',
  )
  await t.rejects(
    asApp(a, (tx) => tx`select * from api_clients`),
    /permission denied/,
    'no access to client secrets',
  )

  // The setting is transaction-local: the pooled connection does not carry it onward.
  const [after] = await sql`select current_setting('app.tenant_id', true) as tenant, current_user as role`
  t.same(after, { tenant: '', role: 'postgres' })
})
