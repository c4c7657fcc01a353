import fp from 'fastify-plugin'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Duplex } from 'node:stream'
import { AppError, toProblem, type FieldError, type ProblemCode } from '../lib/errors.js'
import { addRouteHook } from '../lib/http.js'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Errors answer in RFC 6749 §5.2's JSON (`error`, `error_description`), not problem details. */
    oauthErrors?: boolean
  }
}

interface AjvError {
  instancePath: string
  keyword: string
  message?: string
  params: Record<string, unknown>
}

function pointerFor(context: string, e: AjvError): string {
  const extra =
    e.keyword === 'required'
      ? `/${String(e.params.missingProperty)}`
      : e.keyword === 'additionalProperties'
        ? `/${String(e.params.additionalProperty)}`
        : ''
  return `/${context}${e.instancePath}${extra}`
}

function detailFor(e: AjvError): string {
  if (e.keyword === 'additionalProperties') return `unknown property "${String(e.params.additionalProperty)}"`
  if (e.keyword === 'required') return `"${String(e.params.missingProperty)}" is required`
  if (e.keyword === 'enum' && Array.isArray(e.params.allowedValues))
    return `must be one of: ${e.params.allowedValues.join(', ')}`
  return e.message ?? 'is invalid'
}

const statusToCode: Record<number, ProblemCode> = {
  400: 'bad_request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  410: 'gone',
  412: 'precondition_failed',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  428: 'precondition_required',
  429: 'rate_limited',
  503: 'service_unavailable',
}

/** The media types a route's body may be sent as: its `consumes`, else JSON (and a form for OAuth). */
export function acceptedTypes(request: FastifyRequest | undefined): string[] {
  const route = request?.routeOptions
  const consumes = (route?.schema as { consumes?: string[] } | undefined)?.consumes
  if (consumes?.length) return consumes
  return route?.config?.oauthErrors ? ['application/x-www-form-urlencoded', 'application/json'] : ['application/json']
}

function unsupportedMediaType(request: FastifyRequest | undefined, cause?: unknown): AppError {
  const given =
    String(request?.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim() || 'no content type'
  const accepted = acceptedTypes(request)
  const detail = accepted.includes('text/csv')
    ? `This operation does not take ${given}: send text/csv or application/x-ndjson with --data-binary (accepted: ${accepted.join(', ')}).`
    : `This operation does not take ${given}: send ${accepted.join(' or ')}.`
  return new AppError('unsupported_media_type', detail, { cause })
}

/**
 * PostgreSQL's data exceptions (class 22: out of range, invalid text, a NUL byte) and
 * nesting limits are caused by the values a caller sent, never by the server's state.
 */
function isInputRejectedByDatabase(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && /^(22[0-9A-Z]{3}|54001)$/.test(code) && (e as Error).name === 'PostgresError')
      return true
  }
  return false
}

/** Fastify's own 4xx answers, with details that tell the caller what to do instead. */
function frameworkDetail(e: FastifyError, request: FastifyRequest | undefined): string {
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': {
      const limit = request?.routeOptions?.bodyLimit
      return limit
        ? `The request body is larger than this operation's limit of ${Math.round(limit / 1024 / 1024)} MB.`
        : 'The request body is too large.'
    }
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return 'A path segment is longer than any id (ids are at most 100 characters).'
    case 'FST_ERR_BAD_URL':
      return 'The URL is not valid: a path segment has a malformed percent-encoding.'
    // Fastify drops the parser's reason, so both refusals of secure-json-parse are named.
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'The body is not valid JSON, or it has a "__proto__" or "constructor.prototype" key.'
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The body is empty, but its content-type says JSON: send a JSON document.'
    default:
      if (e instanceof SyntaxError || e.name === 'SyntaxError')
        return /prototype/i.test(e.message)
          ? 'The body may not contain "__proto__" or "constructor.prototype" keys.'
          : `The body is not valid JSON: ${e.message}.`
      return e.message
  }
}

