import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import swagger from '@fastify/swagger'
import scalar from '@scalar/fastify-api-reference'
import { scopes } from '../lib/scopes.js'
import { webhooksSection } from '../lib/event-catalog.js'

export const tags = [
  { name: 'System', description: 'Health and readiness' },
  { name: 'OAuth', description: 'Client-credentials tokens and signing keys' },
  { name: 'Organizations', description: 'Organizations and API clients' },
  { name: 'Apps', description: 'Provider apps and their installations into MCN accounts' },
  { name: 'Audit', description: 'Who changed what' },
  { name: 'Events', description: 'The event history and webhook catalog' },
  { name: 'Jobs', description: 'Long-running work: imports, exports, replays' },
  { name: 'Suppliers', description: 'Suppliers, admission, inspections and surveys (选品)' },
  { name: 'Products', description: 'Products and SKUs' },
  { name: 'Supply pools', description: 'Anchor-exclusive product pools (主播专供商品池)' },
  { name: 'Anchors', description: 'Anchors (主播) and their sales history' },
  { name: 'Selection', description: 'Ranked recommendations and brand-tier strategy checks' },
]

declare module 'fastify' {
  interface FastifyInstance {
    openapiDocument(): Record<string, any>
  }
}

export default fp(
  async function openapiPlugin(app: FastifyInstance) {
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
              flows: { clientCredentials: { tokenUrl: '/oauth/token', scopes } },
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
