import t from 'tap'
import { inTenant, inTenantReads } from '../../src/db/tenancy.js'
import { tenantReadFixture } from './tenant-read-fixture.js'

/**
 * Several statements read as the tenant in few round trips (`inTenantReads`) keep the wall of
 * `inTenant`: statements sent together with the begin and the role, and those sent after,
 * run as the RLS-bound app role with the tenant set, transaction-locally; the transaction
 * cannot write; an error rolls it back; the pooled connection (one, so every statement below
 * shares it) carries nothing onward.
 */
t.test('inTenantReads', async (t) => {
  const a = 'org_readsa'
  const b = 'org_readsb'
  const { sql, ctxFor, pooled, clean, probeTable } = await tenantReadFixture(t, [a, b])

  t.test('statements sent with the begin and after it act as the app role for the tenant', async (t) => {
    const [first, second, later] = await inTenantReads(ctxFor(a), async (db) => {
      const [x, y] = await Promise.all([
        db`select current_user as role, current_setting('app.tenant_id') as tenant`,
        db`select tenant_id from events`,
      ])
      return [x, y, await db`select current_user as role, txid_current_if_assigned() is null as reading`]
    })
    t.same(first, [{ role: 'showrunner_app', tenant: a }])
    t.same(
      second.map((r) => r.tenant_id),
      [a],
    )
    t.same(later, [{ role: 'showrunner_app', reading: true }])
    t.same(await pooled(), clean)
  })

  t.test('tenant A sees none of B’s rows, even asked by id', async (t) => {
    const rows = await inTenantReads(ctxFor(a), async (db) => db`select * from events where tenant_id = ${b}`)
    t.equal(rows.length, 0)
  })

  t.test('an error rolls back and leaves the connection clean', async (t) => {
    await t.rejects(
      inTenantReads(ctxFor(a), async (db) => {
        await db`select 1`
        return db`select * from api_clients`
      }),
      /permission denied/,
      'the control plane stays out of reach',
    )
    await t.rejects(
      inTenantReads(ctxFor(a), async () => {
        throw new Error('the caller gave up')
      }),
      /gave up/,
    )
    t.same(await pooled(), clean)
    t.equal((await inTenantReads(ctxFor(b), async (db) => db`select tenant_id from events`))[0]?.tenant_id, b)
  })

  t.test('the reads cannot write', async (t) => {
    await t.rejects(
      inTenantReads(
        ctxFor(a),
        async (db) => db`update events set type = 'changed' where tenant_id = ${a} returning id`,
      ),
      /read-only transaction/,
    )
    const [row] = await sql`select type from events where tenant_id = ${a}`
    t.equal(row?.type, 'test.happened')
    t.same(await pooled(), clean)
  })

  t.test('a statement re-sent after a stale plan never returns rows read outside the tenant', async (t) => {
    await probeTable('reads_probe')
    const probe = () =>
      inTenantReads(ctxFor(a), async (db) => {
        const [rows] = await Promise.all([db`select * from reads_probe`, db`select 1`])
        return rows
      })
    t.same(
      (await probe()).map((r) => r.tenant_id),
      [a],
    )
    await sql`alter table reads_probe add column w int`
    // Either refused or read as the tenant; never B's row.
    const after = await probe().then(
      (rows) => rows.map((r) => r.tenant_id),
      () => 'refused',
    )
    t.notOk(JSON.stringify(after).includes(b), `got ${JSON.stringify(after)}`)
    t.same(
      (await probe()).map((r) => r.tenant_id),
      [a],
      'the next read is planned afresh',
    )
    t.same(await pooled(), clean)
  })

  t.test('a last statement goes out with the commit; a re-sent one is refused', async (t) => {
    const [rows] = await inTenantReads(ctxFor(a), async (db, last) => {
      const [who] = await db`select current_user as role`
      return [await last(db`select tenant_id, current_user as role from events`), who]
    })
    t.same(rows, [{ tenant_id: a, role: 'showrunner_app' }])
    t.same(await pooled(), clean)

    // As in inTenantRead: the re-sent statement runs after the commit already sent, outside
    // the transaction, as the pool's role, which RLS does not bind.
    await sql`create table last_probe (tenant_id text not null, v int)`
    await sql`alter table last_probe enable row level security`
    await sql`create policy last_probe_tenant on last_probe to showrunner_app using (tenant_id = current_setting('app.tenant_id', true))`
    await sql`grant select on last_probe to showrunner_app`
    await sql`insert into last_probe values (${a}, 1), (${b}, 2)`
    const probe = () => inTenantReads(ctxFor(a), async (db, last) => last(db`select * from last_probe`))
    t.same(
      (await probe()).map((r) => r.tenant_id),
      [a],
    )
    await sql`alter table last_probe add column w int`
    await t.rejects(probe(), { name: 'TenantReadAborted' }, 'the rows read as the owner are never returned')
    t.same(
      (await probe()).map((r) => r.tenant_id),
      [a],
      'the next read is planned afresh',
    )
    t.same(await pooled(), clean)
    await t.rejects(
      inTenantReads(ctxFor(a), async (db, last) => {
        await last(db`select 1`)
        return last(db`select 2`)
      }),
      /already been sent/,
    )
    t.same(await pooled(), clean)
  })

  t.test('inside a tenant transaction it joins it', async (t) => {
    const rows = await inTenant(ctxFor(b), (ctx) => inTenantReads(ctx, async (db) => db`select tenant_id from events`))
    t.same(
      rows.map((r) => r.tenant_id),
      [b],
    )
    t.same(await pooled(), clean)
  })
})
