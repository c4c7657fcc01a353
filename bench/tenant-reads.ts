/**
 * What one read by id costs in Node and in PostgreSQL, by the shape it is sent in, beside the
 * bare prepared SELECT with no tenant (the floor): the same statement through `inTenantRead`
 * (begin read only, set_config, the statement, commit: four statements in one write) and through
 * `inTenantStatement` (the five commands in one simple-protocol message, the statement prepared
 * on the connection). No HTTP: only the database access of a read, on one pool.
 *
 *   npx tsx bench/tenant-reads.ts [--reads 20000] [--rounds 4] [--in-flight 8] [--pool 4]
 *
 * The shapes run in turns, `rounds` times, and each figure is the median of its rounds: this
 * process's CPU (user + system) and the pool's PostgreSQL backends' (from /proc) per read.
 */
import '../src/modules/index.js'
import { connectDatabase } from '../src/db/client.js'
import { inTenantRead, inTenantStatement, tenantStatement } from '../src/db/tenancy.js'
import type { Ctx } from '../src/lib/context.js'
import { cpuMsOf } from './lib/cpu.js'
import { backendPids, connectOwner, createBenchDatabase } from './lib/database.js'
import { median } from './lib/load.js'
import { benchOptions } from './lib/options.js'
import { seedEvents, seedTenant } from './lib/tenants.js'

const opts = benchOptions(
  { duration: 0, warmup: 0, connections: 0 },
  { reads: { default: '20000' }, rounds: { default: '4' }, 'in-flight': { default: '8' }, pool: { default: '4' } },
)
const reads = Number(opts.flags.reads)
const rounds = Number(opts.flags.rounds)
const inFlight = Number(opts.flags['in-flight'])
const poolMax = Number(opts.flags.pool)
for (const [name, n] of Object.entries({ reads, rounds, 'in-flight': inFlight, pool: poolMax }))
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`)

const database = await createBenchDatabase('showrunner_tenant_reads')
const pool = connectDatabase(database.url, { max: poolMax })
try {
  const owner = connectOwner(database.url)
  const tenant = await seedTenant(owner.db, { kind: 'mcn', name: 'Bench MCN' })
  const ids = await seedEvents(owner.db, tenant.organizationId, 2000)
  await owner.sql`analyze events`
  await owner.close()

  const text = 'select * from events where tenant_id = $1 and id = $2'
  const statement = tenantStatement(text)
  const ctx = { tenantId: tenant.organizationId, db: pool.db } as unknown as Ctx
  const shapes: Record<string, (id: string) => Promise<unknown>> = {
    'bare SELECT (no tenant, owner role)': (id) => pool.sql.unsafe(text, [ctx.tenantId, id], { prepare: true }),
    inTenantRead: (id) => inTenantRead(ctx, (sql) => sql.unsafe(text, [ctx.tenantId, id], { prepare: true })),
    inTenantStatement: (id) => inTenantStatement(ctx, statement, [ctx.tenantId, id]),
  }

  const backendMs = async () => cpuMsOf(await backendPids(database.name))
  const run = async (read: (id: string) => Promise<unknown>, n: number) => {
    let next = 0
    const cpu = process.cpuUsage()
    const db = await backendMs()
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < n) await read(ids[next++ % ids.length]!)
      }),
    )
    const used = process.cpuUsage(cpu)
    return { node: (used.user + used.system) / n, pg: (((await backendMs()) - db) * 1000) / n }
  }

  // Warm-up: JIT, and every connection's prepared statements.
  for (const read of Object.values(shapes)) await run(read, 3000)
  const figures = new Map<string, { node: number[]; pg: number[] }>()
  for (let round = 0; round < rounds; round++)
    for (const [name, read] of Object.entries(shapes)) {
      const f = await run(read, reads)
      const seen = figures.get(name) ?? { node: [], pg: [] }
      seen.node.push(f.node)
      seen.pg.push(f.pg)
      figures.set(name, seen)
    }
  const [floor] = [...figures.values()].map((f) => median(f.node) + median(f.pg))
  console.log(
    `\ntenant reads by id — ${new Date().toISOString()}, node ${process.version}: ${reads} reads × ${rounds} rounds, ${inFlight} in flight, pool ${poolMax}\n`,
  )
  console.log(`${'shape'.padEnd(36)} ${'node µs'.padStart(8)} ${'pg µs'.padStart(8)} ${'total'.padStart(8)}  × bare`)
  for (const [name, f] of figures) {
    const node = median(f.node)
    const pg = median(f.pg)
    console.log(
      `${name.padEnd(36)} ${node.toFixed(1).padStart(8)} ${pg.toFixed(1).padStart(8)} ${(node + pg).toFixed(1).padStart(8)}  ${((node + pg) / floor!).toFixed(2)}`,
    )
  }
} finally {
  await pool.close()
  await database.drop()
}
