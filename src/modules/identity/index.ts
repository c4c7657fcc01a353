import { defineModule } from '../types.js'
import { identityGraphql } from './resolvers.js'
import { identityRoutes, oauthRoutes } from './routes.js'

export const identityModule = defineModule({
  name: 'identity',
  scopes: {
    'apps:read': 'Read apps and installations',
    'apps:write': 'Register apps, install and uninstall them',
    'clients:write': 'Create, rotate and revoke API client credentials',
    'organizations:read': 'Read organizations: the platform, those it manages; anyone else, its own',
    'organizations:write': 'Create organizations and manage their clients (platform operator only)',
  },
  idPrefixes: { organization: 'org', client: 'cli', app: 'app', installation: 'ins', signingKey: 'key' },
  tags: [
    { name: 'OAuth', description: 'Client-credentials tokens and signing keys' },
    { name: 'Organizations', description: 'Organizations and API clients' },
    { name: 'Apps', description: 'Provider apps and their installations into MCN accounts' },
  ],
  rootRoutes: oauthRoutes,
  routes: identityRoutes,
  graphql: identityGraphql,
})

// The public face of the module: what other modules may use.
export { installationRevoked } from './changes.js'
export { activeInstallationScopes } from './reads.js'
export { KeyStore } from './keys.js'
export { RevocationCache, type CurrentGrant } from './revocations.js'
// Also used by `showrunner admin`, which acts as the operator with no token.
export { createClient, createOrganization, organizationKind } from './service.js'