/** Turns anything thrown into an AppError; internals never reach the caller. */
export function toAppError(err: unknown, request?: FastifyRequest): AppError {
  if (err instanceof AppError) return err
  const e = err as FastifyError & { validation?: AjvError[]; validationContext?: string }
  if (e?.validation) {
    const seen = new Set<string>()
    const errors: FieldError[] = e.validation
      .map((v) => ({ pointer: pointerFor(e.validationContext ?? 'body', v), detail: detailFor(v) }))
      .filter((fe) => !seen.has(fe.pointer + fe.detail) && seen.add(fe.pointer + fe.detail))
    return new AppError(
      'validation_failed',
      `The request has ${errors.length} invalid field${errors.length === 1 ? '' : 's'}.`,
      { errors },
    )
  }
  if (isInputRejectedByDatabase(err))
    return new AppError('bad_request', 'A value in the request is out of range or is not valid text.', { cause: err })
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 500
  if (status === 415) return unsupportedMediaType(request, err)
  if (status < 500 && statusToCode[status]) {
    // Fastify's own 4xx messages (bad JSON, wrong content type, body too large) are safe to show.
    return new AppError(statusToCode[status], frameworkDetail(e, request), { cause: err })
  }
  if (status === 503)
    return new AppError('service_unavailable', 'The service is temporarily unavailable; retry later.', { cause: err })
  return new AppError('internal', 'An unexpected error occurred. Quote the request id when you report it.', {
    cause: err,
  })
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, err: AppError) {
  if (err.headers) reply.headers(err.headers)
  return reply
    .code(err.status)
    .type('application/problem+json')
    .send(toProblem(err, String(request.id), request.url.split('?')[0]))
}

/** RFC 6749 §5.2: the token endpoint's errors are `{ error, error_description }` JSON. */
function sendOAuthError(reply: FastifyReply, err: AppError) {
  if (err.headers) reply.headers(err.headers)
  return reply
    .code(err.status)
    .type('application/json; charset=utf-8')
    .send({ error: 'invalid_request', error_description: err.message })
}

function answer(err: unknown, request: FastifyRequest, reply: FastifyReply) {
  const appErr = toAppError(err, request)
  if (appErr.status >= 500) request.log.error({ err, requestId: request.id }, 'request failed')
  else request.log.info({ code: appErr.code, detail: appErr.message }, 'request refused')
  // Rate limiting keeps its problem answer everywhere: clients handle 429 the same on every route.
  if (request.routeOptions?.config?.oauthErrors && appErr.status < 500 && appErr.status !== 429)
    return sendOAuthError(reply, appErr)
  return sendProblem(reply, request, appErr)
}

/**
 * Errors Fastify answers before a route is found (a path segment over `maxParamLength`,
 * a malformed percent-encoding): the `frameworkErrors` server option.
 */
export function answerFrameworkError(err: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  reply.header('request-id', request.id)
  return answer(err, request, reply)
}

/**
 * What Node refuses before Fastify sees a request (a request line and headers over 16 KiB, a
 * malformed request line) is answered as a problem too, on the raw socket, then closed.
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW'
  const problem = toProblem(
    tooLarge
      ? new AppError(
          'headers_too_large',
          'The request line and headers exceed 16 KiB; send long filters in a request body or shorten the URL.',
        )
      : new AppError('bad_request', 'The request is not valid HTTP/1.1.'),
  )
  const body = JSON.stringify(problem)
  if (!socket.writable) return void socket.destroy()
  socket.end(
    `HTTP/1.1 ${problem.status} ${problem.title}\r\nContent-Type: application/problem+json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  )
}

/**
 * Longer URLs are refused before routing. Node itself refuses a request line and headers
 * over 16 KiB; this leaves room for the headers and says what to do instead.
 */
export const MAX_URL_LENGTH = 8192

interface KnownRoute {
  method: string
  pattern: RegExp
  oauthErrors: boolean
}

