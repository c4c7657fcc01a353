import { Type, type Static } from 'typebox'
import { Body, Id, named, Page, ref, StringEnum, Timestamp } from '../../lib/schemas.js'
import { allScopes } from '../../lib/scopes.js'

// The enum is the live list of declared scopes, not a copy: modules declare theirs after this
// file is evaluated, and the list is complete when the schemas are registered at app build.
export const ScopeName = Type.Unsafe<string>({
  type: 'string',
  enum: allScopes,
  description: 'A resource scope such as catalog:read',
})
export const OrganizationKind = StringEnum(['mcn', 'provider', 'platform'] as const)

export const Organization = named(
  'Organization',
  Type.Object({ id: Id('org'), kind: OrganizationKind, name: Type.String(), created_at: Timestamp }),
)
export const OrganizationList = Page(Organization)

export const ApiClient = named(
  'ApiClient',
  Type.Object({
    id: Id('cli'),
    organization_id: Id('org'),
    name: Type.String(),
    scopes: Type.Array(ScopeName),
    app_id: Type.Union([Id('app'), Type.Null()]),
    revoked_at: Type.Union([Timestamp, Type.Null()]),
    created_at: Timestamp,
  }),
)
export const ApiClientList = Page(ApiClient)
export const ApiClientCredentials = named(
  'ApiClientCredentials',
  Type.Object({
    client: ref(ApiClient),
    client_secret: Type.String({ description: 'Shown once; store it now. Only a hash is kept.' }),
  }),
)
export const CreateApiClient = named(
  'CreateApiClient',
  Body({
    name: Type.String({ minLength: 1, maxLength: 200 }),
    scopes: Type.Optional(Type.Array(ScopeName, { uniqueItems: true })),
  }),
)
export const CreateOrganization = named(
  'CreateOrganization',
  Body({
    kind: OrganizationKind,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    // Described in the operation: a `$ref` carries no description of its own.
    first_client: Type.Optional(ref(CreateApiClient)),
  }),
)
export const CreatedOrganization = named(
  'CreatedOrganization',
  Type.Object({
    ...Organization.properties,
    first_client: Type.Optional(ref(ApiClientCredentials)),
  }),
)
export const RotateSecret = named(
  'RotateSecret',
  Body({
    overlap_seconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 604800,
        default: 3600,
        description: 'How long the old secret keeps working',
      }),
    ),
  }),
)

export const App = named(
  'App',
  Type.Object({
    id: Id('app'),
    provider_id: Id('org'),
    name: Type.String(),
    description: Type.Union([Type.String(), Type.Null()]),
    requested_scopes: Type.Array(ScopeName),
    created_at: Timestamp,
  }),
)
export const AppList = Page(App)
export const RegisterApp = named(
  'RegisterApp',
  Body({
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    requested_scopes: Type.Array(ScopeName, { minItems: 1, uniqueItems: true }),
  }),
)
export const RegisteredApp = named(
  'RegisteredApp',
  Type.Object({
    app: ref(App),
    client: ref(ApiClient),
    client_secret: Type.String({ description: 'The app client’s secret, shown once' }),
  }),
)

export const Installation = named(
  'Installation',
  Type.Object({
    id: Id('ins'),
    mcn_id: Id('org'),
    app_id: Id('app'),
    provider_id: Id('org'),
    granted_scopes: Type.Array(ScopeName),
    revoked_at: Type.Union([Timestamp, Type.Null()]),
    created_at: Timestamp,
    version: Type.Integer(),
  }),
)
export const InstallationList = Page(Installation)
export const CreateInstallation = named(
  'CreateInstallation',
  Body({
    app_id: Id('app'),
    scopes: Type.Optional(
      Type.Array(ScopeName, {
        uniqueItems: true,
        description: 'Scopes to grant; a subset of the app’s requested scopes. Default: all of them.',
      }),
    ),
  }),
)

export const TokenRequest = named(
  'TokenRequest',
  Type.Object(
    {
      grant_type: Type.String({ description: 'Must be client_credentials' }),
      client_id: Type.Optional(Type.String({ description: 'For client_secret_post; otherwise use HTTP Basic' })),
      client_secret: Type.Optional(Type.String()),
      scope: Type.Optional(Type.String({ description: 'Space-separated subset of the client’s scopes' })),
      installation_id: Type.Optional(Type.String({ description: 'For an app client: the installation to act in' })),
    },
    { additionalProperties: true },
  ),
)
export const TokenResponse = named(
  'TokenResponse',
  Type.Object({
    access_token: Type.String(),
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer(),
    scope: Type.String(),
  }),
)
export const OAuthErrorResponse = named(
  'OAuthError',
  Type.Object({
    error: StringEnum([
      'invalid_request',
      'invalid_client',
      'invalid_grant',
      'unauthorized_client',
      'unsupported_grant_type',
      'invalid_scope',
    ] as const),
    error_description: Type.String(),
  }),
)
export const Jwks = named('Jwks', Type.Object({ keys: Type.Array(Type.Record(Type.String(), Type.Unknown())) }))

export type CreateOrganizationInput = Static<typeof CreateOrganization>
export type CreateApiClientInput = Static<typeof CreateApiClient>
export type RegisterAppInput = Static<typeof RegisterApp>
export type CreateInstallationInput = Static<typeof CreateInstallation>
