import net from 'node:net'
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

/**
 * postgres.js opens plain `net.Socket`s, which keep Nagle's algorithm on. A statement whose
 * messages leave in more than one segment (a multi-row insert's Bind, a COPY's data then its
 * CopyDone) then waits for the server's delayed ACK before its last small segment goes out:
 * about 40 ms on Linux, per statement. libpq sets TCP_NODELAY on every connection; this does
 * the same. Only for one TCP host: with a host list postgres.js does its own failover, which a
 * custom socket would bypass, and a Unix socket has no Nagle.
 */
export function noDelaySocketOption(url: string): { socket?: () => net.Socket } {
  // Parsing only: a client opens no connection before its first query.
  const parsed = postgres(url).options
  if (parsed.path || parsed.host.length !== 1) return {}
  const host = parsed.host[0]!
  const port = parsed.port[0]!
  return {
    // Returned before it connects: postgres.js writes its startup message at once, which the
    // socket holds until connected; connection errors reach postgres.js' own error handler.
    socket: () => Object.assign(net.connect({ host, port, noDelay: true }), { host, port }),
  }
}

export function connectDatabase(url: string, opts: { max?: number } = {}): DatabaseHandle {
  const sql = postgres(url, {
    ...noDelaySocketOption(url),
    max: opts.max ?? 10,
    onnotice: () => {},
    // Timestamps arrive as Date; bigints stay exact.
    types: { bigint: postgres.BigInt },
    connection: { application_name: 'showrunner' },
  })
  const db = drizzle(sql)
  return { db, sql, close: () => sql.end({ timeout: 5 }) }
}
