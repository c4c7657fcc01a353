import { Type, type Static } from 'typebox'
import { Body, exampleId, exampleOf, Id, named, Page, ref, StringEnum, Timestamp } from '../../lib/schemas.js'
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
  { id: exampleId('org'), kind: 'mcn', name: '星河传媒 Galaxy Media', created_at: '2026-11-28T01:00:03.211Z' },
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
  {
    id: exampleId('cli'),
    organization_id: exampleId('org'),
    name: 'Galaxy Media back office',
    scopes: ['catalog:read', 'catalog:write', 'anchors:read', 'anchors:write', 'selection:read'],
    app_id: null,
    revoked_at: null,
    created_at: '2026-11-28T01:00:03.211Z',
  },
)
export const ApiClientList = Page(ApiClient)
export const ApiClientCredentials = named(
  'ApiClientCredentials',
  Type.Object({
    client: ref(ApiClient),
    client_secret: Type.String({ description: 'Shown once; store it now. Only a hash is kept.' }),
  }),
  { client: exampleOf(ApiClient)!, client_secret: 'sk_GBcB2CEftquRVbj-wf1Ktcz_FXPXYuxB1V9HfKCTaSA' },
)
export const CreateApiClient = named(
  'CreateApiClient',
  Body({
    name: Type.String({ minLength: 1, maxLength: 200 }),
    scopes: Type.Optional(Type.Array(ScopeName, { uniqueItems: true })),
  }),
  {
    name: 'Galaxy Media back office',
    scopes: ['catalog:read', 'catalog:write', 'anchors:read', 'anchors:write', 'selection:read'],
  },
)
export const CreateOrganization = named(
  'CreateOrganization',
  Body({
    kind: OrganizationKind,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    // Described in the operation: a `$ref` carries no description of its own.
    first_client: Type.Optional(ref(CreateApiClient)),
  }),
  { kind: 'mcn', name: '星河传媒 Galaxy Media', first_client: exampleOf(CreateApiClient)! },
)
export const CreatedOrganization = named(
  'CreatedOrganization',
  Type.Object({
    ...Organization.properties,
    first_client: Type.Optional(ref(ApiClientCredentials)),
  }),
  { ...exampleOf(Organization)!, first_client: exampleOf(ApiClientCredentials)! },
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
  { overlap_seconds: 3600 },
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
  {
    id: exampleId('app'),
    provider_id: exampleId('org', 2),
    name: '选品助手 Selection Assistant',
    description:
      'Ranks the products an anchor should sell next, checks run-of-show prices against brand tiers and reviews live comments',
    requested_scopes: ['catalog:read', 'anchors:read', 'selection:read', 'interactions:read'],
    created_at: '2026-11-28T02:14:55.630Z',
  },
)
export const AppList = Page(App)
export const RegisterApp = named(
  'RegisterApp',
  Body({
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    requested_scopes: Type.Array(ScopeName, { minItems: 1, uniqueItems: true }),
  }),
  {
    name: '选品助手 Selection Assistant',
    description:
      'Ranks the products an anchor should sell next, checks run-of-show prices against brand tiers and reviews live comments',
    requested_scopes: ['catalog:read', 'anchors:read', 'selection:read', 'interactions:read'],
  },
)
export const RegisteredApp = named(
  'RegisteredApp',
  Type.Object({
    app: ref(App),
    client: ref(ApiClient),
    client_secret: Type.String({ description: 'The app client’s secret, shown once' }),
  }),
  {
    app: exampleOf(App)!,
    client: {
      id: exampleId('cli', 2),
      organization_id: exampleId('org', 2),
      name: '选品助手 Selection Assistant',
      scopes: ['catalog:read', 'anchors:read', 'selection:read', 'interactions:read'],
      app_id: exampleId('app'),
      revoked_at: null,
      created_at: '2026-11-28T02:14:55.630Z',
    },
    client_secret: 'sk_nPd2AXLTx2siuxdkrb_yO9QwOtxlVB8hKuQS1G47yxk',
  },
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
  {
    id: exampleId('ins'),
    mcn_id: exampleId('org'),
    app_id: exampleId('app'),
    provider_id: exampleId('org', 2),
    granted_scopes: ['catalog:read', 'selection:read', 'interactions:read'],
    revoked_at: null,
    created_at: '2026-11-28T03:20:08.044Z',
    version: 1,
  },
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
  { app_id: exampleId('app'), scopes: ['catalog:read', 'selection:read', 'interactions:read'] },
)

