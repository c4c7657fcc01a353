import { Type, type TSchema } from 'typebox'
import { Timestamp } from './schemas.js'

/**
 * The event types subscribers can receive, each with the schema of its `data`. The
 * catalog becomes the OpenAPI document's `webhooks` section.
 */
const catalog = new Map<string, { summary: string; data: TSchema }>()

export function declareEvent(type: string, summary: string, data: TSchema): string {
  if (catalog.has(type)) throw new Error(`event ${type} declared twice`)
  catalog.set(type, { summary, data })
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
    const { summary, data } = catalog.get(type)!
    out[type] = {
      post: {
        operationId: `webhook_${type.replace(/[^a-z0-9]+/gi, '_')}`,
        summary,
        tags: ['Events'],
        requestBody: { content: { 'application/json': { schema: eventEnvelope(type, data) } } },
        responses: { '2XX': { description: 'Delivery accepted; anything else is retried' } },
      },
    }
  }
  return out
}
