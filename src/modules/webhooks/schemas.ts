import { Type, type Static } from 'typebox'
import {
  Body,
  exampleId,
  exampleOf,
  Id,
  named,
  Nullable,
  Page,
  PageQuery,
  StringEnum,
  Timestamp,
} from '../../lib/schemas.js'

export const ENDPOINT = 'wep'

const EventTypeList = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
  minItems: 1,
  maxItems: 100,
  description: 'Event types to receive: exact types, family wildcards such as `supplier.*`, or `*` for all',
})
const Url = Type.String({
  minLength: 1,
  maxLength: 2048,
  description: 'Where deliveries are POSTed. Outside development mode its host must resolve only to public addresses.',
})

export const DisabledReason = StringEnum(['by_request', 'gone', 'failing', 'installation_revoked'] as const, {
  description:
    '`by_request`: turned off through the API; `gone`: it answered 410; `failing`: every attempt failed for five days; `installation_revoked`: its app was uninstalled',
})

export const WebhookEndpoint = named(
  'WebhookEndpoint',
  Type.Object({
    id: Id(ENDPOINT),
    url: Type.String(),
    description: Nullable(Type.String()),
    event_types: Type.Array(Type.String()),
    enabled: Type.Boolean(),
    disabled_reason: Nullable(DisabledReason),
    disabled_at: Nullable(Timestamp),
    installation_id: Nullable(Type.String({ description: 'The installed app that owns the endpoint, if one does' })),
    previous_secret_expires_at: Nullable(
      Type.String({
        format: 'date-time',
        description: 'After a rotation, until when deliveries are also signed with the previous secret',
      }),
    ),
    failing_since: Nullable(Timestamp),
    version: Type.Integer(),
    created_at: Timestamp,
    updated_at: Timestamp,
  }),
  {
    id: exampleId(ENDPOINT),
    url: 'https://hooks.starlight-mcn.example/showrunner',
    description: 'Back office: supplier status and product changes',
    event_types: ['supplier.*', 'product.updated'],
    enabled: true,
    disabled_reason: null,
    disabled_at: null,
    installation_id: null,
    previous_secret_expires_at: null,
    failing_since: null,
    version: 1,
    created_at: '2026-11-28T03:20:11.052Z',
    updated_at: '2026-11-28T03:20:11.052Z',
  },
)
export const WebhookEndpointList = Page(WebhookEndpoint)

export const WebhookEndpointWithSecret = named(
  'WebhookEndpointWithSecret',
  Type.Object({
    endpoint: WebhookEndpoint,
    secret: Type.String({
      description:
        'The signing secret (`whsec_` and base64), shown only now. Verify deliveries with any Standard Webhooks library.',
    }),
  }),
  { endpoint: exampleOf(WebhookEndpoint)!, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' },
)

export const CreateWebhookEndpoint = named(
  'CreateWebhookEndpoint',
  Body({
    url: Url,
    event_types: EventTypeList,
    description: Type.Optional(Type.String({ maxLength: 500 })),
    enabled: Type.Optional(Type.Boolean({ default: true })),
  }),
  {
    url: 'https://hooks.starlight-mcn.example/showrunner',
    event_types: ['supplier.*', 'product.updated'],
    description: 'Back office: supplier status and product changes',
  },
)
export type CreateWebhookEndpointInput = Static<typeof CreateWebhookEndpoint>

export const UpdateWebhookEndpoint = named(
  'UpdateWebhookEndpoint',
  Type.Object(
    {
      url: Type.Optional(Url),
      event_types: Type.Optional(EventTypeList),
      description: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
      enabled: Type.Optional(
        Type.Boolean({
          description: 'false turns deliveries off; true turns them on again and clears the failure run',
        }),
      ),
    },
    { additionalProperties: false, minProperties: 1 },
  ),
  { event_types: ['supplier.*', 'product.*'] },
)
export type UpdateWebhookEndpointInput = Static<typeof UpdateWebhookEndpoint>

export const RotateWebhookSecret = named(
  'RotateWebhookSecret',
  Body({
    overlap_seconds: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 7 * 86400,
        default: 86400,
        description: 'How long deliveries stay signed with the old secret too (default a day, at most a week)',
      }),
    ),
  }),
  { overlap_seconds: 3600 },
)

