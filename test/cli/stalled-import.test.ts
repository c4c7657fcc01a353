import t, { type Test } from 'tap'
import { Redis } from 'ioredis'
import postgres from 'postgres'
import { stalledJobRecovery } from '../../src/queues/index.js'
import { credentials, place, postmasterPid, running, serve, sleep, token, waitFor, type Place } from './run.js'

/*
 * A server killed with -9 while an import runs leaves the job active in BullMQ with a lock no
 * one renews. On restart the job must run again within the documented bound (src/queues:
 * lockDuration + stalledInterval = 15 s after the kill) and end with every row there once:
 * the import upserts on external_id, so its second run overwrites what the first one wrote.
 */
const ROWS = 4_000

async function scenario(t: Test, p: Place, backend: 'postgres' | 'redis') {
  const dev = serve(t, p)
  t.ok(await waitFor(dev), `dev is up: ${dev.output()}`)
  const auth = {
    authorization: `Bearer ${await token(dev, await credentials(p, 'catalog:read catalog:write jobs:read'))}`,
  }
  const supplier = await fetch(`${dev.url}/v1/suppliers`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Yunnan Tea Co', kind: 'brand', brand_tier: 'mature', status: 'admitted' }),
  }).then((r) => r.json() as Promise<{ id: string }>)
  t.match(supplier.id, /^sup_/)

  const header = 'external_id,supplier_id,title,category,list_price,currency,commission_rate,stock'
  const lines = Array.from({ length: ROWS }, (_, i) => `${backend}-${i},${supplier.id},Tea ${i},tea,3990,CNY,0.2,${i}`)
  const upload = await fetch(`${dev.url}/v1/products/imports`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'text/csv' },
    body: `${header}\n${lines.join('\n')}\n`,
  })
  t.equal(upload.status, 202, 'the import is accepted')
  const job = (await upload.json()) as { id: string }
  const readJob = () =>
    fetch(`${dev.url}/v1/jobs/${job.id}`, { headers: auth }).then(
      (r) => r.json() as Promise<{ state: string; progress: { processed: number }; result: unknown }>,
    )

  let seen = await readJob()
  const deadline = Date.now() + 60_000
  // Polled 4 times a second: the rate limit (600 a minute) must not answer instead of the job.
  while (seen.state && !(seen.state === 'running' && seen.progress.processed > 0) && Date.now() < deadline) {
    await sleep(250)
    seen = await readJob()
  }
  t.equal(
    seen.state,
    'running',
    `the import is running when the server is killed: ${JSON.stringify(seen).slice(0, 300)}`,
  )
  t.ok(seen.progress.processed < ROWS, `and half-way (${seen.progress.processed} of ${ROWS} rows)`)
  const pg = postmasterPid(p.pgdata)
  process.kill(dev.child.pid!, 'SIGKILL')
  const killedAt = Date.now()
  await dev.exited
  t.ok(pg && running(pg), 'the embedded PostgreSQL outlives the killed server (its own session)')

  // The job's row, read straight from the database (still up): frozen while no worker runs it.
  const sql = postgres(`postgres://postgres:postgres@127.0.0.1:${p.env.EMBEDDED_PG_PORT}/showrunner`, {
    max: 1,
    onnotice: () => {},
  })
  t.teardown(() => sql.end({ timeout: 1 }))
  const row = async () => {
    const [r] = await sql`select state, processed, updated_at::text as updated from jobs where id = ${job.id}`
    return r as { state: string; processed: number; updated: string }
  }
  const frozen = await row()
  t.equal(frozen.state, 'running', 'the job row says running after the kill')

  const again = serve(t, p)
  t.ok(await waitFor(again), `the server starts again: ${again.output()}`)
  t.equal(postmasterPid(p.pgdata), pg, 'adopting the PostgreSQL its predecessor left running')
  const restartedAt = Date.now()
  let resumedAt: number | undefined
  let now = await row()
  const end = Date.now() + stalledJobRecovery.lockDuration + stalledJobRecovery.stalledInterval + 90_000
  while (!['succeeded', 'completed_with_errors', 'failed'].includes(now.state) && Date.now() < end) {
    if (resumedAt === undefined && now.updated !== frozen.updated) resumedAt = Date.now()
    await sleep(100)
    now = await row()
  }
  resumedAt ??= Date.now()
  const final = await fetch(`${again.url}/v1/jobs/${job.id}`, { headers: auth }).then((r) => r.json())
  t.match(final, { state: 'succeeded', result: { succeeded: ROWS, failed: 0 } }, 'the import finished, every row')
  const waited = resumedAt - killedAt
  // The documented bound, from the kill: the lock expires (lockDuration), then the next stalled
  // check (every stalledInterval) takes the job; a restart slower than the lock (a loaded
  // machine) starts the count at the restart instead, whose first check runs at once.
  const { lockDuration, stalledInterval } = stalledJobRecovery
  const bound = Math.max(lockDuration, restartedAt - killedAt) + stalledInterval
  t.ok(waited <= bound + 2000, `resumed ${waited} ms after the kill (bound ${bound} ms)`)
  t.comment(
    `restarted after ${restartedAt - killedAt} ms; resumed after ${waited} ms; finished after ${Date.now() - killedAt} ms`,
  )

  const [counts] = await sql`
    select count(*)::int as n, count(distinct external_id)::int as distinct_ids
    from products where external_id like ${`${backend}-%`}`
  t.same(counts, { n: ROWS, distinct_ids: ROWS }, 'every row is there exactly once')

  process.kill(again.child.pid!, 'SIGTERM')
  t.same(
    await again.exited,
    { code: 0, signal: null },
    `and the restarted server stops cleanly: ${again.output().split('\n').slice(-12).join('\n')}`,
  )
  t.equal(postmasterPid(p.pgdata), undefined, 'with the PostgreSQL it adopted')
}

// Two servers started twice each, on a shared 2-core machine: more than tap's default 120 s.
t.setTimeout(300_000)
const p = await place(t)
t.test('embedded default (BullMQ on PostgreSQL): a killed import resumes promptly', (t) => scenario(t, p, 'postgres'))
t.test('REDIS_URL set (BullMQ on Redis): the same bound', async (t) => {
  const prefix = `cli${process.pid}`
  p.env.REDIS_URL = 'redis://127.0.0.1:6379'
  p.env.QUEUE_PREFIX = prefix
  t.teardown(async () => {
    const redis = new Redis(p.env.REDIS_URL!, { lazyConnect: true })
    await redis.connect()
    const keys = await redis.keys(`${prefix}:*`)
    if (keys.length) await redis.del(...keys)
    await redis.quit()
  })
  await scenario(t, p, 'redis')
})
