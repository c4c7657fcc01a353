import { sql } from 'drizzle-orm'
import { Type } from 'typebox'
import { inTenant } from '../../db/tenancy.js'
import { serializeCtx, systemCtx, type Ctx, type OrgKind } from '../../lib/context.js'
import { defineJob } from '../../lib/jobs.js'
import { PermanentJobError } from '../../queues/index.js'
import { TranscodeError, type TranscodeAdapter } from './adapter.js'
import { localAdapter } from './ffmpeg.js'
import { httpAdapter } from './http-adapter.js'
import { isLastAttempt } from './rules.js'
import type { MediaView, RegisterMediaInput } from './schemas.js'
import {
  awaitsHandOff,
  countAttempt,
  forTranscode,
  insertMedia,
  mediaRepo,
  moveMedia,
  presentMedia,
  recordError,
} from './service.js'
import { mediaSettings } from './settings.js'

export const TRANSCODE_JOB = 'media.transcode'
const SWEEP_JOB = 'media.sweep'
/** A media still pending this long after its last change has no transcode in the queue. */
export const STRANDED_AFTER_SECONDS = 120

/** The adapter the configuration names (TRANSCODER), built from the current settings. */
export function currentAdapter(): TranscodeAdapter {
  const s = mediaSettings()
  if (s.transcoder === 'http') {
    if (!s.transcoderUrl || !s.transcoderSecret)
      throw new Error('TRANSCODER=http needs TRANSCODER_URL and TRANSCODER_SECRET')
    return httpAdapter({
      url: s.transcoderUrl,
      secret: s.transcoderSecret,
      callbackUrl: `${s.publicUrl}/v1/media/callbacks/http`,
    })
  }
  return localAdapter(s)
}

/**
 * Hands one media to the configured adapter. Each run counts an attempt; a failure is kept as
 * last_error, retried by the queue with backoff, and fails the media (media.failed) on the last
 * attempt, or at once when trying again cannot help. A media that is no longer waiting for its
 * hand-off (a callback moved it on, or a duplicate job) is left alone.
 */
export const transcodeJob = defineJob({
  queue: 'transcode',
  name: TRANSCODE_JOB,
  payload: Type.Object({ mediaId: Type.String() }, { additionalProperties: false }),
  handler: async (ctx, { mediaId }, run) => {
    const row = await inTenant(ctx, (tx) => mediaRepo.find(tx, mediaId))
    if (!row) throw new PermanentJobError(`media ${mediaId} does not exist`)
    if (!awaitsHandOff(row)) return { skipped: row.state }
    const settings = mediaSettings()
    let adapter: TranscodeAdapter
    try {
      adapter = currentAdapter()
    } catch (err) {
      await fail(ctx, mediaId, (err as Error).message)
      throw new PermanentJobError((err as Error).message)
    }
    await inTenant(ctx, (tx) => countAttempt(tx, mediaId, adapter.name))
    try {
      const result = await adapter.submit(forTranscode(row), {
        processing: async () => {
          await inTenant(ctx, (tx) => moveMedia(tx, mediaId, 'processing'))
        },
      })
      const moved = await inTenant(ctx, (tx) =>
        result.state === 'ready'
          ? moveMedia(tx, mediaId, 'ready', { outputs: result.outputs, lastError: null })
          : moveMedia(tx, mediaId, 'submitted', { externalId: result.externalId ?? null, lastError: null }),
      )
      return { state: moved?.state ?? 'unchanged' }
    } catch (err) {
      const error = err instanceof TranscodeError ? err : new TranscodeError((err as Error).message, false)
      const final = error.permanent || isLastAttempt(run.attempt, settings.attempts)
      ctx.log.warn({ err, mediaId, attempt: run.attempt, final }, 'transcode hand-off failed')
      if (!final) {
        await inTenant(ctx, (tx) => recordError(tx, mediaId, error.message))
        throw error
      }
      await fail(ctx, mediaId, error.message)
      throw new PermanentJobError(error.message)
    }
  },
})

async function fail(ctx: Ctx, mediaId: string, message: string) {
  await inTenant(ctx, (tx) => moveMedia(tx, mediaId, 'failed', { lastError: message }))
}

/** Queues a media's transcode; the media id is the queue job id, so a media is never queued twice at once. */
export async function enqueueTranscode(ctx: Ctx, mediaId: string): Promise<string> {
  const s = mediaSettings()
  return ctx.queues.add(transcodeJob.queue, transcodeJob.name, transcodeJob.envelope(serializeCtx(ctx), { mediaId }), {
    jobId: mediaId,
    attempts: s.attempts,
    backoff: { type: 'exponential', delay: s.backoffMs },
  })
}

/** Registers a recording or clip (committed as pending), then queues its transcode. */
export async function registerMedia(ctx: Ctx, sessionId: string, input: RegisterMediaInput): Promise<MediaView> {
  const view = await insertMedia(ctx, sessionId, input)
  try {
    await enqueueTranscode(ctx, view.id)
  } catch (err) {
    // The media is committed; refusing now would leave it pending with no one told. Keep it visible.
    ctx.log.error({ err, mediaId: view.id }, 'queue unavailable: the media stays pending until its transcode is queued')
    const row = await inTenant(ctx, async (tx) => {
      await recordError(tx, view.id, 'the transcode could not be queued yet')
      return mediaRepo.get(tx, view.id)
    })
    return presentMedia(row)
  }
  return view
}

/**
 * The database, not the queue, is the source of truth: a media committed as pending whose
 * transcode never reached the queue (Redis down at that moment) is queued again from here.
 * The media id is the queue job id, so a media whose job is still queued or waiting for a
 * retry is not queued twice.
 */
export const sweepJob = defineJob({
  queue: 'transcode',
  name: SWEEP_JOB,
  payload: Type.Object({}, { additionalProperties: false }),
  schedule: { cron: '*/5 * * * *', payload: {} },
  handler: async (ctx) => {
    const stranded = await ctx.db.execute<{ tenant_id: string; id: string; kind: OrgKind }>(
      sql`select m.tenant_id, m.id, o.kind from media m join organizations o on o.id = m.tenant_id
          where m.state = 'pending' and m.updated_at < now() - make_interval(secs => ${STRANDED_AFTER_SECONDS})
          order by m.updated_at limit 500`,
    )
    for (const m of stranded)
      await enqueueTranscode({ ...ctx, ...systemCtx(`sweep:${SWEEP_JOB}`, { id: m.tenant_id, kind: m.kind }) }, m.id)
    return { queued: stranded.length }
  },
})
