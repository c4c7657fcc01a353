import { sql } from 'drizzle-orm'
import { pgTable, text, timestamp, jsonb, integer, boolean, index, uniqueIndex, primaryKey } from 'drizzle-orm/pg-core'
import { createdAt, tenantPolicy, tenantTable, versioned } from './tenant-table.js'

/*
 * Control-plane tables: organizations, their API clients, published apps and signing
 * keys are read before a tenant is known (token issuance, token verification) and are
 * reference data when the database is distributed by tenant.
 */
export const organizations = pgTable('organizations', {
  id: text('id').primaryKey(),
  kind: text('kind', { enum: ['mcn', 'provider', 'platform'] }).notNull(),
  name: text('name').notNull(),
  createdAt: createdAt(),
})

export const apiClients = pgTable(
  'api_clients',
  {
    id: text('id').primaryKey(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id),
    name: text('name').notNull(),
    /** SHA-256 hashes of the live secrets (scrypt for clients not seen since; upgraded on their next token); two during a rotation's overlap. */
    secretHashes: jsonb('secret_hashes')
      .$type<{ hash: string; createdAt: string; expiresAt: string | null }[]>()
      .notNull(),
    scopes: text('scopes').array().notNull(),
    /** Set for a provider app's client; such a client only gets installation tokens. */
    appId: text('app_id'),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('api_clients_org_idx').on(t.organizationId)],
)

export const apps = pgTable(
  'apps',
  {
    id: text('id').primaryKey(),
    providerId: text('provider_id')
      .notNull()
      .references(() => organizations.id),
    name: text('name').notNull(),
    description: text('description'),
    requestedScopes: text('requested_scopes').array().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('apps_provider_idx').on(t.providerId)],
)

export const signingKeys = pgTable('signing_keys', {
  kid: text('kid').primaryKey(),
  alg: text('alg').notNull(),
  publicJwk: jsonb('public_jwk').notNull(),
  privateJwk: jsonb('private_jwk').notNull(),
  /** Published in the JWKS from creation; signs only once `activatesAt` has passed. */
  activatesAt: timestamp('activates_at', { withTimezone: true }).notNull(),
  retiredAt: timestamp('retired_at', { withTimezone: true }),
  createdAt: createdAt(),
})

/** Owned by the MCN that installed the app; its provider may read it too. */
export const installations = pgTable(
  'installations',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    appId: text('app_id')
      .notNull()
      .references(() => apps.id),
    providerId: text('provider_id').notNull(),
    grantedScopes: text('granted_scopes').array().notNull(),
    version: integer('version').notNull().default(1),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('installations_id_idx').on(t.id, t.tenantId),
    index('installations_provider_idx').on(t.providerId),
    tenantPolicy('installations', { alsoReadableBy: 'provider_id' }),
  ],
).enableRLS()

export const idempotencyKeys = tenantTable(
  'idempotency_keys',
  {
    /** client id plus installation: a key is only ever compared with the same caller's. */
    scope: text('scope').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    state: text('state', { enum: ['running', 'done'] }).notNull(),
    statusCode: integer('status_code'),
    responseBody: text('response_body'),
    responseHeaders: jsonb('response_headers').$type<Record<string, string>>(),
    lockedAt: timestamp('locked_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('idempotency_keys_scope_key_idx').on(t.tenantId, t.scope, t.key),
    index('idempotency_keys_expires_idx').on(t.expiresAt),
  ],
)

export const auditLog = tenantTable(
  'audit_log',
  {
    actorClientId: text('actor_client_id').notNull(),
    installationId: text('installation_id'),
    requestId: text('request_id'),
    action: text('action').notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id').notNull(),
    changes: jsonb('changes'),
    at: createdAt(),
  },
  (t) => [index('audit_log_resource_idx').on(t.tenantId, t.resourceType, t.resourceId)],
)

/** Transactional outbox and the 30-day event history in one table. */
export const events = tenantTable(
  'events',
  {
    type: text('type').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id').notNull(),
    resourceVersion: integer('resource_version').notNull(),
    data: jsonb('data').notNull(),
    requestId: text('request_id'),
    /** A sample made on request (POST /v1/webhook-samples): the catalog example, no resource changed. */
    sample: boolean('sample').notNull().default(false),
    /** When the relay handed it to the webhooks queue; null means still owed. */
    relayedAt: timestamp('relayed_at', { withTimezone: true }),
  },
  (t) => [
    index('events_unrelayed_idx').on(t.occurredAt).where(sql`relayed_at is null`),
    index('events_type_idx').on(t.tenantId, t.type),
  ],
)

/** Long-running work exposed as `GET /v1/jobs/{id}`. */
export const jobs = tenantTable(
  'jobs',
  {
    kind: text('kind').notNull(),
    /** The uploaded file, kept until the job finishes so a restarted worker can resume. */
    input: text('input'),
    inputFormat: text('input_format', { enum: ['csv', 'jsonl'] }),
    /** Where and how it was queued, so the sweeper can queue it again. */
    queue: text('queue'),
    jobName: text('job_name'),
    envelope: jsonb('envelope'),
    state: text('state', { enum: ['queued', 'running', 'succeeded', 'completed_with_errors', 'failed'] })
      .notNull()
      .default('queued'),
    total: integer('total'),
    processed: integer('processed').notNull().default(0),
    succeeded: integer('succeeded').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    result: jsonb('result'),
    rowErrors: jsonb('row_errors')
      .$type<{ line: number; errors: { pointer: string; detail: string; field: string; code: string }[] }[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    failureReason: text('failure_reason'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('jobs_queued_idx').on(t.createdAt).where(sql`state = 'queued'`)],
)

/**
 * Per-tenant settings documents (supplier policy, selection weights), one row per key; read
 * and written through lib/settings.ts. The table keeps the name it was created with.
 */
export const settingsDocuments = tenantTable('catalog_settings', {
  value: jsonb('value').notNull(),
  ...versioned(),
})
