import type { FastifyPluginAsync } from 'fastify'
import type { GraphQLContribution } from '../lib/graphql-schema.js'
import type { JobDefinition } from '../lib/jobs.js'
import { declareIdPrefixes } from '../lib/ids.js'
import { declareScopes } from '../lib/scopes.js'
import { declareQueues } from '../queues/index.js'

/** What a domain module contributes; src/modules/index.ts lists them. */
export interface ShowrunnerModule {
  name: string
  /** Scopes the module's routes and GraphQL fields require: scope → what it allows. */
  scopes?: Record<string, string>
  /** Id kinds the module creates: kind → prefix (`product: 'prd'`). */
  idPrefixes?: Record<string, string>
  /** BullMQ queues the module's jobs run on (shared queues may be declared by several modules). */
  queues?: string[]
  /** OpenAPI tags the module's operations use, in the order the reference shows them. */
  tags?: { name: string; description: string }[]
  /** Mounted under /v1. */
  routes?: FastifyPluginAsync
  /** Mounted at the root (OAuth, well-known documents, health). */
  rootRoutes?: FastifyPluginAsync
  graphql?: GraphQLContribution
  /** The module's jobs (see defineJob), schedules included; the runtime registers them with the workers. */
  jobs?: JobDefinition[]
}

/**
 * Declares a module: its scopes, id prefixes and queues join the app's registries as the module is
 * imported, so adding a module edits no shared file but the module list. Changes it
 * publishes are declared with `defineChange`, events with `declareEvent`, subscriptions in
 * its index.ts.
 */
export function defineModule<M extends ShowrunnerModule>(m: M): M {
  if (m.scopes) declareScopes(m.name, m.scopes)
  if (m.idPrefixes) declareIdPrefixes(m.name, m.idPrefixes)
  if (m.queues) declareQueues(m.name, m.queues)
  return m
}
