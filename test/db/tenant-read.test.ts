import t from 'tap'
import { inTenant, inTenantRead } from '../../src/db/tenancy.js'
import { tenantReadFixture } from './tenant-read-fixture.js'

/**
 * The one-round-trip tenant read (`inTenantRead`) keeps the wall of `inTenant`: the
 * statement runs as the RLS-bound app role with the tenant set, transaction-locally, and
 * the pooled connection (one, so every statement below shares it) carries nothing onward.
 */
t.test('inTenantRead', async (t) => {
  const a = 'org_readera'
  const b = 'org_readerb'
  const { sql, ctxFor, pooled, clean, probeTable } = await tenantReadFixture(t, [a, b])

  t.test('acts as the app role with the tenant set', async (t) => {
    const [row] = await inTenantRead(
      ctxFor(a),
      (db) => db`select current_user as role, current_setting('app.tenant_id') as tenant`,
    )
    t.same(row, { role: 'showrunner_app', tenant: a })
  })

  t.test('no tenant: no rows', async (t) => {
    t.equal((await inTenantRead(ctxFor(''), (db) => db`select * from events`)).length, 0)
  })

  t.test('a tenant id is a parameter, never SQL', async (t) => {
    for (const odd of [
      `${a}' or true or '`,
      `${a}'); select set_config('app.tenant_id', '${b}', true); --`,
      'org-readera',
    ]) {
      const [row] = await inTenantRead(
        ctxFor(odd),
        (db) => db`select current_setting('app.tenant_id') as tenant, count(*)::int as n from events`,
      )
      t.same(row, { tenant: odd, n: 0 }, odd)
    }
    t.same(await pooled(), clean)
  })

  t.test('tenant A sees none of B’s rows', async (t) => {
    const seen = await inTenantRead(ctxFor(a), (db) => db`select tenant_id from events`)
    t.same(
      seen.map((r) => r.tenant_id),
      [a],
    )
    t.equal((await inTenantRead(ctxFor(a), (db) => db`select * from events where tenant_id = ${b}`)).length, 0)
  })

  t.test('the settings are transaction-local: the pooled connection carries no tenant after a read', async (t) => {
    await inTenantRead(ctxFor(a), (db) => db`select 1`)
    t.same(await pooled(), clean)
  })

  t.test('an error in the statement fails the read and leaves no transaction open', async (t) => {
    await t.rejects(
      inTenantRead(ctxFor(a), (db) => db`select * from no_such_table`),
      /no_such_table/,
    )
    await t.rejects(
      inTenantRead(ctxFor(a), (db) => db`select * from api_clients`),
      /permission denied/,
      'the control plane stays out of reach',
    )
    t.same(await pooled(), clean, 'the connection is usable, outside any transaction, as itself')
    t.equal((await inTenantRead(ctxFor(b), (db) => db`select tenant_id from events`))[0]?.tenant_id, b)
  })

  t.test('the read cannot write', async (t) => {
    await t.rejects(
      inTenantRead(ctxFor(a), (db) => db`update events set type = 'changed' where tenant_id = ${a} returning id`),
      /read-only transaction/,
    )
    const [row] = await sql`select type from events where tenant_id = ${a}`
    t.equal(row?.type, 'test.happened')
    t.same(await pooled(), clean)
  })

  t.test('a result from outside the transaction is refused', async (t) => {
    // A plan that goes stale (the table changed under a prepared statement) makes
    // postgres.js re-send the statement, which then runs after the commit already sent:
    // outside the transaction, as the pool's role, which RLS does not bind.
    await probeTable('read_probe')
    const probe = () => inTenantRead(ctxFor(a), (db) => db`select * from read_probe`)
    t.same(
      (await probe()).map((r) => r.tenant_id),
      [a],
    )
    await sql`alter table read_probe add column w int`
    await t.rejects(probe(), { name: 'TenantReadAborted' }, 'the rows read as the owner are never returned')
    t.same(
      (await probe()).map((r) => r.tenant_id),
      [a],
      'the next read is planned afresh',
    )
    t.same(await pooled(), clean)
  })

  t.test('inside a tenant transaction it joins it', async (t) => {
    const rows = await inTenant(ctxFor(b), (ctx) =>
      inTenantRead(ctx, (db) => db`select tenant_id, txid_current_if_assigned() is null as reading from events`),
    )
    t.same(
      rows.map((r) => r.tenant_id),
      [b],
    )
    t.same(await pooled(), clean)
  })
})
