/** How the SDK retries. Every field has a default. */
export interface RetryOptions {
  /** Attempts per call, the first included; 1 turns retries off. Default 3. */
  maxAttempts?: number
  /** First backoff delay when the server gives no Retry-After. Default 500 ms. */
  baseDelayMs?: number
  /** Cap of the exponential backoff. Default 8 s. */
  maxDelayMs?: number
  /** A Retry-After longer than this is not waited for: the error is returned at once. Default 60 s. */
  maxRetryAfterMs?: number
}

export type ResolvedRetryOptions = Required<RetryOptions>

export function resolveRetryOptions(o: RetryOptions = {}): ResolvedRetryOptions {
  const maxAttempts = o.maxAttempts ?? 3
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1)
    throw new RangeError('maxAttempts must be an integer of at least 1')
  return {
    maxAttempts,
    baseDelayMs: o.baseDelayMs ?? 500,
    maxDelayMs: o.maxDelayMs ?? 8000,
    maxRetryAfterMs: o.maxRetryAfterMs ?? 60_000,
  }
}

/** Statuses that say "not now": the request was not processed and may be sent again. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 503])

const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE'])

/** A request that may be repeated after a network error: an idempotent method, or one carrying an Idempotency-Key. */
export function isIdempotent(request: Request): boolean {
  return IDEMPOTENT_METHODS.has(request.method.toUpperCase()) || request.headers.has('idempotency-key')
}

/** Retry-After (RFC 9110 §10.2.3) in milliseconds from `now`: delay-seconds or an HTTP date; undefined when absent or malformed. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined
  const v = value.trim()
  if (/^\d+$/.test(v)) return Number(v) * 1000
  // HTTP-date in any of its three forms starts with a day name ("Sun, 06 Nov 1994 08:49:37 GMT").
  if (!/^[A-Za-z]{3,9},? /.test(v)) return undefined
  const at = Date.parse(v)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

/** Capped exponential backoff with equal jitter: half the step is fixed, half random. */
export function backoffDelay(attempt: number, o: ResolvedRetryOptions, random: () => number = Math.random): number {
  const step = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** Math.max(0, attempt - 1))
  return step / 2 + random() * (step / 2)
}

export function sleep(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const onAbort = () => {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

export interface SendOptions {
  fetch: typeof fetch
  retry: ResolvedRetryOptions
  /** Treat the request as safe to repeat after a network error even if its method is not idempotent. */
  idempotent?: boolean
  /**
   * Called once on a 401; returns the Authorization value to retry with, or undefined to
   * give the 401 back. The retry does not count against `maxAttempts`.
   */
  onUnauthorized?: (request: Request) => Promise<string | undefined>
  now?: () => number
  random?: () => number
}

/**
 * Sends `request`, retrying 429 and 503 (honouring Retry-After, else backing off) and,
 * for idempotent requests, network errors. The request's headers may be changed between
 * attempts; each attempt sends a clone so the body can be sent again.
 */
export async function sendWithRetries(request: Request, o: SendOptions): Promise<Response> {
  const now = o.now ?? Date.now
  let refreshed = false
  for (let attempt = 1; ; attempt++) {
    let response: Response
    try {
      response = await o.fetch(request.clone())
    } catch (err) {
      if (request.signal.aborted || attempt >= o.retry.maxAttempts || !(o.idempotent || isIdempotent(request)))
        throw err
      await sleep(backoffDelay(attempt, o.retry, o.random), request.signal)
      continue
    }
    if (response.status === 401 && !refreshed && o.onUnauthorized) {
      refreshed = true
      const authorization = await o.onUnauthorized(request)
      if (authorization !== undefined) {
        await response.body?.cancel()
        request.headers.set('authorization', authorization)
        attempt--
        continue
      }
    }
    if (RETRYABLE_STATUSES.has(response.status) && attempt < o.retry.maxAttempts) {
      const retryAfter = parseRetryAfter(response.headers.get('retry-after'), now())
      if (retryAfter === undefined || retryAfter <= o.retry.maxRetryAfterMs) {
        await response.body?.cancel()
        await sleep(retryAfter ?? backoffDelay(attempt, o.retry, o.random), request.signal)
        continue
      }
    }
    return response
  }
}
