import { defineModule } from '../types.js'
import { jobsGraphql } from './resolvers.js'
import * as jobs from './service.js'
import jobRoutes from './routes.js'

export const jobsModule = defineModule({
  name: 'jobs',
  scopes: { 'jobs:read': 'Read long-running jobs and their reports' },
  idPrefixes: { job: 'job' },
  queues: ['governance'],
  tags: [{ name: 'Jobs', description: 'Long-running work: imports, exports, replays' }],
  routes: jobRoutes,
  jobs: [jobs.requeueStrandedJob],
  graphql: jobsGraphql,
})

// The public face of the module: what other modules may use.
export {
  csvTemplate,
  importContentTypes,
  ImportJobPayload,
  ImportQuery,
  inspectUpload,
  runImport,
  startImport,
  type ImportRow,
  type ImportValue,
  uploadExamples,
} from './imports.js'
export { defineTenantReview } from './reviews.js'
export { Job, JobList, queuedJobExample } from './schemas.js'
export {
  finishJob,
  isFinished,
  JobResourcePayload,
  loadJob,
  markRunning,
  rowProblem,
  type RowErrorReport,
  startJob,
} from './service.js'
