import { type Static, Type, type TSchema } from 'typebox'
import { Timestamp } from './schemas.js'

/**
 * The event types subscribers can receive, each with the schema of its `data`. The
 * catalog becomes the OpenAPI document's `webhooks` section.
 */
const catalog = new Map<string, { summary: string; data: TSchema; scope?: string }>()

/**
 * `scope` is the read scope a caller needs to see what the event tells: an installed
 * app's webhook endpoint receives the event only when its installation was granted it.
 * An event without one never goes to an app's endpoint.
 */
export function declareEvent(type: string, summary: string, data: TSchema, opts: { scope?: string } = {}): string {
  if (catalog.has(type)) throw new Error(`event ${type} declared twice`)
  catalog.set(type, { summary, data, scope: opts.scope })
  return type
}

/** The read scope an installed app needs to receive events of `type` (see declareEvent). */
export function eventScope(type: string): string | undefined {
  return catalog.get(type)?.scope
}

/** An event's `data` that is a named API schema (the resource as GET shows it), by reference in the document. */
export function schemaRef<T extends TSchema & { $id: string }>(schema: T) {
  return Type.Unsafe<Static<T>>({ $ref: `#/components/schemas/${schema.$id}` })
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
    request_id: Type.Union([Type.String(), Type.Null()], {
      description: 'The request that made the change, if one did',
    }),
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
