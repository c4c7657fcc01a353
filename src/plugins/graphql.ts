import type { FastifyInstance } from 'fastify'
import mercurius from 'mercurius'
import { toAppError } from './errors.js'
import type { ShowrunnerModule } from '../modules/types.js'

const baseTypeDefs = `type Query { _service: String }`

/**
 * GraphQL over the same services as REST. Registered in its own encapsulated context,
 * so the authentication hook below guards /graphql only; scopes are checked per field.
 */
export default async function graphqlPlugin(app: FastifyInstance, opts: { modules: ShowrunnerModule[] }) {
  const withGraphql = opts.modules.filter((m) => m.graphql)
  const resolvers: Record<string, Record<string, unknown>> = {}
  for (const m of withGraphql) {
    for (const [type, fields] of Object.entries(m.graphql!.resolvers))
      resolvers[type] = { ...resolvers[type], ...(fields as object) }
  }
  const loaders = Object.assign({}, ...withGraphql.map((m) => m.graphql!.loaders ?? {}))

  app.addHook('onRequest', async (request) => {
    if (request.url.startsWith('/graphql')) await app.authenticate(request, [])
  })

  await app.register(mercurius, {
    schema: [baseTypeDefs, ...withGraphql.map((m) => m.graphql!.typeDefs)],
    resolvers: resolvers as never,
    loaders,
    path: '/graphql',
    graphiql: app.config.NODE_ENV === 'development',
    queryDepth: 8,
    context: (request) => ({ ctx: request.ctx }),
    errorFormatter: (execution, context) => {
      const formatted = mercurius.defaultErrorFormatter(execution, context)
      const errors = (execution.errors ?? []).map((e) => {
        // No original error: the query itself is malformed, too deep, or names unknown fields.
        if (!e.originalError)
          return {
            message: e.message,
            locations: e.locations,
            path: e.path,
            extensions: { code: 'bad_request', status: 400 },
          }
        const appErr = toAppError(e.originalError)
        if (appErr.status >= 500) app.log.error({ err: e.originalError }, 'graphql resolver failed')
        return {
          message: appErr.message,
          locations: e.locations,
          path: e.path,
          extensions: { code: appErr.code, status: appErr.status },
        }
      })
      // An error raised before execution (authentication) keeps its HTTP status.
      const requestLevel =
        !execution.data &&
        errors.length === 1 &&
        !errors[0]!.path &&
        typeof errors[0]!.extensions.status === 'number' &&
        errors[0]!.extensions.status !== 400
      return {
        statusCode: requestLevel ? (errors[0]!.extensions.status as number) : formatted.statusCode,
        response: { data: execution.data ?? null, errors },
      }
    },
  })
}
