import t from 'tap'
import postgres from 'postgres'
import { createTestDatabase } from '../../helper.js'

/** Standards are the platform's: every tenant reads them, the app role writes none of them. */
t.test('the app role reads anchor standards and cannot write them', async (t) => {
  const url = await createTestDatabase(t)
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  t.teardown(() => sql.end())
  await sql`insert into organizations (id, kind, name) values ('org_platform', 'platform', 'Platform')`
  await sql`insert into anchor_standards (id, version, title, rules, severity_weights, strike_window_days, suspension_threshold, published_by)
    values ('astd_1', 1, 'v1', '[]', '{"minor":1,"major":3,"critical":6}', 90, 6, 'org_platform')`
  const asApp = <T>(fn: (tx: postgres.TransactionSql) => Promise<T>) =>
    sql.begin(async (tx) => {
      await tx`select set_config('role', 'showrunner_app', true), set_config('app.tenant_id', 'org_mcn', true)`
      return fn(tx)
    }) as Promise<T>

  t.same(
    (await asApp((tx) => tx`select id from anchor_standards`)).map((r) => r.id),
    ['astd_1'],
    'any tenant reads them',
  )
  const writes: [string, (tx: postgres.TransactionSql) => Promise<unknown>][] = [
    [
      'insert',
      (tx) =>
        tx`insert into anchor_standards (id, version, title, rules, severity_weights, strike_window_days, suspension_threshold, published_by)
          values ('astd_2', 2, 'forged', '[]', '{}', 1, 1, 'org_platform')`,
    ],
    ['update', (tx) => tx`update anchor_standards set suspension_threshold = 1000`],
    ['delete', (tx) => tx`delete from anchor_standards`],
  ]
  for (const [what, write] of writes) await t.rejects(asApp(write), /permission denied/, `no ${what}`)
  t.same(
    await sql`select version, suspension_threshold from anchor_standards`,
    [{ version: 1, suspension_threshold: 6 }],
    'unchanged',
  )
})
