/**
 * Tenants for tests and benches, made the way an operator makes them
 * (`showrunner admin create-org` / `create-client`): straight through the identity service
 * on a connection that is not subject to RLS.
 */
import { randomBytes } from 'node:crypto'
import type { Database } from '../../src/db/client.js'
import type { Scope } from '../../src/lib/scopes.js'
import { createClient, createOrganization } from '../../src/modules/identity/service.js'

export type OrganizationKind = 'mcn' | 'provider' | 'platform'

/** What a tenant's API client needs to ask for a token. */
export interface TenantCredentials {
  organizationId: string
  clientId: string
  clientSecret: string
}

export interface TenantOptions {
  kind?: OrganizationKind
  /** Default: `Org <random>`. */
  name?: string
  /** Default: every scope the organization's kind may hold. */
  scopes?: Scope[]
  /** Default: `api client`. */
  clientName?: string
}

/** An organization with one API client. */
export async function createTenantCredentials(db: Database, opts: TenantOptions = {}): Promise<TenantCredentials> {
  const org = await createOrganization(db, {
    kind: opts.kind ?? 'mcn',
    name: opts.name ?? `Org ${randomBytes(3).toString('hex')}`,
  })
  const { client, client_secret } = await createClient(db, {
    organizationId: org.id,
    name: opts.clientName ?? 'api client',
    scopes: opts.scopes,
  })
  return { organizationId: org.id, clientId: client.id, clientSecret: client_secret }
}
