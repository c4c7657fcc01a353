import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import scalar from '@scalar/fastify-api-reference'
import { scopeDescriptions } from '../lib/scopes.js'
import type { ShowrunnerModule } from '../modules/types.js'
import { webhooksSection } from '../lib/event-catalog.js'
import { problemExamples, REQUEST_EXAMPLES, RESPONSE_EXAMPLES } from '../lib/schemas.js'

const gettingStarted = `Open, headless API for live-stream commerce (直播电商): MCN agencies, anchors, sessions, selection, interaction and after-sales.

## Getting started

1. **Credentials.** Every call under \`/v1\` needs an OAuth 2.0 access token (client credentials). A client id and secret are shown once when the client is created (\`POST /v1/clients\`, or \`showrunner admin create-client\` on the database host for the very first one). An app installed in an MCN asks for an installation token by adding \`installation_id\`.
2. **Token.** \`curl -u "$CLIENT_ID:$CLIENT_SECRET" -d grant_type=client_credentials -d "scope=catalog:read" http://127.0.0.1:3000/oauth/token\` answers \`{ "access_token": "…", "token_type": "Bearer", "expires_in": …, "scope": "catalog:read" }\`.
3. **First call.** \`curl -H "authorization: Bearer $TOKEN" http://127.0.0.1:3000/v1/products\`.

## Conventions

- **Money** is an integer in **minor units** of an **ISO 4217 currency**: \`{ "amount": 3990, "currency": "CNY" }\` is ¥39.90; for JPY (no minor unit) \`3990\` is ¥3,990. Times are RFC 3339 UTC; ids are prefixed and sortable (\`prd_…\`).
- **Pagination.** Lists take \`?limit=\` (1–200, default 50) and \`?cursor=\` and answer \`{ "data": [...], "next_cursor": "…" }\`; pass \`next_cursor\` back as \`cursor\` until it is \`null\`.
- **Errors** are RFC 9457 \`application/problem+json\` with a stable \`type\`, a \`detail\` that says how to fix the request, the \`request_id\`, and for validation \`errors: [{ pointer, detail }]\`. \`/oauth/token\` answers RFC 6749's \`{ error, error_description }\` instead.
- **Idempotency.** Send \`Idempotency-Key\` (at most 255 characters, kept 24 hours) on a POST that creates or moves something: a replay returns the first response, the same key with another body is a 422, a concurrent twin a 409. Updates take \`If-Match\` with the resource's ETag; a stale one is a 412.
- **Rate limits** are per client and installation. Every response carries \`RateLimit-Policy\` and \`RateLimit\` headers; past the limit the answer is a 429 with \`Retry-After\`.
- **Long work** (imports, exports, replays) answers 202 with a \`Location\` to \`GET /v1/jobs/{id}\`.
`

declare module 'fastify' {
  interface FastifyInstance {
    openapiDocument(): Record<string, any>
  }
}

type Media = { schema?: { $ref?: string; examples?: unknown[] }; example?: unknown; examples?: unknown }
type Operation = {
  requestBody?: { content?: Record<string, Media> }
  responses?: Record<string, { content?: Record<string, Media> }>
  [REQUEST_EXAMPLES]?: Record<string, unknown>
  [RESPONSE_EXAMPLES]?: Record<string, unknown>
}

/**
 * Every request and response shows a payload: a media type whose schema is a named one takes that
 * schema's example (written once, with `named()`), unless its route gives one (`requestExamples()`
 * per media type for uploads, since a CSV and a JSON-lines file of the same rows differ;
 * `responseExamples()` per status). A media type that has examples already (the shared problem
 * responses) keeps them.
 */
function fillMediaExamples(operation: Operation, schemas: Record<string, { examples?: unknown[] } | undefined>) {
  const requests = operation[REQUEST_EXAMPLES] ?? {}
  const responses = operation[RESPONSE_EXAMPLES] ?? {}
  delete operation[REQUEST_EXAMPLES]
  delete operation[RESPONSE_EXAMPLES]
  for (const type of Object.keys(requests))
    if (!operation.requestBody?.content?.[type])
      throw new Error(`a request example is given for ${type}, which the operation does not take`)
  for (const status of Object.keys(responses))
    if (!operation.responses?.[status]?.content)
      throw new Error(`a response example is given for ${status}, which the operation does not answer with a body`)
  const fill = (content: Record<string, Media> | undefined, given: (type: string) => unknown) => {
    if (!content) return
    for (const [type, media] of Object.entries(content)) {
      if (media.example !== undefined || media.examples !== undefined) continue
      const named = media.schema?.$ref?.replace('#/components/schemas/', '')
      const example = given(type) ?? (named ? schemas[named]?.examples?.[0] : undefined)
      // @fastify/swagger gives all the media types of one body the same object: each gets its own.
      if (example !== undefined) content[type] = { ...media, example }
    }
  }
  fill(operation.requestBody?.content, (type) => requests[type])
  for (const [status, response] of Object.entries(operation.responses ?? {}))
    fill(response.content, () => responses[status])
}

export default fp(
  async function openapiPlugin(app: FastifyInstance, opts: { modules: ShowrunnerModule[] }) {
    // Each module brings its tags; the reference shows them in module order.
    const tags = opts.modules.flatMap((m) => m.tags ?? [])
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Showrunner API',
          version: '1.0.0',
          license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
          description: gettingStarted,
        },
        servers: [{ url: app.config.publicUrl }],
        tags,
        components: {
          securitySchemes: {
            oauth2: {
              type: 'oauth2',
              description: 'OAuth 2.0 client credentials; JWT access tokens',
              flows: { clientCredentials: { tokenUrl: '/oauth/token', scopes: scopeDescriptions() } },
            },
          },
        },
      },
      // Name components after their $id instead of def-0, def-1 (fastify-swagger#501).
      refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
      hideUntagged: true,
    })

    app.decorate('openapiDocument', () => {
      const doc = app.swagger() as Record<string, any>
      // Named schemas in name order, so the document does not depend on the order modules are imported in.
      const schemas = doc.components?.schemas as Record<string, { examples?: unknown[] }> | undefined
      if (schemas)
        doc.components.schemas = Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => (a < b ? -1 : 1)))
      for (const item of Object.values(doc.paths as Record<string, Record<string, Operation>>))
        for (const operation of Object.values(item)) fillMediaExamples(operation, schemas ?? {})
      // The shared error responses refer to these, so each problem example is in the document once;
      // one that no operation can answer (a status no route declares) is left out.
      const paths = JSON.stringify(doc.paths)
      doc.components.examples = Object.fromEntries(
        Object.entries(problemExamples).filter(([name]) => paths.includes(`"#/components/examples/${name}"`)),
      )
      // A webhook is a call we make to the subscriber, signed by us: no token of ours applies.
      doc.webhooks = Object.fromEntries(
        Object.entries(webhooksSection() as Record<string, Record<string, Record<string, unknown>>>).map(
          ([name, item]) => [
            name,
            Object.fromEntries(Object.entries(item).map(([method, op]) => [method, { ...op, security: [] }])),
          ],
        ),
      )
      return doc
    })

    app.get('/openapi.json', { schema: { hide: true } }, async () => app.openapiDocument())
    await app.register(scalar, {
      routePrefix: '/docs',
      configuration: {
        url: '/openapi.json',
        title: 'Showrunner API',
        metaData: { title: 'Showrunner API' },
        // The reference works offline and on its own: no hosted client, no developer toolbar, nothing reported home.
        hideClientButton: true,
        showDeveloperTools: 'never',
        telemetry: false,
      },
    })
  },
  { name: 'openapi', dependencies: ['schemas'] },
)
