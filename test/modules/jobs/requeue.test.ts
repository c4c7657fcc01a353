import t from 'tap'
import { sql } from 'drizzle-orm'
import { buildTestApp, createTenant, waitForJob } from '../../helper.js'
import { serviceCtx } from '../../fixtures.js'
import { finishJob, JobResourcePayload, requeueStranded, startJob } from '../../../src/modules/jobs/service.js'
import { defineJob, registerJobs } from '../../../src/lib/jobs.js'
import type { Queues } from '../../../src/queues/index.js'

const recordJob = defineJob({
  queue: 'analytics',
  name: 'test.record',
  payload: JobResourcePayload,
  handler: (ctx, { jobId }) => finishJob(ctx, jobId, { state: 'succeeded', result: { ran: true } }),
})

t.test('a job accepted while the queue was down is queued later by the sweeper and runs', async (t) => {
  const { app, runtime } = await buildTestApp(t)
  const mcn = await createTenant(app)
  await registerJobs({ db: app.db, queues: app.queues, log: app.log }, [recordJob])
  runtime.queues.startWorkers()

  const ctx = serviceCtx(app, mcn)
  const downQueue = {
    add: async () => {
      throw new Error('queue backend unreachable')
    },
  } as unknown as Queues
  const accepted = await startJob({ ...ctx, queues: downQueue }, recordJob)
  t.equal(accepted.state, 'queued', 'the request still gets its job')

  t.equal(
    await requeueStranded(app.db, app.queues),
    0,
    'a fresh job is left alone: its queue add may still be in flight',
  )
  // The sweeper looks for jobs queued over a minute ago; age this one instead of waiting.
  await app.db.execute(sql`update jobs set created_at = now() - interval '2 minutes' where id = ${accepted.id}`)
  t.equal(await requeueStranded(app.db, app.queues), 1)

  const done = await waitForJob(mcn, accepted.id)
  t.match(done, { state: 'succeeded', result: { ran: true } })
  t.equal(await requeueStranded(app.db, app.queues), 0, 'a finished job is never queued again')
})
