import { sql } from 'drizzle-orm'
import { boolean, foreignKey, index, integer, jsonb, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import { createdAt, tenantTable, versioned } from '../../db/tenant-table.js'

/** A signing secret; during a rotation's overlap the old one has `expires_at` and both sign. */
export interface EndpointSecret {
  secret: string
  created_at: string
  expires_at: string | null
}

/**
 * Where a tenant (or an app installed in it) wants its events. `installation_id` set means
 * an installed provider app owns the endpoint: it receives only what its granted scopes
 * may read, and uninstalling the app disables it.
 */
export const webhookEndpoints = tenantTable(
  'webhook_endpoints',
  {
    url: text('url').notNull(),
    description: text('description'),
    eventTypes: text('event_types').array().notNull(),
    enabled: boolean('enabled').notNull().default(true),
    disabledReason: text('disabled_reason', {
      enum: ['by_request', 'gone', 'failing', 'installation_revoked'],
    }),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    /** Signing secrets, newest last. They must be readable to sign, so they are kept, not hashed. */
    secrets: jsonb('secrets').$type<EndpointSecret[]>().notNull(),
    installationId: text('installation_id'),
    createdByClientId: text('created_by_client_id').notNull(),
    /** Start of the current run of failed attempts; cleared by any success. Five days of it disables. */
    failingSince: timestamp('failing_since', { withTimezone: true }),
    ...versioned(),
  },
  (t) => [index('webhook_endpoints_installation_idx').on(t.tenantId, t.installationId)],
)

/**
 * One event owed to one endpoint: the database, not the queue, says what is still to be
 * delivered. `round` grows with every resend or replay, so queue jobs of an earlier round
 * find themselves stale.
 */
export const webhookMessages = tenantTable(
  'webhook_messages',
  {
    endpointId: text('endpoint_id').notNull(),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    state: text('state', { enum: ['pending', 'succeeded', 'failed'] })
      .notNull()
      .default('pending'),
    round: integer('round').notNull().default(1),
    /** Attempts made in this round. */
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }),
    lastStatus: integer('last_status'),
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      columns: [t.tenantId, t.endpointId],
      foreignColumns: [webhookEndpoints.tenantId, webhookEndpoints.id],
    }).onDelete('cascade'),
    uniqueIndex('webhook_messages_endpoint_event_idx').on(t.tenantId, t.endpointId, t.eventId),
    index('webhook_messages_due_idx').on(t.nextAttemptAt).where(sql`state = 'pending'`),
  ],
)

/** Every delivery attempt: what was answered, how fast, or why it never got an answer. */
export const webhookAttempts = tenantTable(
  'webhook_attempts',
  {
    endpointId: text('endpoint_id').notNull(),
    messageId: text('message_id').notNull(),
    eventId: text('event_id').notNull(),
    round: integer('round').notNull(),
    attempt: integer('attempt').notNull(),
    url: text('url').notNull(),
    outcome: text('outcome', { enum: ['succeeded', 'failed'] }).notNull(),
    statusCode: integer('status_code'),
    latencyMs: integer('latency_ms').notNull(),
    /** The first KiB of the response body. */
    responseSnippet: text('response_snippet'),
    error: text('error'),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({
      columns: [t.tenantId, t.endpointId],
      foreignColumns: [webhookEndpoints.tenantId, webhookEndpoints.id],
    }).onDelete('cascade'),
    index('webhook_attempts_endpoint_idx').on(t.tenantId, t.endpointId),
  ],
)
