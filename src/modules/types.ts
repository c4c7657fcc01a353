import type { FastifyPluginAsync } from 'fastify'
import type { IResolvers, MercuriusLoaders } from 'mercurius'
import type { Database } from '../db/client.js'
import type { Queues } from '../queues/index.js'
import type { JobDefinition } from '../lib/jobs.js'
import type { FastifyBaseLogger } from 'fastify'

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
  graphql?: { typeDefs: string; resolvers: IResolvers; loaders?: MercuriusLoaders }
  /** The module's jobs (see defineJob), schedules included; the runtime registers them with the workers. */
  jobs?: JobDefinition[]
}
