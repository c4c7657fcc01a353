import { subscribe } from '../../lib/hooks.js'
import { installationRevoked } from '../identity/index.js'
import { defineModule } from '../types.js'
import { deliverJob } from './delivery.js'
import { replayJob } from './recovery.js'
import { webhooksGraphql } from './resolvers.js'
import { fanOutJob, startRelay, sweepJob } from './relay.js'
import webhookRoutes from './routes.js'
import { disableInstallationEndpoints } from './service.js'
import { configureDelivery } from './settings.js'

export const webhooksModule = defineModule({
  name: 'webhooks',
  scopes: {
    'webhooks:read': 'Read webhook endpoints, their messages and delivery attempts',
    'webhooks:write': 'Create, change and delete webhook endpoints; rotate secrets, resend, replay and test',
  },
  idPrefixes: { webhookEndpoint: 'wep', webhookMessage: 'wmsg', webhookAttempt: 'watt' },
  queues: ['webhooks'],
  tags: [
    { name: 'Webhooks', description: 'Endpoints that receive signed events (Standard Webhooks), and their deliveries' },
  ],
  routes: webhookRoutes,
  graphql: webhooksGraphql,
  jobs: [fanOutJob, deliverJob, sweepJob, replayJob],
  // Development mode (the embedded default) may deliver to localhost; anything else is refused.
  configure: (config) => {
    configureDelivery({ allowLoopback: config.NODE_ENV === 'development' })
  },
  background: startRelay,
})

// Uninstalling an app turns its endpoints off in the same transaction.
subscribe(installationRevoked, 'webhooks', (tx, { installationId }) => disableInstallationEndpoints(tx, installationId))

// The public face of the module: what other modules may use.
export { webhookEndpointDisabled } from './changes.js'
// The SSRF guard, for other modules that fetch a URL a caller gave (media sources).
export {
  checkDeliveryUrl,
  checkDestination,
  pinnedTo,
  RefusedDestination,
  refusalOf,
  type Destination,
} from './guard.js'
// Standard Webhooks signing, for other modules that send signed requests (the moderation hook).
export { signatureHeaders } from './delivery.js'
// The pinned POST deliveries go out with, for the moderation hook's requests.
export { send, type SendResult } from './http.js'
export { newSecret } from './service.js'
export { systemResolver, type Resolver } from './settings.js'
