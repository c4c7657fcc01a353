import type { ShowrunnerModule } from './types.js'
import { systemModule } from './system/index.js'
import { identityModule } from './identity/index.js'
import { eventsModule } from './events/index.js'
import { jobsModule } from './jobs/index.js'
import { auditModule } from './audit/index.js'

/** Every domain module, in the order their routes and GraphQL types are mounted. */
export const modules: ShowrunnerModule[] = [systemModule, identityModule, eventsModule, jobsModule, auditModule]
