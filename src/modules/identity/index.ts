import { defineModule } from '../types.js'
import type { GraphQLContext } from '../../lib/graphql.js'
import { resolver, pageArgs } from '../../lib/graphql.js'
import * as identity from './service.js'
import { identityRoutes, oauthRoutes } from './routes.js'

export const identityModule = defineModule({
  name: 'identity',
  scopes: {
    'apps:read': 'Read apps and installations',
    'apps:write': 'Register apps, install and uninstall them',
    'clients:write': 'Create, rotate and revoke API client credentials',
    'organizations:write': 'Create organizations (platform operator only)',
  },
  idPrefixes: { organization: 'org', client: 'cli', app: 'app', installation: 'ins', signingKey: 'key' },
  tags: [
    { name: 'OAuth', description: 'Client-credentials tokens and signing keys' },
    { name: 'Organizations', description: 'Organizations and API clients' },
    { name: 'Apps', description: 'Provider apps and their installations into MCN accounts' },
  ],
  rootRoutes: oauthRoutes,
  routes: identityRoutes,
  graphql: {
    typeDefs: `
      type Viewer { clientId: String!, organizationId: String!, organizationKind: String!, tenantId: String!, installationId: String, scopes: [String!]! }
      type Installation { id: ID!, mcn_id: String!, app_id: String!, provider_id: String!, granted_scopes: [String!]!, revoked_at: String, created_at: String!, version: Int! }
      type InstallationPage { data: [Installation!]!, next_cursor: String }
      extend type Query {
        viewer: Viewer!
        installations(first: Int, after: String): InstallationPage!
      }
    `,
    resolvers: {
      Query: {
        viewer: (_root: unknown, _args: unknown, { ctx }: GraphQLContext) => ({ ...ctx.actor, tenantId: ctx.tenantId }),
        installations: resolver('apps:read', (ctx, args: { first?: number; after?: string }) =>
          identity.listInstallations(ctx, pageArgs(args)),
        ),
      },
    },
  },
})
