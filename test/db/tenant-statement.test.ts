import t from 'tap'
import { connectDatabase } from '../../src/db/client.js'
import type { Ctx } from '../../src/lib/context.js'
import { inTenant, inTenantStatement, sqlLiteral, tenantStatement } from '../../src/db/tenancy.js'
import { tenantReadFixture } from './tenant-read-fixture.js'

/**
 * A fixed statement read as the tenant in one message (`inTenantStatement`) keeps the wall of
 * `inTenant`: it runs as the RLS-bound app role with the tenant set, transaction-locally, its
 * values are never SQL, and the pooled connection (one, so every statement below shares it)
 * carries nothing onward, whether the statement was prepared on it already or not.
 */
t.test('inTenantStatement', async (t) => {
  const a = 'org_statementa'
  const b = 'org_statementb'
  const { url, sql, ctxFor, pooled, clean, probeTable } = await tenantReadFixture(t, [a, b])
  const who = tenantStatement(
    `select current_user as role, current_setting('app.tenant_id') as tenant, $1::text as value`,
  )
  const events = tenantStatement('select tenant_id, type from events where tenant_id = $1')
  const every = tenantStatement('select tenant_id from events order by tenant_id')

  t.test('acts as the app role with the tenant set, the first time and every time after', async (t) => {
    for (let i = 0; i < 3; i++) {
      const rows = await inTenantStatement(ctxFor(a), who, ['x'])
      t.same(rows, [{ role: 'showrunner_app', tenant: a, value: 'x' }])
      t.same(await pooled(), clean)
    }
    const [prepared] = await sql`select count(*)::int as n from pg_prepared_statements where name = ${who.name}`
    t.equal(prepared?.n, 1, 'prepared once on the connection')
  })

  t.test('tenant A sees none of B’s rows', async (t) => {
    t.same(
      (await inTenantStatement(ctxFor(a), every, [])).map((r) => r.tenant_id),
      [a],
    )
    t.same(await inTenantStatement(ctxFor(a), events, [b]), [])
    t.same(await inTenantStatement(ctxFor(''), every, []), [], 'no tenant, no rows')
  })

  t.test('values and tenant ids are literals, never SQL', async (t) => {
    const odd = [
      `${a}' or true or '`,
      `${a}'); select set_config('app.tenant_id', '${b}', true); --`,
      `${a}\\'; commit; select * from events; --`,
      `\\\\' or '1'='1`,
      "E'x'",
      '$$ or true $$',
      'ünïcødé — 直播带货',
    ]
    for (const value of odd) {
      t.same(
        await inTenantStatement(ctxFor(value), who, [value]),
        [{ role: 'showrunner_app', tenant: value, value }],
        value,
      )
      t.same(await inTenantStatement(ctxFor(a), events, [value]), [], value)
    }
    t.same(await pooled(), clean)
    t.throws(() => sqlLiteral('a\0b'), TypeError, 'a NUL is refused, not sent')
    t.throws(() => sqlLiteral(Number.NaN), TypeError)
    t.same([sqlLiteral(null), sqlLiteral(true), sqlLiteral(-2.5)], ['null', 'true', '-2.5'])
  })

  t.test('the read cannot write', async (t) => {
    const [flags] = await inTenantStatement(
      ctxFor(a),
      tenantStatement(`select current_setting('transaction_read_only') as read_only`),
      [],
    )
    t.equal(flags?.read_only, 'on')
    const write = tenantStatement(`update events set type = 'changed' where tenant_id = $1 returning id`)
    await t.rejects(inTenantStatement(ctxFor(a), write, [a]), /read-only transaction/)
    const [row] = await sql`select type from events where tenant_id = ${a}`
    t.equal(row?.type, 'test.happened')
    t.same(await pooled(), clean)
  })

  t.test('an error fails the read and leaves no transaction open', async (t) => {
    await t.rejects(inTenantStatement(ctxFor(a), tenantStatement('select * from no_such_table'), []), /no_such_table/)
    await t.rejects(
      inTenantStatement(ctxFor(a), tenantStatement('select * from api_clients'), []),
      /permission denied/,
      'the control plane stays out of reach',
    )
    await t.rejects(inTenantStatement(ctxFor(a), who, [1, 2]), /wrong number of parameters/)
    t.same(await pooled(), clean, 'the connection is usable, outside any transaction, as itself')
    t.same(await inTenantStatement(ctxFor(b), events, [b]), [{ tenant_id: b, type: 'test.happened' }])
  })

  t.test('a statement the session lost, or whose columns changed, is prepared again', async (t) => {
    await probeTable('statement_probe')
    const probe = tenantStatement('select * from statement_probe')
    t.same(await inTenantStatement(ctxFor(a), probe, []), [{ tenant_id: a, v: 1 }])
    await sql`alter table statement_probe add column w int`
    t.same(
      await inTenantStatement(ctxFor(a), probe, []),
      [{ tenant_id: a, v: 1, w: null }],
      'the new column, still only A’s rows',
    )
    await sql`deallocate all`
    t.same(await inTenantStatement(ctxFor(b), probe, []), [{ tenant_id: b, v: 2, w: null }])
    t.same(await pooled(), clean)
  })

  t.test('a plan prepared for one tenant answers only for the next one', async (t) => {
    // The plan is the session's, kept across tenants: RLS must apply per execution, not per plan.
    for (const tenant of [a, b, a, b, a, b, a, b])
      t.same(
        (await inTenantStatement(ctxFor(tenant), every, [])).map((r) => r.tenant_id),
        [tenant],
        tenant,
      )
  })

  t.test('reads that share connections (pipelined on a busy pool) each answer for their own tenant', async (t) => {
    const shared = connectDatabase(url, { max: 3 })
    t.teardown(() => shared.close())
    const on = (tenantId: string) => ({ tenantId, db: shared.db }) as unknown as Ctx
    // Plain statements of the pool's own role go between the reads, on the same connections.
    const tenants = Array.from({ length: 300 }, (_, i) => (i % 3 === 2 ? null : i % 3 === 0 ? a : b))
    const burst = () =>
      Promise.all(
        tenants.map(async (tenant) => {
          if (tenant === null) {
            const [row] =
              await shared.sql`select current_setting('app.tenant_id', true) as tenant, current_user as role`
            // Never set on this connection (null) or back to nothing after a read (empty).
            return `${row?.role}:${row?.tenant ?? ''}`
          }
          const rows = await inTenantStatement(on(tenant), every, [])
          return rows.map((r) => r.tenant_id).join(',')
        }),
      )
    const expected = tenants.map((tenant) => tenant ?? 'postgres:')
    // On new connections every first message fails (26000) and is read again on a reserved one.
    t.same(await burst(), expected, 'new connections: every read saw its tenant’s row only')
    // Then with the statement on all three, so every read takes the pipelined path and runs
    // between the plain statements: anything it set that outlived its message would show.
    const held = await Promise.all(tenants.slice(0, 3).map(() => shared.sql.reserve()))
    for (const connection of held) await connection.unsafe(`deallocate all; prepare ${every.name} as ${every.text}`)
    for (const connection of held) connection.release()
    t.same(await burst(), expected, 'every read saw its tenant’s row only, and nothing it set outlived its message')
  })

  t.test('inside a tenant transaction it joins it', async (t) => {
    const rows = await inTenant(ctxFor(b), (ctx) =>
      inTenantStatement(ctx, tenantStatement('select tenant_id, txid_current() > 0 as writing from events'), []),
    )
    t.same(rows, [{ tenant_id: b, writing: true }])
    t.same(await pooled(), clean)
  })
})