export const MessageState = StringEnum(['pending', 'succeeded', 'failed'] as const, {
  description: '`pending`: owed, with its next attempt at `next_attempt_at`; `succeeded`; `failed`: gave up',
})

export const WebhookMessage = named(
  'WebhookMessage',
  Type.Object({
    id: Id('wmsg'),
    endpoint_id: Type.String(),
    event_id: Type.String(),
    event_type: Type.String(),
    state: MessageState,
    round: Type.Integer({ description: '1, then one more for each resend or replay' }),
    attempts: Type.Integer({ description: 'Attempts made in this round' }),
    next_attempt_at: Nullable(Timestamp),
    last_attempt_at: Nullable(Timestamp),
    last_status: Nullable(Type.Integer()),
    last_error: Nullable(Type.String()),
    delivered_at: Nullable(Timestamp),
    created_at: Timestamp,
  }),
  {
    id: exampleId('wmsg'),
    endpoint_id: exampleId(ENDPOINT),
    event_id: exampleId('evt'),
    event_type: 'supplier.probation',
    state: 'pending',
    round: 1,
    attempts: 2,
    next_attempt_at: '2026-11-30T02:35:09.880Z',
    last_attempt_at: '2026-11-30T02:05:09.412Z',
    last_status: 503,
    last_error: null,
    delivered_at: null,
    created_at: '2026-11-30T02:00:04.530Z',
  },
)
export const WebhookMessageList = Page(WebhookMessage)
export const WebhookMessageListQuery = Type.Object(
  { ...PageQuery.properties, state: Type.Optional(MessageState) },
  { additionalProperties: false },
)

export const WebhookAttempt = named(
  'WebhookAttempt',
  Type.Object({
    id: Id('watt'),
    endpoint_id: Type.String(),
    message_id: Type.String(),
    event_id: Type.String(),
    round: Type.Integer(),
    attempt: Type.Integer(),
    url: Type.String(),
    outcome: StringEnum(['succeeded', 'failed'] as const),
    status_code: Nullable(Type.Integer()),
    latency_ms: Type.Integer(),
    response_snippet: Nullable(Type.String({ description: 'The first KiB of the response body' })),
    error: Nullable(Type.String({ description: 'Why no answer counted: refused address, DNS, connection, timeout' })),
    created_at: Timestamp,
  }),
  {
    id: exampleId('watt'),
    endpoint_id: exampleId(ENDPOINT),
    message_id: exampleId('wmsg'),
    event_id: exampleId('evt'),
    round: 1,
    attempt: 2,
    url: 'https://hooks.starlight-mcn.example/showrunner',
    outcome: 'failed',
    status_code: 503,
    latency_ms: 184,
    response_snippet: '{"error":"maintenance"}',
    error: null,
    created_at: '2026-11-30T02:05:09.412Z',
  },
)
export const WebhookAttemptList = Page(WebhookAttempt)

export const EndpointEventParams = Type.Object(
  { id: Id(ENDPOINT), event_id: Id('evt') },
  { additionalProperties: false },
)

export const ReplayWebhookMessages = named(
  'ReplayWebhookMessages',
  Body({
    since: Type.String({ format: 'date-time', description: 'Events that happened at or after this time' }),
    until: Type.Optional(Type.String({ format: 'date-time', description: 'and before this time (default: now)' })),
    event_types: Type.Optional(
      Type.Array(Type.String({ maxLength: 100 }), {
        maxItems: 100,
        description: 'Only these types or wildcards (default: what the endpoint subscribes to)',
      }),
    ),
  }),
  { since: '2026-11-29T00:00:00.000Z', until: '2026-11-30T00:00:00.000Z', event_types: ['supplier.*'] },
)
export type ReplayInput = Static<typeof ReplayWebhookMessages>

export const CreateWebhookSample = named(
  'CreateWebhookSample',
  Body({
    type: Type.String({
      minLength: 1,
      maxLength: 100,
      description: 'A declared event type (see the webhooks section); not `webhook.test`, which has its own operation',
    }),
  }),
  { type: 'anchor.updated' },
)
