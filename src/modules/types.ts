import type { FastifyPluginAsync } from 'fastify'
import type { Database } from '../db/client.js'
import type { Queues } from '../queues/index.js'
import type { FastifyBaseLogger } from 'fastify'
import type { GraphQLContribution } from '../lib/graphql-schema.js'

export interface WorkerDeps {
  db: Database
  queues: Queues
  log: FastifyBaseLogger
}

/** What a domain module contributes; src/modules/index.ts lists them. */
export interface ShowrunnerModule {
  name: string
  /** Mounted under /v1. */
  routes?: FastifyPluginAsync
  /** Mounted at the root (OAuth, well-known documents, health). */
  rootRoutes?: FastifyPluginAsync
  /** Types, Query fields (each with its scope) and loaders, built into one schema. */
  graphql?: GraphQLContribution
  /** Registers the module's job handlers and repeatable schedules. */
  jobs?: (deps: WorkerDeps) => void | Promise<void>
}
