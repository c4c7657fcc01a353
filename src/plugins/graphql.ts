import fastifyStatic from '@fastify/static'
import { getDistDirectory, isSandboxFrame, renderAltair, SANDBOX_FRAME_CSP } from 'altair-static'
import type { FastifyInstance } from 'fastify'
import { printSchema, type GraphQLError } from 'graphql'
import mercurius from 'mercurius'
import { toAppError } from './errors.js'
import type { ShowrunnerModule } from '../modules/types.js'
import { buildGraphQLSchema } from '../lib/graphql-schema.js'
import { depthLimit } from '../lib/graphql-depth.js'

/** Query fields any authenticated caller may read: `viewer` only describes the caller's own token. */
export const PUBLIC_FIELDS = ['viewer']
export const QUERY_DEPTH_LIMIT = 8
/** The in-browser GraphQL IDE, development only. */
export const IDE_PATH = '/graphiql'

/** The executable schema from every module's contribution; throws on a field without a scope. */
export function graphqlSchemaFor(modules: ShowrunnerModule[]) {
  return buildGraphQLSchema(
    modules.flatMap((m) => (m.graphql ? [m.graphql] : [])),
    { publicFields: PUBLIC_FIELDS },
  )
}

/** The SDL committed as openapi/schema.graphql. */
export function graphqlSDL(modules: ShowrunnerModule[]): string {
  return `${printSchema(graphqlSchemaFor(modules).schema)}\n`
}

const badRequest = (e: GraphQLError | (Error & Partial<GraphQLError>)) => ({
  message: e.message,
  locations: e.locations,
  path: e.path,
  extensions: { code: 'bad_request', status: 400 },
})

/**
 * Altair, served entirely from the altair-static package (HTML, scripts, fonts, the script
 * sandbox frame), so it works with no internet; mercurius' GraphiQL loads React and GraphiQL
 * from unpkg. Altair's cloud account is turned off for the same reason. A token from
 * POST /oauth/token goes in the prepared Bearer authorization.
 */
async function graphqlIde(app: FastifyInstance) {
  const page = renderAltair({
    baseURL: `${IDE_PATH}/`,
    endpointURL: '/graphql',
    initialName: 'Showrunner',
    initialQuery: '{ viewer { tenant_id organization_kind scopes } }',
    initialAuthorization: { type: 'bearer', data: { token: '' } },
    disableAccount: true,
  })
  app.get(IDE_PATH, { schema: { hide: true } }, (_request, reply) => reply.redirect(`${IDE_PATH}/`))
  app.get(`${IDE_PATH}/`, { schema: { hide: true } }, (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(page),
  )
  await app.register(fastifyStatic, {
    root: getDistDirectory(),
    prefix: `${IDE_PATH}/`,
    index: false,
    decorateReply: false,
    // Altair runs pre-request scripts in this frame and expects it isolated from the page.
    setHeaders: (reply, path) => {
      if (isSandboxFrame(path)) reply.header('content-security-policy', SANDBOX_FRAME_CSP)
    },
  })
}

/**
 * GraphQL over the same services as REST. Registered in its own encapsulated context,
 * so the authentication hook below guards /graphql only; scopes are checked per field
 * by the schema builder.
 */
export default async function graphqlPlugin(app: FastifyInstance, opts: { modules: ShowrunnerModule[] }) {
  const { schema, loaders } = graphqlSchemaFor(opts.modules)
  if (app.config.NODE_ENV === 'development') await graphqlIde(app)

  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/graphql')) await app.authenticate(request, [])
  })

  await app.register(mercurius, {
    schema,
    // Mercurius types loaders against its own context; ours read `ctx` from the same object.
    loaders: loaders as never,
    path: '/graphql',
    graphiql: false,
    validationRules: [depthLimit(QUERY_DEPTH_LIMIT)],
    context: (request) => ({ ctx: request.ctx }),
    errorFormatter: (execution, context) => {
      const formatted = mercurius.defaultErrorFormatter(execution, context)
      let invalid = false
      const errors = (execution.errors ?? []).flatMap((e) => {
        // Mercurius wraps a query that fails to parse or validate in one error holding the real ones.
        const wrapped = (e.originalError as { errors?: unknown } | undefined)?.errors
        if (Array.isArray(wrapped)) {
          invalid = true
          return (wrapped as GraphQLError[]).map(badRequest)
        }
        // No original error: the query itself is malformed.
        if (!e.originalError) return [badRequest(e)]
        const appErr = toAppError(e.originalError)
        if (appErr.status >= 500) app.log.error({ err: e.originalError }, 'graphql resolver failed')
        return [
          {
            message: appErr.message,
            locations: e.locations,
            path: e.path,
            extensions: { code: appErr.code, status: appErr.status },
          },
        ]
      })
      // An error raised before execution (authentication) keeps its HTTP status.
      const requestLevel =
        !execution.data &&
        errors.length === 1 &&
        !errors[0]!.path &&
        typeof errors[0]!.extensions.status === 'number' &&
        errors[0]!.extensions.status !== 400
      const statusCode = invalid ? 400 : requestLevel ? (errors[0]!.extensions.status as number) : formatted.statusCode
      return { statusCode, response: { data: execution.data ?? null, errors } }
    },
  })
}
