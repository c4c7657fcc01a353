import type { FastifyBaseLogger } from 'fastify'
import type { Database, Tx } from '../db/client.js'
import type { Queues } from '../queues/index.js'

export type OrgKind = 'mcn' | 'provider' | 'platform'

/** Who is calling: the API client, and the installation when a provider acts for an MCN. */
export interface Actor {
  clientId: string
  organizationId: string
  organizationKind: OrgKind
  installationId?: string
  scopes: string[]
}

/** Passed first to every service method, from REST, GraphQL and jobs alike. */
export interface Ctx {
  tenantId: string
  actor: Actor
  requestId: string
  log: FastifyBaseLogger
  /** The pool, as the owning role: control-plane work, and where tenant transactions start. */
  db: Database
  queues: Queues
}

/**
 * The context inside a tenant transaction (db/tenancy.ts `inTenant`). It has no pool: a
 * query on the pool would run outside both the transaction and the tenant, so the type
 * checker refuses `ctx.db` here.
 */
export type TxCtx = Omit<Ctx, 'db'> & { tx: Tx }

/**
 * The context inside a control-plane transaction (db/control-plane.ts `inControlPlane`):
 * `owner` is a transaction on the pool as the owning role, which alone can write
 * organizations, clients and apps. No pool handle either, so every write joins it.
 */
export type ControlPlaneCtx = Omit<Ctx, 'db'> & { owner: Tx }

/** What a job carries so its processor can rebuild the caller's context. */
export interface SerializedCtx {
  tenantId: string
  actor: Actor
  requestId: string
}

export function serializeCtx(ctx: Ctx): SerializedCtx {
  return { tenantId: ctx.tenantId, actor: ctx.actor, requestId: ctx.requestId }
}

/**
 * The context of work no caller asked for (schedules, sweepers): the platform acting as
 * itself, or, given a tenant, acting inside that tenant with no scopes of a client.
 */
export function systemCtx(requestId: string, tenant?: { id: string; kind: OrgKind }): SerializedCtx {
  return {
    tenantId: tenant?.id ?? '',
    actor: {
      clientId: 'system',
      organizationId: tenant?.id ?? '',
      organizationKind: tenant?.kind ?? 'platform',
      scopes: [],
    },
    requestId,
  }
}
