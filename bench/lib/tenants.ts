/** Seeded tenants and their rows, and tokens for them over HTTP. */
import { randomBytes } from 'node:crypto'
import type { Database } from '../../src/db/client.js'
import { events } from '../../src/db/schema.js'
import { newId } from '../../src/lib/ids.js'
import { createTenantCredentials, type TenantCredentials, type TenantOptions } from '../../test/support/tenants.js'

export { fetchTokenOverHttp as fetchToken } from '../../test/support/tokens.js'

export type BenchTenant = TenantCredentials

/** An organization and one API client, made the way `showrunner admin` makes them. */
export function seedTenant(db: Database, opts: Omit<TenantOptions, 'clientName'> = {}): Promise<BenchTenant> {
  return createTenantCredentials(db, {
    ...opts,
    name: opts.name ?? `Bench MCN ${randomBytes(3).toString('hex')}`,
    clientName: 'bench client',
  })
}

/** `count` rows in `events` for the tenant, inserted directly as the owner; returns their ids. */
export async function seedEvents(db: Database, tenantId: string, count: number): Promise<string[]> {
  const ids: string[] = []
  const types = [
    'order.created',
    'order.paid',
    'refund.requested',
    'refund.completed',
    'session.started',
    'session.ended',
  ]
  for (let offset = 0; offset < count; offset += 1000) {
    const batch = Array.from({ length: Math.min(1000, count - offset) }, (_, i) => {
      const n = offset + i
      const id = newId('event')
      ids.push(id)
      const type = types[n % types.length]!
      const resourceType = type.split('.')[0]!
      return {
        tenantId,
        id,
        type,
        resourceType,
        resourceId: `${resourceType.slice(0, 3)}_bench${String(n).padStart(6, '0')}`,
        resourceVersion: 1 + (n % 3),
        data: {
          amount: { amount: 1000 + n, currency: 'CNY' },
          anchor_id: `anc_bench${n % 50}`,
          session_id: `ses_bench${n % 200}`,
          items: [{ sku: `sku_${n % 97}`, quantity: 1 + (n % 4) }],
        },
        requestId: `req_bench_${n}`,
      }
    })
    await db.insert(events).values(batch)
  }
  return ids
}
