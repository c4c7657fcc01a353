import { Type } from 'typebox'
import { declareEvent } from '../../lib/event-catalog.js'
import { exampleId } from '../../lib/schemas.js'

const endpoint = (version: number) => ({ type: 'webhook_endpoint', id: exampleId('wep'), version })

export const WEBHOOK_ENDPOINT_DISABLED = declareEvent(
  'webhook_endpoint.disabled',
  'A webhook endpoint was turned off: it answered 410 Gone or failed for five days straight. Goes to the endpoint owner’s other endpoints.',
  Type.Object({
    endpoint_id: Type.String(),
    url: Type.String(),
    reason: Type.Union([Type.Literal('gone'), Type.Literal('failing')], {
      description: '`gone`: it answered 410; `failing`: every attempt failed for five days',
    }),
    installation_id: Type.Union([Type.String(), Type.Null()]),
  }),
  {
    resource: endpoint(3),
    occurred_at: '2026-11-30T11:04:27.311Z',
    data: {
      endpoint_id: exampleId('wep'),
      url: 'https://hooks.brightpick.example/showrunner',
      reason: 'gone',
      installation_id: exampleId('ins'),
    },
  },
  { scope: 'webhooks:read' },
)

export const WEBHOOK_TEST = declareEvent(
  'webhook.test',
  'A test delivery asked for with POST /v1/webhook-endpoints/{id}/test; sent to that endpoint only',
  Type.Object({ endpoint_id: Type.String(), message: Type.String() }),
  {
    resource: endpoint(1),
    occurred_at: '2026-11-30T09:12:03.447Z',
    data: { endpoint_id: exampleId('wep'), message: 'A test delivery from Showrunner' },
  },
  { scope: 'webhooks:read' },
)
