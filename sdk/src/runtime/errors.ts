import type { FieldError, Problem } from '../generated/types.gen.js'

/** RFC 9457 problem details as the API sends them; unknown extension members are kept. */
export interface ProblemDetails {
  type: string
  title: string
  status: number
  detail?: string
  /** The API's stable error code (`not_found`, `validation_failed`, …). */
  code?: Problem['code']
  instance?: string
  request_id?: string
  errors?: FieldError[]
  [extension: string]: unknown
}

/** Base class of every error the SDK throws, so `catch (e) { if (e instanceof ShowrunnerError) … }` covers them all. */
export class ShowrunnerError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
  }
}

/**
 * An HTTP error answered by the API, carrying its `application/problem+json` body. A
 * response that is not problem details (a proxy's HTML 502, say) becomes one with
 * `type: 'about:blank'`, as RFC 9457 prescribes.
 */
export class ShowrunnerProblemError extends ShowrunnerError {
  readonly status: number
  readonly type: string
  readonly title: string
  readonly detail: string | undefined
  readonly code: Problem['code'] | undefined
  /** Per-field errors for validation failures, with JSON Pointers into the request. */
  readonly errors: FieldError[]
  /** The `request-id` response header (or the body's `request_id`): quote it to support. */
  readonly requestId: string | undefined
  /** The whole problem body, extensions included. */
  readonly problem: ProblemDetails
  readonly headers: Headers

  constructor(problem: ProblemDetails, headers: Headers = new Headers()) {
    const requestId = headers.get('request-id') ?? problem.request_id
    super(
      `${problem.title} (${problem.status})${problem.detail ? `: ${problem.detail}` : ''}${requestId ? ` [request-id ${requestId}]` : ''}`,
    )
    this.status = problem.status
    this.type = problem.type
    this.title = problem.title
    this.detail = problem.detail
    this.code = problem.code
    this.errors = problem.errors ?? []
    this.requestId = requestId
    this.problem = problem
    this.headers = headers
  }
}

/** An error from the token endpoint, in RFC 6749 §5.2's form (`invalid_client`, `invalid_scope`, …). */
export class OAuthError extends ShowrunnerError {
  readonly status: number
  readonly error: string
  readonly errorDescription: string | undefined
  readonly requestId: string | undefined

  constructor(status: number, error: string, errorDescription?: string, requestId?: string) {
    super(`${error}${errorDescription ? `: ${errorDescription}` : ''}${requestId ? ` [request-id ${requestId}]` : ''}`)
    this.status = status
    this.error = error
    this.errorDescription = errorDescription
    this.requestId = requestId
  }
}

/** The request never got an HTTP answer (connection refused, reset, DNS failure), after any retries. */
export class ShowrunnerConnectionError extends ShowrunnerError {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Builds the typed error for an HTTP error response, given its body (parsed JSON when it was JSON, else text). */
export function errorFromResponse(body: unknown, response: Response): ShowrunnerProblemError | OAuthError {
  const requestId = response.headers.get('request-id') ?? undefined
  if (isObject(body) && typeof body.error === 'string' && body.type === undefined) {
    return new OAuthError(
      response.status,
      body.error,
      typeof body.error_description === 'string' ? body.error_description : undefined,
      requestId,
    )
  }
  if (isObject(body) && typeof body.type === 'string' && typeof body.title === 'string') {
    return new ShowrunnerProblemError(
      {
        ...body,
        type: body.type,
        title: body.title,
        status: typeof body.status === 'number' ? body.status : response.status,
      },
      response.headers,
    )
  }
  const text = typeof body === 'string' ? body.trim().slice(0, 500) : ''
  return new ShowrunnerProblemError(
    {
      type: 'about:blank',
      title: response.statusText || `HTTP ${response.status}`,
      status: response.status,
      ...(text ? { detail: text } : {}),
    },
    response.headers,
  )
}

/** Reads an error response's body and builds its typed error. */
export async function readError(response: Response): Promise<ShowrunnerProblemError | OAuthError> {
  const text = await response.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // not JSON: keep the text
  }
  return errorFromResponse(body, response)
}
