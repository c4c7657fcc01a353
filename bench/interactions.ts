/**
 * The interaction ingest bench (`npm run bench:interactions`). In one run on one database:
 *
 * 1. Baseline: raw PostgreSQL COPY (postgres.js `copy … from stdin`) of the same rows into a table
 *    shaped like the inbox (`like interaction_inbox including all`), one COPY per 1,000 rows.
 * 2. The API: the same number of events POSTed as batches of 1,000 to
 *    `/v1/sessions/{id}/interactions/batch` over HTTP (`--concurrency` requests in flight), each
 *    answered 202 only once durably written; events/s from the first send to the last answer.
 * 3. Lag: from each batch's 202 to its move into interaction_events and the live counters (the
 *    move's transaction time, `moved_at`), p50/p99.
 *
 * As in production the API (`bench/app-server.ts`) and the workers (`bench/webhook-worker.ts` in
 * app mode: what `showrunner worker` runs) are separate processes, both children of this one,
 * which only sends the prepared bodies. On Linux it also prints the CPU each party used per event
 * (from /proc), which holds up better than events/s when other processes share the machine;
 * `BENCH_CPU_PROF=<dir>` writes a V8 CPU profile of each child (bench/profile-summary.ts).
 *
 * Prints events/s of both, the ratio (goal ≥ 25 % of COPY, floor 20,000 events/s) and the load average.
 */
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import type { Writable } from 'node:stream'
import postgres from 'postgres'
import { noDelaySocketOption } from '../src/db/client.js'
import { createMigratedDatabase } from '../test/support/database.js'
import { TEST_DATABASE_URL } from '../test/support/env.js'
import { cpuSnapshot, type CpuSnapshot } from './lib/cpu.js'
import { backendPids, connectOwner } from './lib/database.js'
import { onInterrupt, startAppChild, startChildWith, stopAllChildren } from './lib/server.js'
import { fetchToken, seedTenant } from './lib/tenants.js'

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const EVENTS = arg('events', 200_000)
const BATCH = 1000
const CONCURRENCY = arg('concurrency', 8)
/** Batches sent before the clock starts, so pools, prepared statements and the JIT are warm. */
const WARMUP = arg('warmup', 8)
const TYPES = ['comment', 'like', 'like', 'like', 'join', 'gift', 'share', 'follow'] as const
const FLOOR = 20_000

function makeEvent(b: number, i: number, at: string) {
  const type = TYPES[i % TYPES.length]!
  const base = {
    event_id: `b${b}-${i}`,
    type,
    occurred_at: at,
    viewer: { platform: 'douyin', ref: `v${(b * 7 + i) % 5000}` },
  }
  if (type === 'comment') return { ...base, text: `第${i}条评论 nice` }
  if (type === 'gift') return { ...base, gift: { name: '小心心', value: { amount: 100, currency: 'CNY' } } }
  return base
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0
}
const HZ = 100
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms))

