import { defineModule } from '../types.js'
import { interactionGraphql } from './resolvers.js'
import interactionRoutes from './routes.js'
import { configureInteractionFrom } from './settings.js'
import { moveJob, partitionsJob, purgeJob, sweepJob } from './worker.js'

/**
 * 互动 interaction: audience events of live sessions ingested at live rates (a durable inbox, then
 * a bulk move into the day-partitioned events table), live counters per session, and moderation of
 * comments by the tenant's blocked words and its optional moderation hook (an installed app).
 */
export const interactionModule = defineModule({
  name: 'interaction',
  scopes: {
    'interactions:read': 'Read sessions’ live counters and comments, hidden ones with their reason',
    'interactions:write': 'Send audience events (comments, likes, joins, gifts, …) of live sessions',
    'moderation:read': 'Read the blocked-word list and the moderation hook',
    'moderation:write': 'Change the blocked-word list and the moderation hook',
  },
  idPrefixes: { interactionEvent: 'iev', interactionBatch: 'ibt', blockedWord: 'bwd', moderationHook: 'mhk' },
  tags: [
    { name: 'Interaction', description: '互动: audience events of live sessions and their live counters' },
    { name: 'Moderation', description: 'Blocked words, the moderation hook and hidden comments' },
  ],
  routes: interactionRoutes,
  graphql: interactionGraphql,
  jobs: [moveJob, sweepJob, partitionsJob, purgeJob],
  configure: configureInteractionFrom,
})

// The public face of the module: what other modules may use.
/** Joins and follows as they are moved, for acquisition's visits and follows. */
export { audienceTouched, type AudienceTouches } from './changes.js'
