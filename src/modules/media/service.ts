import { eq, inArray, sql } from 'drizzle-orm'
import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Ctx, TxCtx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import { publish } from '../../lib/hooks.js'
import { newId } from '../../lib/ids.js'
import { mapPage, scoped, tenantRepository, type PageRequest } from '../../lib/repository.js'
import { getSessionsByIds } from '../scheduling/index.js'
import { refusalOf } from '../webhooks/index.js'
import type { MediaForTranscode } from './adapter.js'
import { mediaFailed, mediaTranscoded } from './changes.js'
import { callbackOutcome, TRANSITIONS } from './rules.js'
import type { MediaView, RegisterMediaInput, TranscoderCallbackInput } from './schemas.js'
import { mediaSettings } from './settings.js'
import { media, MEDIA_STATES, type MediaOutputs, type MediaState } from './tables.js'

export const mediaRepo = tenantRepository(media, 'media')
export type MediaRow = typeof media.$inferSelect

export const presentMedia = (m: MediaRow): MediaView => ({
  id: m.id,
  session_id: m.sessionId,
  kind: m.kind,
  title: m.title,
  source_url: m.sourceUrl,
  clip:
    m.clipStartSeconds === null || m.clipEndSeconds === null
      ? null
      : { start_seconds: m.clipStartSeconds, end_seconds: m.clipEndSeconds },
  state: m.state,
  adapter: m.adapter === 'local' || m.adapter === 'http' ? m.adapter : null,
  attempts: m.attempts,
  last_error: m.lastError,
  outputs: m.outputs,
  version: m.version,
  created_at: m.createdAt.toISOString(),
  updated_at: m.updatedAt.toISOString(),
})

export const forTranscode = (m: MediaRow): MediaForTranscode => ({
  id: m.id,
  kind: m.kind,
  sourceUrl: m.sourceUrl,
  clip: presentMedia(m).clip,
})

const invalid = (pointer: string, detail: string) =>
  new AppError('validation_failed', `${pointer.slice(1).replace('/', '.')} ${detail}.`, {
    errors: [{ pointer, detail }],
  })

/**
 * The shape of a source URL, checked when it is registered: http(s), no credentials, and no
 * address literal the guard refuses. Host names are resolved and checked again when a worker
 * fetches the source (download.ts), which is where DNS answers matter.
 */
export function sourceUrlProblem(raw: string, allowLoopback: boolean): string | undefined {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return 'is not a URL'
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be http or https'
  if (url.username || url.password) return 'must not carry credentials'
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname
  if (/^[\d.]+$/.test(host) || host.includes(':')) {
    const refusal = refusalOf(host, { allowLoopback })
    if (refusal) return `points at ${refusal}`
  }
  if (host === 'localhost' && !allowLoopback) return 'points at localhost'
  return undefined
}

const fkViolation = (err: unknown) => {
  const e = err as { code?: string; cause?: { code?: string } }
  return (e.code ?? e.cause?.code) === '23503'
}

/** Inserts a recording or clip of a session as pending; register.ts queues its transcode after the commit. */
export async function insertMedia(ctx: Ctx, sessionId: string, input: RegisterMediaInput): Promise<MediaView> {
  const problem = sourceUrlProblem(input.source_url, mediaSettings().allowLoopback)
  if (problem) throw invalid('/source_url', problem)
  if (input.clip && input.kind !== 'clip') throw invalid('/clip', 'is only for a clip (kind "clip")')
  if (input.clip && input.clip.end_seconds <= input.clip.start_seconds)
    throw invalid('/clip/end_seconds', 'must be after start_seconds')
  try {
    return await inTenant(ctx, async (tx) => {
      const row = await mediaRepo.insert(tx, {
        id: newId('media'),
        sessionId,
        kind: input.kind,
        sourceUrl: input.source_url,
        title: input.title ?? null,
        clipStartSeconds: input.clip?.start_seconds ?? null,
        clipEndSeconds: input.clip?.end_seconds ?? null,
      })
      await audit(tx, 'media.registered', { type: 'media', id: row.id }, input)
      return presentMedia(row)
    })
  } catch (err) {
    // The foreign key to the session decides, so a session cannot vanish between a check and the insert.
    if (fkViolation(err)) throw new AppError('not_found', `No session with id ${sessionId} exists.`)
    throw err
  }
}

export function getMedia(ctx: Ctx, id: string) {
  return mediaRepo.read(ctx, id).then(presentMedia)
}

/** A session's media; an unknown session (or another tenant's) is 404, not an empty list. */
export async function listSessionMedia(ctx: Ctx, sessionId: string, page: PageRequest) {
  const [session] = await getSessionsByIds(ctx, [sessionId])
  if (!session) throw new AppError('not_found', `No session with id ${sessionId} exists.`)
  return inTenant(ctx, (tx) => mapPage(mediaRepo.list(tx, page, eq(media.sessionId, sessionId)), presentMedia))
}

