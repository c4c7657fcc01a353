import { defineModule } from '../types.js'
import { resolver } from '../../lib/graphql.js'
import * as jobs from './service.js'
import jobRoutes from './routes.js'

export const jobsModule = defineModule({
  name: 'jobs',
  scopes: { 'jobs:read': 'Read long-running jobs and their reports' },
  idPrefixes: { job: 'job' },
  tags: [{ name: 'Jobs', description: 'Long-running work: imports, exports, replays' }],
  routes: jobRoutes,
  jobs: [jobs.requeueStrandedJob],
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
export { finishJob, JobResourcePayload, loadJob, markRunning, type RowErrorReport, startJob } from './service.js'
