import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../config.js'
import type { Database, DatabaseHandle } from '../db/client.js'
import type { Queues } from '../queues/index.js'

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    db: Database
    database: DatabaseHandle
    queues: Queues
  }
}

export interface Infrastructure {
  config: Config
  database: DatabaseHandle
  queues: Queues
}

/** Decorates the app with what the runtime started; closing them is the runtime's job. */
export default fp(
  async function infrastructurePlugin(app: FastifyInstance, infra: Infrastructure) {
    app.decorate('config', infra.config)
    app.decorate('database', infra.database)
    app.decorate('db', infra.database.db)
    app.decorate('queues', infra.queues)
  },
  { name: 'infrastructure' },
)