export const UpdateInstallation = named(
  'UpdateInstallation',
  Body({
    scopes: Type.Array(ScopeName, {
      uniqueItems: true,
      description:
        'The scopes the installation holds from now on; a subset of the app’s requested scopes. Fewer scopes apply to the app’s current tokens at once; more apply to tokens it requests from now on.',
    }),
  }),
  { scopes: ['catalog:read', 'interactions:read'] },
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
  {
    grant_type: 'client_credentials',
    client_id: exampleId('cli'),
    client_secret: 'sk_GBcB2CEftquRVbj-wf1Ktcz_FXPXYuxB1V9HfKCTaSA',
    scope: 'catalog:read catalog:write',
  },
)
export const TokenResponse = named(
  'TokenResponse',
  Type.Object({
    access_token: Type.String(),
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer(),
    scope: Type.String(),
  }),
  {
    access_token:
      'eyJhbGciOiJFUzI1NiIsImtpZCI6ImtleV8wMW04ZnRweDcwZXAwcjF5bXl4d2VycXlqZiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiJjbGlfMDFtOGZ0cHg3MGYyZnR3c20wMmdjd3h2ZWMiLCJjbGllbnRfaWQiOiJjbGlfMDFtOGZ0cHg3MGYyZnR3c20wMmdjd3h2ZWMiLCJzY29wZSI6ImNhdGFsb2c6cmVhZCBjYXRhbG9nOndyaXRlIiwib3JnIjoib3JnXzAxbThmdHB4NzBmdm1ydnJ3ODIydmp4djgwIiwib3JnX2tpbmQiOiJtY24iLCJ0ZW5hbnQiOiJvcmdfMDFtOGZ0cHg3MGZ2bXJ2cnc4MjJ2anh2ODAiLCJpc3MiOiJodHRwczovL2FwaS5zaG93cnVubmVyLmRldiIsImF1ZCI6Imh0dHBzOi8vYXBpLnNob3dydW5uZXIuZGV2IiwiaWF0IjoxNzY0NDkzMjAwLCJleHAiOjE3NjQ0OTQxMDAsImp0aSI6IjBiOWQ2YzRlLTVmMWEtNGM3ZS05YTUxLTNkMmY4ZTZiN2ExMCJ9.NFMuBGqNta25n7jcXUl0uLJW9Io8HPJIeUKHyG0mmqM27fbwur0IGquMlGxCRGKY0jpMOkSgGRTZ6l1LBFzOLA',
    token_type: 'Bearer',
    expires_in: 900,
    scope: 'catalog:read catalog:write',
  },
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
  { error: 'invalid_client', error_description: 'Client authentication failed.' },
)
export const Jwks = named('Jwks', Type.Object({ keys: Type.Array(Type.Record(Type.String(), Type.Unknown())) }), {
  keys: [
    {
      kty: 'EC',
      crv: 'P-256',
      x: 'BToCVYiHu9hQojpud4IEf9BZFFKW0_HboNkEPz20UI4',
      y: 'kj7HlUGmw9gmSJ02CAwkuwgFTt4AnTnQjupLzkRhQ1s',
      kid: exampleId('key'),
      alg: 'ES256',
      use: 'sig',
    },
  ],
})

export type CreateOrganizationInput = Static<typeof CreateOrganization>
export type CreateApiClientInput = Static<typeof CreateApiClient>
export type RegisterAppInput = Static<typeof RegisterApp>
export type CreateInstallationInput = Static<typeof CreateInstallation>
export type UpdateInstallationInput = Static<typeof UpdateInstallation>
