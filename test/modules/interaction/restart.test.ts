import { spawn, type ChildProcess } from 'node:child_process'
import { sql } from 'drizzle-orm'
import t from 'tap'
import { buildTestApp, createTenant } from '../../helper.js'
import { root } from '../../cli/run.js'
import { event, makeSession, ok } from './support.js'

/*
 * The API accepts batches while no worker runs; a real worker process (`showrunner worker`) starts,
 * is killed with SIGKILL while it moves them, and a second one finishes. Every accepted event
 * ends up in interaction_events once and in the counters once.
 */
const BATCHES = 20
const PER_BATCH = 250

t.test('a worker killed while moving batches loses nothing and counts nothing twice', async (t) => {
  const { app, config, databaseUrl } = await buildTestApp(t)
  const mcn = await createTenant(app, { kind: 'mcn' })
  const sessionId = await makeSession(mcn)
  for (let b = 0; b < BATCHES; b++) {
    const events = Array.from({ length: PER_BATCH }, (_, i) => event('like', {}, i))
    const res = await ok(await mcn.post(`/v1/sessions/${sessionId}/interactions/batch`, { events }), 202)
    t.equal(res.accepted, PER_BATCH)
  }
  const total = BATCHES * PER_BATCH
  const moved = async () => {
    const [r] = await app.db.execute<{ events: number; pending: number; likes: number }>(sql`
      select (select count(*)::int from interaction_events where session_id = ${sessionId}) as events,
             (select coalesce(sum(events), 0)::int from interaction_batches where session_id = ${sessionId} and moved_at is null) as pending,
             (select coalesce(max(likes), 0)::int from session_live_stats where id = ${sessionId}) as likes`)
    return r!
  }
  const worker = (): ChildProcess => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'worker'], {
      cwd: root,
      env: {
        ...process.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: databaseUrl,
        REDIS_URL: config.REDIS_URL,
        QUEUE_PREFIX: config.QUEUE_PREFIX,
        PUBLIC_URL: 'http://showrunner.test',
      },
      stdio: 'ignore',
    })
    t.teardown(() => {
      if (child.exitCode === null) child.kill('SIGKILL')
    })
    return child
  }
  const until = async (done: (s: Awaited<ReturnType<typeof moved>>) => boolean, ms: number) => {
    const deadline = Date.now() + ms
    let s = await moved()
    while (!done(s) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20))
      s = await moved()
    }
    return s
  }

  const first = worker()
  const before = await until((s) => s.events > 0, 30_000)
  first.kill('SIGKILL')
  await new Promise((r) => first.once('exit', r))
  const atKill = await moved()
  t.ok(atKill.events > 0 && atKill.events < total, `killed part-way: ${atKill.events} of ${total} moved`)
  t.equal(atKill.likes, atKill.events, 'counters and events agree at the kill (one transaction per batch)')
  t.equal(atKill.events + atKill.pending, total, 'and what is not moved is still in the inbox')
  t.comment(`first worker moved ${before.events} before the kill signal`)

  worker()
  const end = await until((s) => s.events === total && s.likes === total, 60_000)
  t.same(end, { events: total, pending: 0, likes: total }, 'every event moved once and counted once')
})