/** A route's path (`/v1/events/:id`, `/docs/*`) as a regular expression over request paths. */
function routePattern(url: string): RegExp {
  const source = url
    .split(/(:[A-Za-z0-9_]+(?:\([^)]*\))?|\*)/)
    // Odd parts are the captured parameters and wildcards; even parts are literal text.
    .map((part, i) => (i % 2 === 0 ? part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : part === '*' ? '.*' : '[^/]+'))
    .join('')
  return new RegExp(`^${source}$`)
}

const hasBody = (request: FastifyRequest) =>
  request.headers['content-length'] !== undefined || request.headers['transfer-encoding'] !== undefined

const COERCED = ['query', 'params'] as const

/** Non-finite numbers only come from coercing a query or path value like "1e400". */
function refuseNonFiniteNumbers(request: FastifyRequest): AppError | undefined {
  // Every request passes here: nothing is allocated unless a value is refused.
  let errors: FieldError[] | undefined
  for (const context of COERCED) {
    const values = request[context] as Record<string, unknown> | undefined
    if (!values || typeof values !== 'object') continue
    for (const name in values) {
      const value = values[name]
      if (typeof value !== 'number' || Number.isFinite(value)) continue
      errors ??= []
      errors.push({ pointer: `/${context}/${name}`, detail: 'must be a finite number' })
    }
  }
  if (!errors) return undefined
  return new AppError(
    'validation_failed',
    `The request has ${errors.length} invalid field${errors.length === 1 ? '' : 's'}.`,
    { errors },
  )
}

export default fp(
  async function errorsPlugin(app: FastifyInstance) {
    app.setErrorHandler(answer)
    // Not async: a URL over the limit is rare, and every request passes here.
    app.addHook('onRequest', (request, _reply, done) => {
      if (request.url.length <= MAX_URL_LENGTH) return done()
      done(
        new AppError(
          'uri_too_long',
          `The URL is ${request.url.length} characters long; the limit is ${MAX_URL_LENGTH}. Send long values in a body.`,
        ),
      )
    })
    // A body parser is registered per content type for the whole app (JSON, form, uploads);
    // each operation takes only the types it declares. Only operations with a body carry the
    // check, first, where the app-wide hook ran.
    app.addHook('onRoute', (route) => {
      const schema = route.schema as { operationId?: string; body?: unknown }
      if (schema?.operationId && schema.body)
        addRouteHook(
          route,
          'preValidation',
          async (request: FastifyRequest) => {
            if (!hasBody(request) || request.body === undefined) return
            const type = String(request.headers['content-type'] ?? '')
              .split(';')[0]!
              .trim()
              .toLowerCase()
            if (!acceptedTypes(request).includes(type)) throw unsupportedMediaType(request)
          },
          { first: true },
        )
    })
    // App-wide, so it keeps its place before idempotency and rate limiting; not async.
    app.addHook('preHandler', (request, _reply, done) => done(refuseNonFiniteNumbers(request)))
    const routes: KnownRoute[] = []
    app.addHook('onRoute', (route) => {
      const pattern = routePattern(route.url)
      const oauthErrors = route.config?.oauthErrors === true
      for (const method of [route.method].flat()) routes.push({ method, pattern, oauthErrors })
    })
    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0]!
      const matching = routes.filter((r) => r.pattern.test(path))
      const allowed = [...new Set(matching.map((r) => r.method))]
      if (allowed.includes('GET') && !allowed.includes('HEAD')) allowed.push('HEAD')
      if (!allowed.length || allowed.includes(request.method))
        return sendProblem(reply, request, new AppError('not_found', `No route ${request.method} ${path}.`))
      allowed.sort()
      const refused = new AppError(
        'method_not_allowed',
        `${path} does not take ${request.method}: use ${allowed.join(', ')}.`,
        { headers: { allow: allowed.join(', ') } },
      )
      return matching.some((r) => r.oauthErrors) ? sendOAuthError(reply, refused) : sendProblem(reply, request, refused)
    })
  },
  { name: 'errors' },
)
