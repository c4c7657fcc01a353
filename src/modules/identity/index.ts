import type { ShowrunnerModule } from '../types.js'
import type { GraphQLContext } from '../../lib/graphql.js'
import { resolver, pageArgs } from '../../lib/graphql.js'
import * as identity from './service.js'
import { identityRoutes, oauthRoutes } from './routes.js'

export { organizationKind } from './service.js'

export const identityModule: ShowrunnerModule = {
  name: 'identity',
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
}
