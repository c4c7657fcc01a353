import { defineChange } from '../../lib/hooks.js'
import { WEBHOOK_ENDPOINT_DISABLED } from './events.js'

export interface EndpointDisabled {
  endpoint: { id: string; url: string; version: number; installationId: string | null }
  reason: 'gone' | 'failing'
}

/** Delivery turned an endpoint off; its owner hears of it as `webhook_endpoint.disabled` on its other endpoints. */
export const webhookEndpointDisabled = defineChange<EndpointDisabled>('webhook_endpoint.disabled', {
  event: (c) => ({
    type: WEBHOOK_ENDPOINT_DISABLED,
    resource: { type: 'webhook_endpoint', id: c.endpoint.id, version: c.endpoint.version },
    data: {
      endpoint_id: c.endpoint.id,
      url: c.endpoint.url,
      reason: c.reason,
      installation_id: c.endpoint.installationId,
    },
  }),
})