const database = await createMigratedDatabase(TEST_DATABASE_URL)
const env = { QUEUE_PREFIX: `bench_${randomBytes(4).toString('hex')}` }
const sql = postgres(database.url, { ...noDelaySocketOption(database.url), max: 2, onnotice: () => {} })
const owner = connectOwner(database.url, 2)
const cleanup = async () => {
  await stopAllChildren()
  await sql.end({ timeout: 2 })
  await owner.close()
  await database.drop().catch(() => {})
}
onInterrupt(cleanup)
try {
  const api = await startAppChild({ databaseUrl: database.url, env })
  const worker = await startChildWith('webhook-worker.ts', { mode: 'app', databaseUrl: database.url, env })
  const creds = await seedTenant(owner.db, { kind: 'mcn' })
  const token = await fetchToken(api.url, creds)
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' }
  const post = (path: string, body: unknown) =>
    fetch(`${api.url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) })
  const host = (await (await post('/v1/anchors', { name: 'bench host' })).json()) as { id: string }
  const session = (await (
    await post('/v1/sessions', {
      title: 'bench',
      platform: 'douyin',
      planned_start: '2030-01-01T10:00:00Z',
      planned_end: '2030-01-01T12:00:00Z',
      host_anchor_id: host.id,
    })
  ).json()) as { id: string }

  const batches = Math.ceil(EVENTS / BATCH)
  const at = new Date().toISOString()
  const bodyOf = (b: number) => JSON.stringify({ events: Array.from({ length: BATCH }, (_, i) => makeEvent(b, i, at)) })
  // Warm-up batches have their own numbers (negative), so no measured event is a duplicate.
  const warmBodies = Array.from({ length: WARMUP }, (_, b) => bodyOf(-1 - b))
  const bodies = Array.from({ length: batches }, (_, b) => bodyOf(b))

  // Baseline: COPY of the same rows (as the inbox holds them) into a same-shaped table, one COPY
  // (its own transaction) per batch. The rows are built before the clock starts, as the API's
  // bodies are, and the client sets TCP_NODELAY like the app's pool and libpq: with Nagle on,
  // each COPY waits ~40 ms for a delayed ACK and the baseline would measure that, not PostgreSQL.
  await sql.unsafe('create table bench_copy (like interaction_inbox including all)')
  const buyer = 'buy_bench'
  const copyChunks = Array.from({ length: batches }, (_, b) => {
    const lines: string[] = []
    for (let i = 0; i < BATCH; i++) {
      const e = makeEvent(b, i, at)
      const { event_id, type, occurred_at, viewer: _v, ...data } = e
      lines.push(
        [
          creds.organizationId,
          `iev_${b}_${i}`,
          session.id,
          `ibt_${b}`,
          event_id,
          type,
          occurred_at,
          buyer,
          JSON.stringify(data).replaceAll('\\', '\\\\'),
          at,
        ].join('\t'),
      )
    }
    return `${lines.join('\n')}\n`
  })
  const copyStart = performance.now()
  for (const chunk of copyChunks) {
    const query = sql`copy bench_copy (tenant_id, id, session_id, batch_id, event_id, type, occurred_at, buyer_id, data, received_at) from stdin`
    const stream = (await query.writable()) as Writable
    await new Promise<void>((resolve, reject) =>
      stream.end(chunk, (err?: Error | null) => (err ? reject(err) : resolve())),
    )
    await query
  }
  const copySeconds = (performance.now() - copyStart) / 1000
  const copyRate = (batches * BATCH) / copySeconds

  const acceptedAt = new Map<string, number>()
  let accepted = 0
  const send = async (list: string[]) => {
    let next = 0
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < list.length) {
          const b = next++
          const res = await fetch(`${api.url}/v1/sessions/${session.id}/interactions/batch`, {
            method: 'POST',
            headers,
            body: list[b],
          })
          const body = (await res.json()) as { batch_id: string; accepted: number }
          if (res.status !== 202) throw new Error(`batch ${b}: ${res.status} ${JSON.stringify(body)}`)
          acceptedAt.set(body.batch_id, performance.timeOrigin + performance.now())
          accepted += body.accepted
        }
      }),
    )
  }
  const countedNow = async () =>
    (await sql`select interactions::int as n from session_live_stats where id = ${session.id}`)[0]?.n ?? 0
  const waitCounted = async (n: number, ms: number) => {
    const deadline = Date.now() + ms
    while ((await countedNow()) < n && Date.now() < deadline) await delay(50)
  }

  await send(warmBodies)
  await waitCounted(accepted, 30_000)
  const warmed = new Set(acceptedAt.keys())
  const warmAccepted = accepted
  accepted = 0

  // The API, with the CPU every party used while it ran.
  const pgPids = await backendPids(database.name)
  const cpuBefore = await cpuSnapshot(api.pid, pgPids)
  const apiStart = performance.now()
  await send(bodies)
  const apiSeconds = (performance.now() - apiStart) / 1000
  const cpuAfter = await cpuSnapshot(api.pid, pgPids)
  const apiRate = accepted / apiSeconds
  const load = os.loadavg()

  // Lag: wait until every batch is counted, then read when each was moved.
  await waitCounted(warmAccepted + accepted, 60_000)
  const moved = await sql`select id as batch_id, extract(epoch from moved_at) * 1000 as at
    from interaction_batches where session_id = ${session.id}`
  const lags = moved.flatMap((m) => {
    const a = acceptedAt.get(m.batch_id as string)
    return a === undefined || warmed.has(m.batch_id as string) || m.at === null ? [] : [Math.max(0, Number(m.at) - a)]
  })
  const counted = (await countedNow()) - warmAccepted

  const ratio = apiRate / copyRate
  console.log(`interaction ingest bench — ${accepted} events in batches of ${BATCH}, ${CONCURRENCY} requests in flight`)
  console.log(
    `  COPY baseline        ${Math.round(copyRate).toLocaleString('en')} rows/s (${copySeconds.toFixed(2)} s)`,
  )
  console.log(
    `  API, accepted+durable ${Math.round(apiRate).toLocaleString('en')} events/s (${apiSeconds.toFixed(2)} s)`,
  )
  console.log(
    `  ratio                ${(ratio * 100).toFixed(1)} % of COPY (goal ≥ 25 %); floor ${FLOOR.toLocaleString('en')} events/s ${apiRate >= FLOOR ? 'met' : 'NOT met'}`,
  )
  console.log(
    `  lag accept → counted p50 ${Math.round(quantile(lags, 0.5))} ms, p99 ${Math.round(quantile(lags, 0.99))} ms, max ${Math.round(Math.max(...lags))} ms over ${lags.length} batches (goal p99 < 2 s)`,
  )
  if (cpuBefore && cpuAfter) console.log(`  ${cpuLine(cpuBefore, cpuAfter, worker.pid, accepted)}`)
  console.log(
    `  counted ${counted} of ${accepted}; load average ${load.map((l) => l.toFixed(2)).join(' ')}; ${os.cpus().length} cpus`,
  )
  if (counted !== accepted) process.exitCode = 1
} finally {
  await cleanup()
}

/** CPU per accepted event while the API ran, by party, and what the rest of the machine used. */
function cpuLine(a: CpuSnapshot, b: CpuSnapshot, workerPid: number, events: number): string {
  const seconds = (b.at - a.at) / 1000
  const us = (ticks: number) => Math.round(((ticks / HZ) * 1e6) / events)
  const workerTicks = (b.others.get(workerPid)?.ticks ?? 0) - (a.others.get(workerPid)?.ticks ?? 0)
  let otherTicks = 0
  for (const [pid, p] of b.others) if (pid !== workerPid) otherTicks += p.ticks - (a.others.get(pid)?.ticks ?? 0)
  return (
    `CPU µs/event: API ${us(b.server - a.server)}, worker ${us(workerTicks)}, PostgreSQL + Redis ${us(b.database - a.database)}, ` +
    `this load generator ${us(b.self - a.self)}; other processes used ${Math.round((otherTicks / HZ / seconds) * 100)} % of a CPU`
  )
}
