import { customType, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core'
import { createdAt, tenantPolicy, tenantTable } from '../../db/tenant-table.js'

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' })

/**
 * One secret per tenant, drawn on first use. A buyer's platform reference is stored only as an
 * HMAC under it, so the same person gets unrelated ids in two tenants and the table never holds
 * what a platform could map back to a person.
 */
export const buyerKeys = pgTable(
  'buyer_keys',
  {
    tenantId: text('tenant_id').notNull(),
    secret: bytea('secret').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.tenantId] }), tenantPolicy('buyer_keys')],
).enableRLS()

/** 买家: a pseudonymous buyer or audience member of one tenant, on one selling platform. */
export const buyers = tenantTable(
  'buyers',
  {
    platform: text('platform').notNull(),
    /** Hex HMAC-SHA256 of the platform's buyer reference under the tenant's key. */
    pseudonym: text('pseudonym').notNull(),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('buyers_pseudonym_key').on(t.tenantId, t.platform, t.pseudonym)],
)
