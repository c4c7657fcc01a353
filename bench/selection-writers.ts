/**
 * Selection writers of one tenant: 8 concurrent clients each changing their own product's
 * stock (`PATCH /v1/products/{id}`, through the whole stack: auth, the tenant transaction,
 * the product update, selection's hook re-indexing the product and logging the change, the
 * outbox event and the audit row), measured twice in one run:
 *
 *   before  the old scheme on top: in the same hook, every write also raises one counter
 *           row per tenant (`insert … on conflict do update set version = version + 1`, as
 *           selection_state did), which it holds locked until its commit, so the tenant's
 *           writers queue behind each other;
 *   after   the change log alone (src/modules/selection/state.ts): writers only insert.
 *
 * The old lock is taken by a bench-only subscriber to `productsChanged`, which runs after
 * selection's own (so it is held for a little less of the transaction than the old code
 * held it: the figure for "before" is, if anything, flattering).
 *
 *   tsx bench/selection-writers.ts [--writers 8] [--duration 10] [--warmup 2] [--products 5000]
 *
 * Uses BENCH_DATABASE_URL (database showrunner_bench_writers, recreated) and BENCH_REDIS_URL.
 */
import os from 'node:os'
import { parseArgs } from 'node:util'
import { sql } from 'drizzle-orm'
import postgres from 'postgres'
import { subscribe } from '../src/lib/hooks.js'
import { productsChanged } from '../src/modules/catalog/index.js'
import { benchDatabaseUrl, createBenchDatabase } from './lib/database.js'
import { startShowrunner } from './lib/server.js'
import { fetchToken } from './lib/tenants.js'
import { seedCatalog } from './seed-catalog.js'

const DB_NAME = 'showrunner_bench_writers'

let oldScheme = false
subscribe(productsChanged, 'bench-old-selection-state', async (tx) => {
  if (!oldScheme) return
  await tx.tx.execute(sql`
    insert into bench_selection_state (tenant_id, id, version) values (${tx.tenantId}, 'selection', 1)
    on conflict (tenant_id, id) do update set version = bench_selection_state.version + 1, updated_at = now()`)
})

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d

async function main() {
  const { values } = parseArgs({
    options: {
      writers: { type: 'string', default: '8' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      products: { type: 'string', default: '5000' },
    },
  })
  const writers = Number(values.writers)
  const duration = Number(values.duration) * 1000
  const loadBefore = os.loadavg()

  const db = await createBenchDatabase(DB_NAME)
  const url = benchDatabaseUrl(DB_NAME)
  const seed = await seedCatalog(url, { products: Number(values.products), suppliers: 50, anchors: 5, salesRows: 2000 })
  const owner = postgres(url, { max: 1, onnotice: () => {} })
  await owner`create table bench_selection_state (tenant_id text not null, id text not null, version bigint not null,
    updated_at timestamptz not null default now(), primary key (tenant_id, id))`
  await owner`grant select, insert, update on bench_selection_state to showrunner_app`
  const productIds = (
    await owner<{ id: string }[]>`
      select id from products where tenant_id = ${seed.tenantId} and status = 'active' order by id limit ${writers}`
  ).map((r) => r.id)

  const running = await startShowrunner({ databaseUrl: url, env: { DB_POOL_MAX: String(writers + 4) } })
  try {
    const token = await fetchToken(running.url, seed)
    let stock = 1000
    const write = async (productId: string) => {
      const res = await running.app.inject({
        method: 'PATCH',
        url: `/v1/products/${productId}`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ stock: stock++ }),
      })
      if (res.statusCode !== 200) throw new Error(`product update answered ${res.statusCode}: ${res.body}`)
    }
    const phase = async (ms: number) => {
      const latencies: number[] = []
      const until = Date.now() + ms
      const started = Date.now()
      await Promise.all(
        productIds.map(async (id) => {
          while (Date.now() < until) {
            const t0 = performance.now()
            await write(id)
            latencies.push(performance.now() - t0)
          }
        }),
      )
      const seconds = (Date.now() - started) / 1000
      latencies.sort((a, b) => a - b)
      return {
        writes: latencies.length,
        writes_per_s: round(latencies.length / seconds),
        latency_ms: {
          p50: round(percentile(latencies, 50)),
          p95: round(percentile(latencies, 95)),
          p99: round(percentile(latencies, 99)),
        },
      }
    }

    await phase(Number(values.warmup) * 1000)
    oldScheme = true
    const before = await phase(duration)
    oldScheme = false
    const after = await phase(duration)
    const [{ n: logged }] = await owner<{ n: number }[]>`
      select count(*)::int as n from selection_changes where tenant_id = ${seed.tenantId}`

    const figures = {
      bench: 'selection-writers',
      date: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
      writers,
      products: seed.products,
      duration_s: duration / 1000,
      load_average_before: loadBefore.map((l) => round(l, 2)),
      before_single_row_lock: before,
      after_change_log: after,
      change_rows_left_in_log: logged,
      ratio_after_before: round(after.writes_per_s / before.writes_per_s, 2),
      load_average_after: os.loadavg().map((l) => round(l, 2)),
    }
    console.log(JSON.stringify(figures, null, 2))
    console.log(`${'scheme'.padEnd(26)} ${'writes/s'.padStart(9)} ${'p50'.padStart(7)} ${'p95'.padStart(7)}  (ms)`)
    for (const [name, m] of [
      ['before (tenant row lock)', before],
      ['after (change log)', after],
    ] as const)
      console.log(
        `${name.padEnd(26)} ${String(m.writes_per_s).padStart(9)} ${String(m.latency_ms.p50).padStart(7)} ${String(m.latency_ms.p95).padStart(7)}`,
      )
    console.log(`after / before: ${figures.ratio_after_before}`)
  } finally {
    await running.close()
    await owner.end()
    await db.drop()
  }
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
