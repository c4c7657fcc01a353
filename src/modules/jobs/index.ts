import { defineModule } from '../types.js'
import { resolver } from '../../lib/graphql.js'
import * as jobs from './service.js'
import jobRoutes from './routes.js'

const SYSTEM_CTX = {
  tenantId: '',
  requestId: 'scheduler',
  actor: { clientId: 'system', organizationId: '', organizationKind: 'platform' as const, scopes: [] },
}

export const jobsModule = defineModule({
  name: 'jobs',
  scopes: { 'jobs:read': 'Read long-running jobs and their reports' },
  idPrefixes: { job: 'job' },
  tags: [{ name: 'Jobs', description: 'Long-running work: imports, exports, replays' }],
  routes: jobRoutes,
  jobs: async ({ db, queues, log }) => {
    queues.handle('governance', 'jobs.requeue-stranded', async () => {
      const requeued = await jobs.requeueStranded(db, queues)
      if (requeued) log.warn({ requeued }, 'queued stranded jobs again')
      return { requeued }
    })
    await queues.schedule('governance', 'jobs.requeue-stranded', '* * * * *', 'jobs.requeue-stranded', {
      ctx: SYSTEM_CTX,
      payload: {},
    })
  },
  graphql: {
    typeDefs: `
      type JobProgress { total: Int, processed: Int!, succeeded: Int!, failed: Int! }
      type Job { id: ID!, kind: String!, state: String!, progress: JobProgress!, result: JSON, errors: JSON, failure_reason: String, created_at: String!, updated_at: String!, finished_at: String }
      extend type Query { job(id: ID!): Job }
    `,
    resolvers: { Query: { job: resolver('jobs:read', (ctx, args: { id: string }) => jobs.getJob(ctx, args.id)) } },
  },
})

// The public face of the module: what other modules may use.
export { importContentTypes, inspectUpload, runImport, type ImportRow } from './imports.js'
export { Job, JobList } from './schemas.js'
export { finishJob, loadJob, markRunning, startJob, type RowErrorReport } from './service.js'
