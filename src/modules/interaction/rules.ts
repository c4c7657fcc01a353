import { INTERACTION_TYPES, type InteractionType } from './tables.js'

/** One problem of one event, as the batch answer lists it. */
export interface EventProblem {
  field: string
  code: 'required' | 'type' | 'format' | 'range' | 'unknown' | 'duplicate'
  message: string
}

/** An event that passed validation, in the shape the inbox keeps (viewer still a platform ref). */
export interface ValidEvent {
  event_id: string
  type: InteractionType
  occurred_at: Date
  viewer: { platform: string; ref: string }
  /** The type-specific fields, as the events table keeps them. */
  data: Record<string, unknown>
}

/** How far from the receiving clock an event may claim to have happened. */
export const MAX_AGE_MS = 7 * 24 * 3600_000
export const MAX_AHEAD_MS = 5 * 60_000
export const MAX_TEXT = 500

const TYPES = new Set<string>(INTERACTION_TYPES)
const COMMON = new Set(['event_id', 'type', 'occurred_at', 'viewer'])
const EXTRA: Record<InteractionType, readonly string[]> = {
  comment: ['text'],
  question: ['text'],
  like: ['count'],
  gift: ['gift'],
  join: [],
  leave: [],
  share: [],
  follow: [],
}
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length >= 1 && v.length <= max

/** Records a problem unless `ok`; `required` when the field is absent. Not a closure per event: a batch validates a thousand. */
function need(
  problems: EventProblem[],
  raw: Record<string, unknown>,
  field: string,
  ok: boolean,
  code: EventProblem['code'],
  message: string,
): void {
  if (!ok) problems.push({ field, code: raw[field] === undefined ? 'required' : code, message })
}

/**
 * Validates one event of a batch against the receiving clock. A pure function, so one bad event
 * never costs the others a query: the batch answer lists each event's problems by index.
 */
export function validateEvent(raw: unknown, now: number): { event: ValidEvent } | { problems: EventProblem[] } {
  if (!isObject(raw)) return { problems: [{ field: '', code: 'type', message: 'an event must be an object' }] }
  const problems: EventProblem[] = []
  need(problems, raw, 'event_id', isText(raw.event_id, 100), 'format', 'event_id must be a string of 1–100 characters')
  const type = raw.type
  need(
    problems,
    raw,
    'type',
    typeof type === 'string' && TYPES.has(type),
    'format',
    `type must be one of ${INTERACTION_TYPES.join(', ')}`,
  )
  let occurred: Date | undefined
  if (
    typeof raw.occurred_at !== 'string' ||
    !RFC3339.test(raw.occurred_at) ||
    Number.isNaN(Date.parse(raw.occurred_at))
  )
    need(problems, raw, 'occurred_at', false, 'format', 'occurred_at must be an RFC 3339 time')
  else {
    occurred = new Date(raw.occurred_at)
    const t = occurred.getTime()
    if (t < now - MAX_AGE_MS || t > now + MAX_AHEAD_MS)
      problems.push({
        field: 'occurred_at',
        code: 'range',
        message: 'occurred_at must lie within the last 7 days and at most 5 minutes ahead of the server clock',
      })
  }
  const viewer = raw.viewer
  if (
    !isObject(viewer) ||
    !isText(viewer.platform, 50) ||
    !isText(viewer.ref, 200) ||
    Object.keys(viewer).some((k) => k !== 'platform' && k !== 'ref')
  )
    need(
      problems,
      raw,
      'viewer',
      false,
      'format',
      'viewer must be { platform, ref } (strings of 1–50 and 1–200 characters)',
    )

  const data: Record<string, unknown> = {}
  if (typeof type === 'string' && TYPES.has(type)) {
    const t = type as InteractionType
    for (const key of Object.keys(raw))
      if (!COMMON.has(key) && !EXTRA[t].includes(key))
        problems.push({ field: key, code: 'unknown', message: `${key} is not a field of a ${t} event` })
    if (t === 'comment' || t === 'question') {
      if (!isText(raw.text, MAX_TEXT))
        need(problems, raw, 'text', false, 'format', `text must be a string of 1–${MAX_TEXT} characters`)
      else data.text = raw.text
    }
    if (t === 'like' && raw.count !== undefined) {
      if (!Number.isInteger(raw.count) || (raw.count as number) < 1 || (raw.count as number) > 10_000)
        problems.push({ field: 'count', code: 'range', message: 'count must be an integer from 1 to 10000' })
      else data.count = raw.count
    }
    if (t === 'gift') {
      const gift = raw.gift
      const value = isObject(gift) ? gift.value : undefined
      if (!isObject(gift))
        need(problems, raw, 'gift', false, 'format', 'gift must be { name?, value: { amount, currency } }')
      else if (
        !isObject(value) ||
        !Number.isSafeInteger(value.amount) ||
        (value.amount as number) < 0 ||
        typeof value.currency !== 'string' ||
        !/^[A-Z]{3}$/.test(value.currency)
      )
        problems.push({
          field: 'gift.value',
          code: 'format',
          message: 'gift.value must be { amount: integer minor units ≥ 0, currency: ISO 4217 }',
        })
      else if (gift.name !== undefined && !isText(gift.name, 100))
        problems.push({ field: 'gift.name', code: 'format', message: 'gift.name must be a string of 1–100 characters' })
      else
        data.gift = {
          ...(gift.name === undefined ? {} : { name: gift.name }),
          value: { amount: value.amount, currency: value.currency },
        }
    }
  }
  if (problems.length || !occurred) return { problems }
  return {
    event: {
      event_id: raw.event_id as string,
      type: type as InteractionType,
      occurred_at: occurred,
      viewer: { platform: (viewer as { platform: string }).platform, ref: (viewer as { ref: string }).ref },
      data,
    },
  }
}

/**
 * The form blocked words and comments are compared in: NFKC folds full-width and compatibility
 * forms (ＡＢＣ → ABC, ｶﾀｶﾅ → カタカナ), then case is folded; both sides go through it.
 */
export const normalizeText = (s: string): string => s.normalize('NFKC').toLowerCase()

/** The first blocked word (as normalised) a comment contains, if any. */
export function matchBlocked(text: string, normalizedWords: readonly string[]): string | undefined {
  const t = normalizeText(text)
  return normalizedWords.find((w) => w.length > 0 && t.includes(w))
}
