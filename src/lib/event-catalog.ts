import { Type, type Static, type TSchema } from 'typebox'
import { exampleId, Timestamp } from './schemas.js'

/** What a delivery of the event looks like: the resource it is about and its `data`. */
export interface EventExample<T extends TSchema> {
  resource: { type: string; id: string; version: number }
  data: Static<T>
  occurred_at: string
}

/**
 * The event types subscribers can receive, each with the schema of its `data` and an example.
 * The catalog becomes the OpenAPI document's `webhooks` section.
 */
const catalog = new Map<string, { summary: string; data: TSchema; example: EventExample<TSchema> }>()

export function declareEvent<T extends TSchema>(
  type: string,
  summary: string,
  data: T,
  example: EventExample<T>,
): string {
  if (catalog.has(type)) throw new Error(`event ${type} declared twice`)
  catalog.set(type, { summary, data, example })
  return type
}

export function eventTypes(): string[] {
  return [...catalog.keys()].sort()
}

export function eventEnvelope(type: string, data: TSchema) {
  return Type.Object({
    id: Type.String({ description: 'evt_… id; also the webhook-id of its deliveries' }),
    type: Type.Literal(type),
    occurred_at: Timestamp,
    tenant_id: Type.String(),
    resource: Type.Object({
      type: Type.String(),
      id: Type.String(),
      version: Type.Integer({ description: 'Drop an event whose version is older than one already applied' }),
    }),
    data,
  })
}

export function webhooksSection(): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const type of eventTypes()) {
    const { summary, data, example } = catalog.get(type)!
    // The delivery's body, envelope and all, as a subscriber receives it.
    const delivery = {
      id: exampleId('evt'),
      type,
      occurred_at: example.occurred_at,
      tenant_id: exampleId('org'),
      resource: example.resource,
      data: example.data,
    }
    out[type] = {
      post: {
        operationId: `webhook_${type.replace(/[^a-z0-9]+/gi, '_')}`,
        summary,
        tags: ['Events'],
        requestBody: { content: { 'application/json': { schema: eventEnvelope(type, data), example: delivery } } },
        responses: { '2XX': { description: 'Delivery accepted; anything else is retried' } },
      },
    }
  }
  return out
}
