import t from 'tap'
import { sql } from 'drizzle-orm'
import pino from 'pino'
import { Type } from 'typebox'
import { buildTestApp, createTenant } from '../helper.js'
import { serviceCtx } from '../fixtures.js'
import { serializeCtx, type Ctx } from '../../src/lib/context.js'
import { defineJob, JobPayloadError, registerJobs } from '../../src/lib/jobs.js'
import { JobResourcePayload, startJob } from '../../src/modules/jobs/service.js'
import { StringEnum } from '../../src/lib/schemas.js'

const CountPayload = Type.Object(
  { count: Type.Integer({ minimum: 0 }), label: Type.String() },
  { additionalProperties: false },
)

/** A log destination that keeps every line, so a test can read what a handler logged. */
function capturedLog() {
  const lines: Record<string, unknown>[] = []
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) })
  return { log, lines }
}

async function until(done: () => boolean, timeoutMs = 10000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`not done within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

t.test(
  'a payload that breaks its schema is refused at enqueue, naming the fields, and nothing is queued',
  async (t) => {
    const { app, runtime } = await buildTestApp(t)
    const mcn = await createTenant(app)
    const countJob = defineJob({
      queue: 'analytics',
      name: 'test.count',
      payload: CountPayload,
      handler: async () => 0,
    })

    // Payloads from parsed input are where a wrong shape comes from; JSON.parse is typed any.
    const err = await countJob.enqueue(serviceCtx(app, mcn), JSON.parse('{"count":"three","extra":1}')).catch((e) => e)
    t.type(err, JobPayloadError)
    t.match(err.message, /^job test\.count refused at enqueue: /)
    t.match(err.message, /payload\.count must be integer/)
    t.match(err.message, /payload\.label is required/)
    t.match(err.message, /payload\.extra is not allowed/)
    t.same(
      err.problems.map((p: { field: string }) => p.field).sort(),
      ['payload.count', 'payload.extra', 'payload.label'],
      'each field is named once',
    )
    t.same(await runtime.queues.queue('analytics').getJobCounts('waiting', 'delayed'), { waiting: 0, delayed: 0 })
  },
)

t.test('startJob checks the envelope before it writes the job row', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app)
  const exportJob = defineJob({
    queue: 'analytics',
    name: 'test.export',
    payload: Type.Object({ ...JobResourcePayload.properties, format: StringEnum(['csv', 'jsonl'] as const) }),
    handler: async () => undefined,
  })
  await t.rejects(startJob(serviceCtx(app, mcn), exportJob, { payload: JSON.parse('{"format":"xlsx"}') }), {
    name: 'JobPayloadError',
    message: /payload\.format must be equal to one of the allowed values/,
  })
  const [{ count }] = await app.db.execute<{ count: number }>(sql`select count(*)::int as count from jobs`)
  t.equal(count, 0, 'no row for a refused job')

  const accepted = await startJob(serviceCtx(app, mcn), exportJob, { payload: { format: 'csv' } })
  t.match(accepted, { kind: 'test.export', state: 'queued' })
})

// Both backends: Redis in production, BullMQ's PostgreSQL backend when REDIS_URL is unset.
for (const backend of ['redis', 'postgres'] as const)
  t.test(
    `in the worker (${backend}): a bad envelope fails that job at once, the next job runs with the rebuilt ctx`,
    async (t) => {
      const { app, runtime } = await buildTestApp(t, { redis: backend === 'redis' })
      t.equal(runtime.queues.backend, backend)
      const mcn = await createTenant(app)
      const { log, lines } = capturedLog()

      const seen: { ctx: Ctx; payload: { count: number; label: string }; jobId: string }[] = []
      let ran!: () => void
      const goodJobRan = new Promise<void>((resolve) => {
        ran = resolve
      })
      const countJob = defineJob({
        queue: 'analytics',
        name: 'test.count',
        payload: CountPayload,
        handler: async (ctx, payload, job) => {
          ctx.log.info({ counted: payload.count }, 'counting')
          seen.push({ ctx, payload, jobId: job.id })
          ran()
          return payload.count
        },
      })
      await registerJobs({ db: app.db, queues: app.queues, log }, [countJob])
      const failures: { id: string; message: string }[] = []
      runtime.queues.startWorkers({
        concurrency: 1,
        onFailed: (_queue, job, err) => failures.push({ id: String((job as { id: string }).id), message: err.message }),
      })

      const ctx: Ctx = { ...serviceCtx(app, mcn), requestId: 'req_jobs_test' }
      // Written past enqueue's check, as an older deployment or another producer could.
      const badPayload = await runtime.queues.add('analytics', 'test.count', {
        ctx: serializeCtx(ctx),
        payload: { count: -1, label: 'x', extra: true },
      })
      const badCtx = await runtime.queues.add('analytics', 'test.count', {
        // Parsed like any envelope a worker reads, so the type does not forbid the missing fields.
        ctx: JSON.parse(JSON.stringify({ tenantId: mcn.organizationId })),
        payload: { count: 1, label: 'x' },
      })
      const good = await countJob.enqueue(ctx, { count: 3, label: 'three' })
      await goodJobRan

      t.equal(seen.length, 1, 'the handler saw only the good job')
      await until(() => failures.length === 2)
      t.same(Object.fromEntries(failures.map((f) => [f.id, f.message])), {
        [badPayload]:
          'job test.count refused by the worker: its envelope does not match the schema: payload.extra is not allowed; payload.count must be >= 0',
        [badCtx]:
          'job test.count refused by the worker: its envelope does not match the schema: ctx.requestId is required; ctx.actor is required',
      })
      t.same(
        await runtime.queues.queue('analytics').getJobCounts('failed', 'delayed', 'waiting'),
        { failed: 2, delayed: 0, waiting: 0 },
        'a refused envelope is not retried',
      )

      const [{ ctx: got, payload, jobId }] = seen
      t.equal(jobId, good)
      t.same(payload, { count: 3, label: 'three' })
      t.equal(got.tenantId, mcn.organizationId)
      t.same(got.actor, ctx.actor)
      t.equal(got.requestId, 'req_jobs_test')
      t.equal(got.db, app.db)
      t.equal(got.queues, app.queues)
      t.match(
        lines.find((l) => l.msg === 'counting'),
        {
          jobId: good,
          jobName: 'test.count',
          queue: 'analytics',
          reqId: 'req_jobs_test',
          tenantId: mcn.organizationId,
          counted: 3,
        },
        'the handler logs through a child logger bound to the job',
      )
    },
  )

t.test('a schedule is declared with its job, checked when workers start, and runs as the platform', async (t) => {
  const { app, runtime } = await buildTestApp(t)
  const deps = { db: app.db, queues: app.queues, log: app.log }
  const runs: { ctx: Ctx; window: number }[] = []
  const tickJob = (name: string, payload: unknown) =>
    defineJob({
      queue: 'analytics',
      name,
      payload: Type.Object({ window: Type.Integer() }),
      // Every second (cron with a seconds field), so the test sees a run without waiting long.
      schedule: { cron: '* * * * * *', payload: JSON.parse(JSON.stringify(payload)) },
      handler: async (ctx, { window }) => runs.push({ ctx, window }),
    })

  await t.rejects(registerJobs(deps, [tickJob('test.bad-tick', { window: 'day' })]), {
    name: 'JobPayloadError',
    message: 'job test.bad-tick refused at enqueue: payload.window must be integer',
  })
  await registerJobs(deps, [tickJob('test.tick', { window: 60 })])
  runtime.queues.startWorkers()
  await until(() => runs.length > 0)
  t.match(runs[0], {
    window: 60,
    ctx: {
      tenantId: '',
      requestId: 'schedule:test.tick',
      actor: { clientId: 'system', organizationId: '', organizationKind: 'platform', scopes: [] },
    },
  })
})
