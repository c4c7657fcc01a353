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
  db: Database
  queues: Queues
  tx?: Tx
}

export interface TxCtx extends Ctx {
  tx: Tx
}

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
