import postgres from 'postgres'
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js'

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
