import type { ShowrunnerModule } from '../types.js'
import { jobsGraphql } from './resolvers.js'
import * as jobs from './service.js'
import jobRoutes from './routes.js'

const SYSTEM_CTX = {
  tenantId: '',
  requestId: 'scheduler',
  actor: { clientId: 'system', organizationId: '', organizationKind: 'platform' as const, scopes: [] },
}

export const jobsModule: ShowrunnerModule = {
  name: 'jobs',
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
  graphql: jobsGraphql,
}
