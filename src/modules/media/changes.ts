import { defineResourceChange } from '../../lib/hooks.js'
import { MEDIA_FAILED, MEDIA_TRANSCODED } from './events.js'
import type { MediaView } from './schemas.js'

/** Public events of a media reaching a final state, published in the transaction that moves it there. */
export const mediaTranscoded = defineResourceChange<MediaView>(MEDIA_TRANSCODED, 'media')
export const mediaFailed = defineResourceChange<MediaView>(MEDIA_FAILED, 'media')
