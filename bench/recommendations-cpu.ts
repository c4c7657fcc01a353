/**
 * CPU per cold recommendation, in-process: calls recommendForAnchor (cache off) in a loop on
 * the selection bench's seed (run `npm run bench:recommendations` once to create it) over one
 * pooled connection, and prints this process's CPU and the PostgreSQL backend's (from /proc)
 * per call. Less sensitive to other processes than the HTTP bench, though not immune.
 *
 *   tsx bench/recommendations-cpu.ts [calls=1000]    nothing cached, then with the candidate lists held
 *   tsx bench/recommendations-cpu.ts --dump FILE   every anchor's answers (4 queries each),
 *                                                  to compare rankings before and after a change
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pino from 'pino'
import { connectDatabase } from '../src/db/client.js'
import type { Ctx } from '../src/lib/context.js'
import { configureCandidateCache, configureRecommendationCache } from '../src/modules/selection/cache.js'
import { recommendForAnchor } from '../src/modules/selection/service.js'
import { cpuMsOf } from './lib/cpu.js'
import { benchDatabaseUrl } from './lib/database.js'
import type { SeedResult } from './seed-catalog.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const seed = JSON.parse(
  fs.readFileSync(path.resolve(here, '../.showrunner/bench-selection-seed.json'), 'utf8'),
) as SeedResult
const handle = connectDatabase(benchDatabaseUrl('showrunner_bench_selection'), { max: 1 })
configureRecommendationCache(handle.db, { enabled: false })
configureCandidateCache(handle.db, { enabled: process.env.BENCH_CANDIDATE_LISTS !== 'off' })
// Reads need the tenant, the pool and a logger; no queue is touched.
const ctx = {
  tenantId: seed.tenantId,
  actor: {
    clientId: seed.clientId,
    organizationId: seed.tenantId,
    organizationKind: 'mcn',
    scopes: ['selection:read'],
  },
  requestId: 'bench',
  log: pino({ level: 'silent' }),
  db: handle.db,
} as unknown as Ctx
const [{ pid }] = (await handle.sql`select pg_backend_pid() as pid`) as unknown as [{ pid: number }]
const anchors = (await handle.sql`select id from anchors where tenant_id = ${seed.tenantId} order by id`).map(
  (r) => r.id as string,
)
/** The backend's user + system CPU in ms. */
const backendCpu = () => cpuMsOf([pid])

if (process.argv[2] === '--dump') {
  const out: unknown[] = []
  for (const a of anchors)
    for (const q of [{ limit: 20 }, { limit: 50 }, { limit: 5, category: 'food' }, { limit: 20, category: 'beauty' }])
      out.push({ ...(await recommendForAnchor(ctx, a, q)), generated_at: undefined })
  fs.writeFileSync(process.argv[3]!, JSON.stringify(out, null, 1))
  console.log(`wrote ${out.length} answers to ${process.argv[3]}`)
} else {
  const n = Number(process.argv[2] ?? 1000)
  // Nothing cached (RECOMMENDATION_CACHE=off), then with the candidate lists held
  // (RECOMMENDATION_CACHE=candidates): every call still ranks.
  for (const lists of [false, true]) {
    configureCandidateCache(handle.db, { enabled: lists })
    // Warm-up: JIT, postgres.js' prepared statements and, with lists, every anchor's lists.
    for (let i = 0; i < 100; i++) await recommendForAnchor(ctx, anchors[i % anchors.length]!, { limit: 20 })
    const cpu = process.cpuUsage()
    const db0 = backendCpu()
    const t0 = performance.now()
    for (let i = 0; i < n; i++) await recommendForAnchor(ctx, anchors[i % anchors.length]!, { limit: 20 })
    const wall = performance.now() - t0
    const used = process.cpuUsage(cpu)
    const db = backendCpu() - db0
    console.log(
      `per recommendation, ${lists ? 'candidate lists held' : 'nothing cached'}: node ${((used.user + used.system) / n / 1000).toFixed(2)} ms, postgres ${(db / n).toFixed(2)} ms, wall ${(wall / n).toFixed(2)} ms (${n} calls, load average ${(await import('node:os')).loadavg()[0]!.toFixed(2)})`,
    )
  }
}
await handle.close()
