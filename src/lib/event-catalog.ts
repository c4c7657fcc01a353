import { Type, type Static, type TSchema } from 'typebox'
import { exampleId, exampleOf, Timestamp } from './schemas.js'

/** What a delivery of the event looks like: the resource it is about and its `data`. */
export interface EventExample<D> {
  resource: { type: string; id: string; version: number }
  data: D
  occurred_at: string
}

/**
 * The event types subscribers can receive, each with the schema of its `data` and an example.
 * The catalog becomes the OpenAPI document's `webhooks` section.
 */
const catalog = new Map<string, { summary: string; data: TSchema; example: EventExample<unknown>; scope?: string }>()

/**
 * `scope` is the read scope a caller needs to see what the event tells: an installed
 * app's webhook endpoint receives the event only when its installation was granted it.
 * An event without one never goes to an app's endpoint.
 */
export function declareEvent<T extends TSchema>(
  type: string,
  summary: string,
  data: T,
  example: EventExample<Static<T>>,
  opts: { scope?: string } = {},
): string {
  if (catalog.has(type)) throw new Error(`event ${type} declared twice`)
  catalog.set(type, { summary, data, example, scope: opts.scope })
  return type
}

/** The read scope an installed app needs to receive events of `type` (see declareEvent). */
export function eventScope(type: string): string | undefined {
  return catalog.get(type)?.scope
}

/**
 * The delivery example of an event whose `data` is a resource as GET shows it: the resource's
 * own example; for a `.created` event at its first version.
 */
export function resourceEventExample<T extends TSchema & { $id: string }>(
  resourceType: string,
  schema: T,
  opts: { created?: boolean; occurredAt?: string } = {},
): EventExample<Static<T>> {
  const example = exampleOf(schema) as (Static<T> & { id: string; version?: number }) | undefined
  if (example === undefined) throw new Error(`schema ${schema.$id} has no example for its events`)
  const data = opts.created && example.version !== undefined ? { ...example, version: 1 } : example
  return {
    resource: { type: resourceType, id: example.id, version: data.version ?? 1 },
    data,
    occurred_at: opts.occurredAt ?? '2026-11-30T08:15:42.120Z',
  }
}

/** An event's `data` that is a named API schema (the resource as GET shows it), by reference in the document. */
export function schemaRef<T extends TSchema & { $id: string }>(schema: T) {
  return Type.Unsafe<Static<T>>({ $ref: `#/components/schemas/${schema.$id}` })
}

/** The delivery example of a declared event type; undefined for a type nobody declared. */
export function eventExample(type: string): EventExample<unknown> | undefined {
  return catalog.get(type)?.example
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
    sample: Type.Boolean({
      description:
        'True for a sample asked for with POST /v1/webhook-samples (`showrunner webhooks trigger`): its resource and data are the example below, and nothing changed',
    }),
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
      request_id: exampleId('req'),
      sample: false,
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