const fromStates = (to: MediaState) => MEDIA_STATES.filter((s) => TRANSITIONS[s].includes(to))

/**
 * Moves a media to `to` in one conditional statement: only from a state the table allows, so
 * two writers (a worker and a callback) cannot both move it, and a final state stays final.
 * Answers the moved row, or undefined when the media was not in a state that may move there.
 * Final states publish their event in the same transaction.
 */
export async function moveMedia(
  tx: TxCtx,
  id: string,
  to: MediaState,
  set: Partial<Pick<MediaRow, 'outputs' | 'lastError' | 'externalId' | 'adapter'>> = {},
): Promise<MediaRow | undefined> {
  const [row] = await tx.tx
    .update(media)
    .set({ ...set, state: to, version: sql`${media.version} + 1`, updatedAt: sql`now()` })
    .where(scoped(tx, media, eq(media.id, id), inArray(media.state, fromStates(to))))
    .returning()
  if (!row) return undefined
  if (to === 'ready') await publish(tx, mediaTranscoded, presentMedia(row))
  if (to === 'failed') await publish(tx, mediaFailed, presentMedia(row))
  return row
}

/** Counts a hand-off attempt and notes the adapter taking it. */
export async function countAttempt(tx: TxCtx, id: string, adapter: 'local' | 'http') {
  const [row] = await tx.tx
    .update(media)
    .set({ attempts: sql`${media.attempts} + 1`, adapter, version: sql`${media.version} + 1`, updatedAt: sql`now()` })
    .where(scoped(tx, media, eq(media.id, id)))
    .returning()
  return row
}

export async function recordError(tx: TxCtx, id: string, error: string) {
  await tx.tx
    .update(media)
    .set({ lastError: error, version: sql`${media.version} + 1`, updatedAt: sql`now()` })
    .where(scoped(tx, media, eq(media.id, id)))
}

/**
 * A transcoder's signed report (the signature was checked by the route). The media is found by
 * its id across tenants, the one lookup that runs as the owning role; the change itself runs
 * inside the media's tenant like any request. A report that would move the media backwards, or
 * repeats one already applied, changes nothing and is answered as received.
 */
export async function applyCallback(
  base: Omit<Ctx, 'tenantId' | 'actor'>,
  adapter: 'local' | 'http',
  input: TranscoderCallbackInput,
) {
  const [found] = await base.db
    .select({ tenantId: media.tenantId })
    .from(media)
    .where(eq(media.id, input.media_id))
    .limit(1)
  if (!found) throw new AppError('not_found', `No media with id ${input.media_id} exists.`)
  const ctx: Ctx = {
    ...base,
    tenantId: found.tenantId,
    actor: { clientId: `transcoder:${adapter}`, organizationId: found.tenantId, organizationKind: 'mcn', scopes: [] },
  }
  return inTenant(ctx, async (tx) => {
    const [row] = await tx.tx
      .select()
      .from(media)
      .where(scoped(tx, media, eq(media.id, input.media_id)))
      .for('update')
    if (!row) throw new AppError('not_found', `No media with id ${input.media_id} exists.`)
    if (row.adapter !== adapter)
      throw new AppError('conflict', `Media ${row.id} was not handed to the ${adapter} transcoder.`, {
        extensions: { adapter: row.adapter },
      })
    const outcome = callbackOutcome(row.state, input.status)
    if (outcome === 'ignore') return { media_id: row.id, state: row.state, applied: false }
    if (outcome === 'refuse')
      throw new AppError(
        'conflict',
        `Media ${row.id} is ${row.state}; it can move to ${TRANSITIONS[row.state].join(' or ')} only.`,
        { extensions: { media_state: row.state, allowed_states: TRANSITIONS[row.state] } },
      )
    if (input.status === 'ready' && !input.outputs)
      throw new AppError('validation_failed', 'A ready report must carry its outputs.', {
        errors: [{ pointer: '/outputs', detail: 'is required when status is ready' }],
      })
    const set =
      input.status === 'ready'
        ? { outputs: input.outputs as MediaOutputs, lastError: null }
        : input.status === 'failed'
          ? { lastError: input.reason ?? 'the transcoder reported a failure without a reason' }
          : {}
    const moved = await moveMedia(tx, row.id, input.status, {
      ...set,
      ...(input.job_id ? { externalId: input.job_id } : {}),
    })
    // The row is locked, and the outcome said the move is allowed from its state.
    if (!moved) throw new Error(`media ${row.id} did not move from ${row.state} to ${input.status}`)
    return { media_id: moved.id, state: moved.state, applied: true }
  })
}

/** Whether a media still waits for its hand-off (a retry, or a first run). */
export const awaitsHandOff = (row: MediaRow) =>
  row.state === 'pending' || (row.state === 'processing' && row.adapter === 'local')
