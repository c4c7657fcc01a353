import { declareEvent, resourceEventExample, schemaRef } from '../../lib/event-catalog.js'
import { exampleOf } from '../../lib/schemas.js'
import { Media } from './schemas.js'

const example = exampleOf(Media)!

export const MEDIA_TRANSCODED = declareEvent(
  'media.transcoded',
  'A recording or clip finished transcoding; data is the media with its HLS renditions and poster',
  schemaRef(Media),
  resourceEventExample('media', Media),
  { scope: 'media:read' },
)
export const MEDIA_FAILED = declareEvent(
  'media.failed',
  'A recording or clip could not be transcoded (retries spent, or an error retrying cannot fix); data is the media with last_error',
  schemaRef(Media),
  {
    resource: { type: 'media', id: example.id, version: 3 },
    data: {
      ...example,
      state: 'failed',
      outputs: null,
      attempts: 3,
      last_error: 'ffmpeg exited with code 1: Invalid data found when processing input',
      version: 3,
    },
    occurred_at: '2026-12-10T14:41:19.502Z',
  },
  { scope: 'media:read' },
)
