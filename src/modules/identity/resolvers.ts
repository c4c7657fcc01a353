import { Type } from 'typebox'
import type { Ctx } from '../../lib/context.js'
import { graphqlType, queryField, type GraphQLContribution } from '../../lib/graphql.js'
import { PageQuery } from '../../lib/schemas.js'
import { InstallationList, OrganizationKind, ScopeName } from './schemas.js'
import * as identity from './service.js'

/** GraphQL only (REST has no such resource), so it is named without entering the OpenAPI document. */
export const Viewer = graphqlType(
  'Viewer',
  Type.Object(
    {
      client_id: Type.String(),
      organization_id: Type.String(),
      organization_kind: OrganizationKind,
      tenant_id: Type.String(),
      installation_id: Type.Union([Type.String(), Type.Null()], {
        description: 'Set when a provider app acts in an MCN through an installation',
      }),
      scopes: Type.Array(ScopeName),
    },
    { description: 'The caller, as its access token identifies it' },
  ),
)

const viewer = ({ actor, tenantId }: Ctx) => ({
  client_id: actor.clientId,
  organization_id: actor.organizationId,
  organization_kind: actor.organizationKind,
  tenant_id: tenantId,
  installation_id: actor.installationId ?? null,
  scopes: actor.scopes,
})

export const identityGraphql: GraphQLContribution = {
  types: [Viewer, InstallationList],
  enums: { OrganizationKind },
  query: {
    // On the public list: it only describes the caller's own token.
    viewer: queryField({ type: Viewer, resolve: viewer }),
    installations: queryField({
      type: InstallationList,
      args: PageQuery,
      page: true,
      scope: 'apps:read',
      resolve: (ctx, args) => identity.listInstallations(ctx, args),
    }),
  },
}
