import type { FastifyBaseLogger, FastifyPluginAsync } from 'fastify'
import type { Config } from '../config.js'
import type { DatabaseHandle } from '../db/client.js'
import type { GraphQLContribution } from '../lib/graphql-schema.js'
import type { JobDefinition } from '../lib/jobs.js'
import { declareIdPrefixes } from '../lib/ids.js'
import { declareScopes } from '../lib/scopes.js'
import { declareQueues, type Queues } from '../queues/index.js'

/** What a module's background work stands on (see ShowrunnerModule.background). */
export interface BackgroundDeps {
  config: Config
  database: DatabaseHandle
  queues: Queues
  log: FastifyBaseLogger
}

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
  /**
   * Reads what the module needs of the process configuration (the webhooks module: whether
   * development mode lets deliveries reach localhost). Called once per process by startRuntime,
   * API and worker alike.
   */
  configure?: (config: Config) => void
  /**
   * Long-lived work that runs beside the module's job processors (the webhooks relay's LISTEN
   * connection). Started with the workers; the function it answers stops it before the queues close.
   */
  background?: (deps: BackgroundDeps) => Promise<() => Promise<void>>
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
