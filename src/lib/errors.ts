/**
 * The closed set of errors the API can answer. REST, GraphQL, jobs and logs all map
 * through this one table, so a problem `type` never changes meaning between surfaces.
 */
export const problemTypes = {
  bad_request: { status: 400, title: 'Bad request' },
  validation_failed: { status: 400, title: 'Validation failed' },
  unauthenticated: { status: 401, title: 'Authentication required' },
  insufficient_scope: { status: 403, title: 'Insufficient scope' },
  forbidden: { status: 403, title: 'Forbidden' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflict' },
  idempotency_in_progress: { status: 409, title: 'Idempotent request still in progress' },
  gone: { status: 410, title: 'Gone' },
  precondition_failed: { status: 412, title: 'Precondition failed' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  uri_too_long: { status: 414, title: 'URI too long' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  idempotency_key_reused: { status: 422, title: 'Idempotency key reused with a different request' },
  unprocessable: { status: 422, title: 'Unprocessable request' },
  refund_exceeds_paid: { status: 422, title: 'Refund exceeds what was paid' },
  precondition_required: { status: 428, title: 'Precondition required' },
  rate_limited: { status: 429, title: 'Too many requests' },
  headers_too_large: { status: 431, title: 'Request header fields too large' },
  internal: { status: 500, title: 'Internal server error' },
  service_unavailable: { status: 503, title: 'Service unavailable' },
} as const

export type ProblemCode = keyof typeof problemTypes

export const PROBLEM_BASE = 'https://showrunner.dev/problems/'

export function problemTypeUri(code: ProblemCode): string {
  return PROBLEM_BASE + code.replaceAll('_', '-')
}

export interface FieldError {
  /** JSON Pointer into the request (`/body/title`, `/query/limit`). */
  pointer: string
  detail: string
}

export class AppError extends Error {
  readonly code: ProblemCode
  readonly status: number
  readonly errors?: FieldError[]
  readonly extensions?: Record<string, unknown>
  readonly headers?: Record<string, string>

  constructor(
    code: ProblemCode,
    detail: string,
    opts: {
      errors?: FieldError[]
      extensions?: Record<string, unknown>
      headers?: Record<string, string>
      cause?: unknown
    } = {},
  ) {
    super(detail, { cause: opts.cause })
    this.name = 'AppError'
    this.code = code
    this.status = problemTypes[code].status
    this.errors = opts.errors
    this.extensions = opts.extensions
    this.headers = opts.headers
  }
}

export const notFound = (what: string, id: string) => new AppError('not_found', `No ${what} with id ${id} exists.`)

export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  instance?: string
  request_id?: string
  code: ProblemCode
  errors?: FieldError[]
  [extension: string]: unknown
}

export function toProblem(err: AppError, requestId?: string, instance?: string): Problem {
  return {
    ...err.extensions,
    type: problemTypeUri(err.code),
    title: problemTypes[err.code].title,
    status: err.status,
    detail: err.message,
    code: err.code,
    ...(instance ? { instance } : {}),
    ...(requestId ? { request_id: requestId } : {}),
    ...(err.errors ? { errors: err.errors } : {}),
  }
}
