import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import scalar from '@scalar/fastify-api-reference'
import { scopeDescriptions } from '../lib/scopes.js'
import type { ShowrunnerModule } from '../modules/types.js'
import { webhooksSection } from '../lib/event-catalog.js'

declare module 'fastify' {
  interface FastifyInstance {
    openapiDocument(): Record<string, any>
  }
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
          description:
            'Open, headless API for live-stream commerce (直播电商): MCN agencies, anchors, sessions, selection, interaction and after-sales.',
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
      const schemas = doc.components?.schemas as Record<string, unknown> | undefined
      if (schemas)
        doc.components.schemas = Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => (a < b ? -1 : 1)))
      doc.webhooks = webhooksSection()
      return doc
    })

    app.get('/openapi.json', { schema: { hide: true } }, async () => app.openapiDocument())
    await app.register(scalar, {
      routePrefix: '/docs',
      configuration: { url: '/openapi.json', title: 'Showrunner API' },
    })
  },
  { name: 'openapi', dependencies: ['schemas'] },
)
