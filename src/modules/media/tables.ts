import { sql } from 'drizzle-orm'
import { check, doublePrecision, foreignKey, index, integer, jsonb, text } from 'drizzle-orm/pg-core'
import { tenantTable, versioned } from '../../db/tenant-table.js'
import { liveSessions } from '../scheduling/tables.js'

export const MEDIA_STATES = ['pending', 'submitted', 'processing', 'ready', 'failed'] as const
export type MediaState = (typeof MEDIA_STATES)[number]

export interface Rendition {
  name: string
  height?: number
  bandwidth?: number
  playlist_url: string
}
export interface MediaOutputs {
  renditions: Rendition[]
  master_playlist_url?: string
  poster_url?: string
  duration_seconds?: number
}

/** A recording or clip of a live session, handed to a transcoder and tracked until it is playable or has failed. */
export const media = tenantTable(
  'media',
  {
    sessionId: text('session_id').notNull(),
    kind: text('kind', { enum: ['recording', 'clip'] }).notNull(),
    sourceUrl: text('source_url').notNull(),
    title: text('title'),
    clipStartSeconds: doublePrecision('clip_start_seconds'),
    clipEndSeconds: doublePrecision('clip_end_seconds'),
    state: text('state', { enum: MEDIA_STATES }).notNull().default('pending'),
    /** The adapter that took the media (local, http); a callback must come through the same one. */
    adapter: text('adapter'),
    /** The transcoder's own id for the job, when it answers one. */
    externalId: text('external_id'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    outputs: jsonb('outputs').$type<MediaOutputs>(),
    ...versioned(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.sessionId], foreignColumns: [liveSessions.tenantId, liveSessions.id] }),
    check('media_state_check', sql`${t.state} in ('pending', 'submitted', 'processing', 'ready', 'failed')`),
    check(
      'media_clip_range_check',
      sql`${t.clipEndSeconds} is null or ${t.clipStartSeconds} is null or ${t.clipEndSeconds} > ${t.clipStartSeconds}`,
    ),
    check('media_ready_outputs_check', sql`${t.state} <> 'ready' or ${t.outputs} is not null`),
    index('media_session_idx').on(t.tenantId, t.sessionId, t.id),
    // Callbacks name a media id and no tenant: the one cross-tenant lookup goes through this.
    index('media_id_idx').on(t.id),
  ],
)
