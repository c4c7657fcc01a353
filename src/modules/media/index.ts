import { defineModule } from '../types.js'
import { sweepJob, transcodeJob } from './jobs.js'
import { mediaGraphql } from './resolvers.js'
import mediaRoutes from './routes.js'
import { configureMediaFrom } from './settings.js'

export const mediaModule = defineModule({
  name: 'media',
  scopes: {
    'media:read': 'Read recordings and clips of sessions, their transcode state and outputs',
    'media:write': 'Register recordings and clips of sessions for transcoding',
  },
  idPrefixes: { media: 'med', transcodeMessage: 'tmsg' },
  queues: ['transcode'],
  tags: [{ name: 'Media', description: 'Recordings and clips of live sessions, and their transcode to HLS' }],
  routes: mediaRoutes,
  graphql: mediaGraphql,
  jobs: [transcodeJob, sweepJob],
  configure: configureMediaFrom,
})

// The public face of the module: what other modules may use.
export { Media } from './schemas.js'
