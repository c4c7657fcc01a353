import fp from 'fastify-plugin'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, toProblem, type FieldError, type ProblemCode } from '../lib/errors.js'

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
  415: 'unsupported_media_type',
  422: 'unprocessable',
  428: 'precondition_required',
  429: 'rate_limited',
  503: 'service_unavailable',
}

/** Turns anything thrown into an AppError; internals never reach the caller. */
export function toAppError(err: unknown): AppError {
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
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 500
  if (status < 500 && statusToCode[status]) {
    // Fastify's own 4xx messages (bad JSON, wrong content type, body too large) are safe to show.
    return new AppError(statusToCode[status], e.message, { cause: err })
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

export default fp(
  async function errorsPlugin(app: FastifyInstance) {
    app.setErrorHandler((err, request, reply) => {
      const appErr = toAppError(err)
      if (appErr.status >= 500) request.log.error({ err, requestId: request.id }, 'request failed')
      else request.log.info({ code: appErr.code, detail: appErr.message }, 'request refused')
      return sendProblem(reply, request, appErr)
    })
    app.setNotFoundHandler((request, reply) =>
      sendProblem(
        reply,
        request,
        new AppError('not_found', `No route ${request.method} ${request.url.split('?')[0]}.`),
      ),
    )
  },
  { name: 'errors' },
)
