import postgres from 'postgres'
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js'
import { PostgresJsSession } from 'drizzle-orm/postgres-js/session'

/*
 * drizzle sends statements unnamed unless `.prepare(name)` is called, so PostgreSQL parses
 * and plans every one again. postgres.js can prepare and cache them per connection; the
 * query text is the cache key, and our statements have a bounded set of shapes.
 */
const sessionProto = PostgresJsSession.prototype as unknown as { prepareQuery: (...args: unknown[]) => unknown }
const originalPrepareQuery = sessionProto.prepareQuery
sessionProto.prepareQuery = function (query, fields, _name, ...rest) {
  return originalPrepareQuery.call(this, query, fields, 'auto', ...rest)
}

export type Database = PostgresJsDatabase<Record<string, never>>
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0]
/** Something queries can run on: the pool (system work) or a transaction (tenant work). */
export type Executor = Database | Tx

export interface DatabaseHandle {
  db: Database
  sql: postgres.Sql
  close(): Promise<void>
}

export function connectDatabase(url: string, opts: { max?: number } = {}): DatabaseHandle {
  const sql = postgres(url, {
    max: opts.max ?? 10,
    onnotice: () => {},
    // Timestamps arrive as Date; bigints stay exact.
    types: { bigint: postgres.BigInt },
    connection: { application_name: 'showrunner' },
  })
  const db = drizzle(sql)
  return { db, sql, close: () => sql.end({ timeout: 5 }) }
}
