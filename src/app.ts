import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
  type RouteOptions,
} from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import formbody from '@fastify/formbody'
import SerializerSelector from '@fastify/fast-json-stringify-compiler'
import infrastructure, { type Infrastructure } from './plugins/infrastructure.js'
import errors, { answerClientError, answerFrameworkError } from './plugins/errors.js'
import { AppError } from './lib/errors.js'
import { newTypeId } from './lib/ids.js'
import schemas from './plugins/schemas.js'
import openapi from './plugins/openapi.js'
import auth from './plugins/auth.js'
import idempotency from './plugins/idempotency.js'
import rateLimit from './plugins/rate-limit.js'
import graphql from './plugins/graphql.js'
import { importContentTypes } from './modules/jobs/index.js'
import { isScope } from './lib/scopes.js'
import { modules } from './modules/index.js'

export interface BuildOptions extends Infrastructure {
  /** A pino instance to share with the runtime, or Fastify logger options. */
  logger?: FastifyBaseLogger | FastifyServerOptions['logger']
}

/**
 * fast-json-stringify compiles a serializer per route and status; most share one schema
 * (every error answer is `$ref: Problem`), so compiled serializers are reused by schema.
 * This takes seconds off start-up.
 */
const memoizedSerializers: SerializerSelector.SerializerFactory = (externalSchemas, options) => {
  const compile = SerializerSelector()(externalSchemas, options)
  const cache = new Map<string, SerializerSelector.Serializer>()
  return (route) => {
    const key = JSON.stringify(route.schema)
    let serializer = cache.get(key)
    if (!serializer) {
      serializer = compile(route)
      cache.set(key, serializer)
    }
    return serializer
  }
}

const isLogger = (l: unknown): l is FastifyBaseLogger =>
  typeof l === 'object' && l !== null && typeof (l as FastifyBaseLogger).child === 'function'

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

const nulInBody = () =>
  new AppError('bad_request', 'The body contains a NUL character (\\u0000), which no field accepts.')

function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\0')
  if (Array.isArray(value)) return value.some(containsNul)
  if (value && typeof value === 'object')
    return Object.entries(value).some(([k, v]) => k.includes('\0') || containsNul(v))
  return false
}

/**
 * The `/v1` routes that answer without a token, as `METHOD /v1/path` (the path as
 * declared, e.g. `/v1/things/:id`). A route leaves authentication only by being listed
 * here, so that decision is made and reviewed in this one place; `security: []` on a route
 * that is not listed is refused.
 */
export const publicV1Routes: ReadonlySet<string> = new Set<string>([
  // The transcoder holds no API client: its callbacks are authenticated by a Standard Webhooks
  // signature over the body with TRANSCODER_SECRET (src/modules/media/routes.ts), refused with 401 otherwise.
  'POST /v1/media/callbacks/:adapter',
])

/**
 * Security fails closed: the auth plugin authenticates a request only when its route
 * declares `schema.security`, so a `/v1` route without one would be open to anyone.
 * Such a route stops the app at boot instead.
 */
function refuseUnsecuredV1Route(route: RouteOptions): void {
  if (route.url !== '/v1' && !route.url.startsWith('/v1/')) return
  const security = (route.schema as { security?: unknown } | undefined)?.security
  const secured = Array.isArray(security) && security.length > 0
  // A scope no module declares can be granted to nobody: the route would answer 403 forever.
  const undeclared = secured
    ? (security as Record<string, string[]>[]).flatMap((s) => Object.values(s).flat()).filter((s) => !isScope(s))
    : []
  if (undeclared.length)
    throw new Error(
      `${[route.method].flat().join(',')} ${route.url} requires undeclared scopes: ${undeclared.join(', ')}.`,
    )
  for (const method of [route.method].flat()) {
    if (secured || publicV1Routes.has(`${method} ${route.url}`)) continue
    throw new Error(
      `${method} ${route.url} declares no security: give it \`schema.security\` (requireScopes(...)), or, if it must answer without a token, list it in publicV1Routes in src/app.ts.`,
    )
  }
}

/**
 * The whole API as one Fastify instance built from plugins; the CLI and the tests boot
 * the same app (tests without a network).
 */
export async function buildApp(opts: BuildOptions): Promise<FastifyInstance> {
  const app = Fastify({
    ...(isLogger(opts.logger)
      ? { loggerInstance: opts.logger }
      : { logger: opts.logger ?? { level: opts.config.LOG_LEVEL } }),
    // A caller's own request-id is kept when it is sane, so traces join across systems.
    genReqId: (req) => {
      const given = req.headers['request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : newTypeId('req')
    },
    bodyLimit: 50 * 1024 * 1024,
    // Ajv: coerce query strings, keep unknown body fields visible to `additionalProperties: false`.
    // allowUnionTypes: attribute values are one `type` list so that coercion cannot change a JSON value's type.
    ajv: {
      customOptions: {
        coerceTypes: 'array',
        allowUnionTypes: true,
        removeAdditional: false,
        useDefaults: true,
        allErrors: true,
      },
    },
    schemaController: { compilersFactory: { buildSerializer: memoizedSerializers } },
    // Errors raised before routing (an over-long id, a broken percent-encoding) are problems too.
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  }).withTypeProvider<TypeBoxTypeProvider>()

  // Not async: it runs on every request and has nothing to wait for.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('request-id', request.id)
    done()
  })
  // PostgreSQL refuses a NUL in text and jsonb, so it is refused here as bad input instead.
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) =>
    parseJson(request, body as string, (err, value) => {
      if (err) return done(err)
      if (/\\u0000/i.test(body as string) && containsNul(value)) return done(nulInBody(), undefined)
      done(null, value)
    }),
  )
  const utf8 = new TextDecoder('utf-8', { fatal: true })
  for (const type of Object.keys(importContentTypes)) {
    app.addContentTypeParser(type, { parseAs: 'buffer' }, (_req, body, done) => {
      let text: string
      try {
        text = utf8.decode(body as Buffer)
      } catch {
        return done(new AppError('bad_request', 'The upload is not UTF-8 text.'), undefined)
      }
      if (text.includes('\0')) return done(nulInBody(), undefined)
      done(null, text)
    })
  }

  // Before any plugin or module adds a route, so none is missed.
  app.addHook('onRoute', refuseUnsecuredV1Route)
  await app.register(infrastructure, opts)
  await app.register(errors)
  await app.register(formbody)
  await app.register(schemas)
  await app.register(openapi, { modules })
  await app.register(auth)
  await app.register(rateLimit)
  await app.register(idempotency)

  for (const m of modules) {
    if (m.rootRoutes) await app.register(m.rootRoutes)
    if (m.routes) await app.register(m.routes, { prefix: '/v1' })
  }
  await app.register(graphql, { modules })
  return app
}
