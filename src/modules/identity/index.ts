import { defineModule } from '../types.js'
import { identityGraphql } from './resolvers.js'
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
  graphql: identityGraphql,
})
