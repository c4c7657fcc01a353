import { createHmac, timingSafeEqual } from 'node:crypto'
import { ShowrunnerError } from './errors.js'

/**
 * Webhook verification per the Standard Webhooks specification
 * (https://www.standardwebhooks.com): headers `webhook-id`, `webhook-timestamp` (Unix
 * seconds) and `webhook-signature` (space-separated `v1,<base64 HMAC-SHA256>` entries over
 * `"<id>.<timestamp>.<raw body>"`), with a `whsec_<base64>` secret. Any Standard Webhooks
 * library verifies the same deliveries.
 */

/** How far a delivery's timestamp may be from now, either way, before it is refused (replay protection). */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60

export class WebhookVerificationError extends ShowrunnerError {}

/** Fetch `Headers`, or Node's `IncomingHttpHeaders` (`req.headers`), or any plain record. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>

export interface VerifyWebhookOptions {
  /** Default 300 (5 minutes). */
  toleranceSeconds?: number
  /** The time to check the timestamp against; default now. */
  now?: Date | number
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined
  const record = headers as Record<string, string | string[] | undefined>
  const key = Object.keys(record).find((k) => k.toLowerCase() === name)
  const value = key === undefined ? undefined : record[key]
  return Array.isArray(value) ? value.join(' ') : value
}

/** The HMAC key: a `whsec_`-prefixed (or bare) base64 secret, or its raw bytes. */
function secretKey(secret: string | Uint8Array): Buffer {
  if (typeof secret !== 'string') return Buffer.from(secret)
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64')
  if (key.length === 0) throw new WebhookVerificationError('The webhook secret is empty or not base64')
  return key
}

function digest(key: Buffer, id: string, timestamp: string, payload: string | Uint8Array): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`).update(payload).digest()
}

/** The `webhook-signature` value for a delivery (`v1,<base64>`): for tests and for your own senders. */
export function signWebhook(
  secret: string | Uint8Array,
  id: string,
  timestamp: number | Date,
  payload: string | Uint8Array,
): string {
  const seconds = typeof timestamp === 'number' ? Math.floor(timestamp) : Math.floor(timestamp.getTime() / 1000)
  return `v1,${digest(secretKey(secret), id, String(seconds), payload).toString('base64')}`
}

/**
 * Checks a delivery and returns its parsed JSON body; throws `WebhookVerificationError`
 * when a header is missing, the timestamp is outside the tolerance, or no signature
 * matches. Pass the raw body exactly as received (a string or Buffer), never re-serialized
 * JSON. Record `webhook-id` to drop a redelivered message you have already handled.
 */
export function verifyWebhook<T = unknown>(
  secret: string | Uint8Array,
  payload: string | Uint8Array,
  headers: WebhookHeaders,
  options: VerifyWebhookOptions = {},
): T {
  const id = header(headers, 'webhook-id')
  const timestamp = header(headers, 'webhook-timestamp')
  const signatures = header(headers, 'webhook-signature')
  if (!id || !timestamp || !signatures)
    throw new WebhookVerificationError('Missing webhook-id, webhook-timestamp or webhook-signature header')

  if (!/^\d{1,15}$/.test(timestamp)) throw new WebhookVerificationError('Invalid webhook-timestamp')
  const now =
    options.now === undefined ? Date.now() : typeof options.now === 'number' ? options.now : options.now.getTime()
  const tolerance = options.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS
  const skew = Math.floor(now / 1000) - Number(timestamp)
  if (skew > tolerance) throw new WebhookVerificationError('The webhook timestamp is too old')
  if (skew < -tolerance) throw new WebhookVerificationError('The webhook timestamp is too new')

  const expected = digest(secretKey(secret), id, timestamp, payload)
  let matched = false
  for (const entry of signatures.split(' ')) {
    const comma = entry.indexOf(',')
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue
    const given = Buffer.from(entry.slice(comma + 1), 'base64')
    // Keep looping after a match so timing does not depend on which entry matched.
    if (given.length === expected.length && timingSafeEqual(given, expected)) matched = true
  }
  if (!matched) throw new WebhookVerificationError('No matching webhook signature')

  const text = typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8')
  try {
    return JSON.parse(text) as T
  } catch (err) {
    throw new WebhookVerificationError('The webhook body is not JSON', { cause: err })
  }
}
