import { createHash } from 'node:crypto'
import type { MaybeRow, PendingQuery, Row, RowList, Sql } from 'postgres'
import type { Tx } from './client.js'
import { APP_ROLE } from './tenant-table.js'
import type { Ctx, TxCtx } from '../lib/context.js'

/**
 * The postgres.js client of a drizzle transaction: its own connection, inside the transaction.
 * For the few statements on a hot path that drizzle would build anew on every call; tagged
 * templates are prepared once per connection.
 */
export function transactionClient(tx: Tx): Sql {
  // drizzle does not type its session; the transaction's postgres.js client is on it.
  return (tx as unknown as { session: { client: Sql } }).session.client
}

/**
 * Makes the rest of `tx` act as the tenant: the role becomes the RLS-bound app role and
 * `app.tenant_id` is set, both transaction-local (`is_local = true`) so a pooled
 * connection carries neither to its next user.
 */
export async function actAsTenant(tx: Tx, tenantId: string): Promise<void> {
  // Sent as a prepared statement on the transaction's own connection (postgres.js
  // tagged template): it runs on every tenant request, so it skips re-parsing.
  await transactionClient(
    tx,
  )`select set_config('role', ${APP_ROLE}, true), set_config('app.tenant_id', ${tenantId}, true)`
}

/**
 * Runs `fn` in a transaction that acts as the tenant (see `actAsTenant`). `fn` gets a
 * context without the pool, so nothing inside can escape the transaction and the tenant
 * through it. Called with a context that is already in a tenant transaction, it joins it.
 */
export function inTenant<T>(ctx: Ctx | TxCtx, fn: (ctx: TxCtx) => Promise<T>): Promise<T> {
  if ('tx' in ctx) return fn(ctx)
  const { db, ...rest } = ctx
  return db.transaction(async (tx) => {
    await actAsTenant(tx, ctx.tenantId)
    return fn({ ...rest, tx })
  })
}

/**
 * `begin read only` and the role and tenant set transaction-locally, not yet sent. The tenant is
 * a bound parameter of a prepared statement: sending both as one simple-protocol message with the
 * id as a literal was measured slower (PostgreSQL parses and plans the literal select every time:
 * +8–25 µs of backend CPU per read against one fewer message).
 */
function openTenantRead(sql: Sql, tenantId: string) {
  return [
    sql.unsafe('begin read only'),
    sql`select set_config('role', ${APP_ROLE}, true), set_config('app.tenant_id', ${tenantId}, true)`,
  ]
}

/** A read that returned rows from outside its tenant transaction is refused, never served. */
export class TenantReadAborted extends Error {
  override name = 'TenantReadAborted'
}

/**
 * One statement read as the tenant, in one round trip: `begin read only`, the role and
 * tenant set transaction-locally (exactly as `actAsTenant`), the statement `read` builds
 * on the connection it is given, and `commit`, written together on one reserved pooled
 * connection (postgres.js coalesces what is sent in one tick into one socket write), so
 * PostgreSQL runs them in order without waiting on the client. `inTenant` awaits each.
 *
 * Why the wall stays as strong: the statement is parsed, planned and executed after the
 * `set_config` has run in the same transaction (the server handles the messages in
 * order; a cached plan is re-checked against the current role, since it depends on RLS),
 * so RLS applies exactly as in `inTenant`. Both settings are transaction-local, so the
 * connection goes back to the pool carrying neither. The transaction is read-only, so the
 * statement cannot write. And a result is returned only when the transaction committed:
 * postgres.js re-sends a prepared statement that failed because its plan went stale, and
 * such a retry would run after the `commit` already sent, outside the transaction and as
 * the pool's role, so whenever the `commit` answered anything but COMMIT the read fails
 * (`TenantReadAborted` unless the statement's own error says more).
 *
 * For a single SELECT; several statements, or writes, take `inTenant`. Given a context
 * already in a tenant transaction, the statement runs in that transaction.
 */
export async function inTenantRead<R extends readonly MaybeRow[]>(
  ctx: Ctx | TxCtx,
  read: (sql: Sql) => PendingQuery<R>,
): Promise<RowList<R>> {
  if ('tx' in ctx) return read(transactionClient(ctx.tx))
  // drizzle keeps its postgres.js client on the database handle.
  const sql = await (ctx.db as unknown as { $client: Sql }).$client.reserve()
  try {
    const opening = openTenantRead(sql, ctx.tenantId)
    const statements = [...opening, read(sql), sql.unsafe('commit')]
    // Started in this order, in one tick; allSettled so that no rejection goes unobserved.
    const settled = await Promise.allSettled(statements.map((s) => s.execute()))
    const result = settled[opening.length]!
    const committed = settled[settled.length - 1]!
    // A commit that failed on a live connection would hand the pool an open transaction.
    if (committed.status === 'rejected') await sql.unsafe('rollback').catch(() => {})
    if (result.status === 'rejected') throw result.reason
    if (committed.status === 'fulfilled' && committed.value.command === 'COMMIT') return result.value as RowList<R>
    for (const step of settled) if (step.status === 'rejected') throw step.reason
    throw new TenantReadAborted('The tenant read did not commit; its result is discarded.')
  } finally {
    sql.release()
  }
}

/** A fixed one-statement read (`$1`, `$2`, … for its values), named once for `inTenantStatement`. */
export interface TenantStatement {
  text: string
  /** The session's prepared-statement name: the same text always gets the same name. */
  name: string
}

export function tenantStatement(text: string): TenantStatement {
  return { text, name: `showrunner_${createHash('sha256').update(text).digest('hex').slice(0, 24)}` }
}

/** A value of a tenant statement: the reads by id pass ids. */
export type StatementValue = string | number | boolean | null

/**
 * A value as a SQL literal. An escape string (`E'…'`) reads the same whatever
 * `standard_conforming_strings` says, once both the backslash and the quote are doubled; a NUL
 * (which no PostgreSQL text holds, and which would end the message) is refused.
 */
export function sqlLiteral(value: StatementValue): string {
  if (value === null) return 'null'
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`sqlLiteral: ${value} has no SQL literal`)
    return String(value)
  }
  // Ids, the common value, hold none of the three: one scan, no copies.
  if (!/['\\\0]/.test(value)) return `E'${value}'`
  if (value.includes('\0')) throw new TypeError('sqlLiteral: a text value holds a NUL')
  return `E'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`
}

const ACT_AS_APP_ROLE = `set local role "${APP_ROLE.replaceAll('"', '""')}"`
/** No such prepared statement on this session (a new connection, or a DISCARD). */
const UNDEFINED_PREPARED_STATEMENT = '26000'
/** With "cached plan must not change result type": a migration changed the statement's columns. */
const CACHED_PLAN_CHANGED = '0A000'

/**
 * A fixed statement read as the tenant in one message and one answer, the cheapest shape
 * there is: the transaction made read-only, the role and tenant set transaction-locally (`set
 * local`, the same as `actAsTenant`'s `set_config(…, true)`) and `execute` of the statement
 * prepared on the connection, as one simple-protocol query. PostgreSQL runs the statements of
 * such a message as one implicit transaction and answers with one ReadyForQuery, so the client
 * parses one response and the server flushes once, where `inTenantRead` costs four of each
 * (and `begin`/`commit` in the message, measured, cost both sides more than they say); the
 * plan is the session's prepared one, so nothing is planned per read. Values travel as
 * literals (`sqlLiteral`): a simple query has no parameters.
 *
 * The wall is the same: the statements of one query message run in order in one transaction,
 * so the `execute` runs after the settings, read-only, as the app role, for the tenant; at the
 * end of the message the transaction ends and both settings with it, so the connection goes
 * back to the pool carrying neither. An error rolls the whole message back and skips what is
 * after it; rows are returned only from a message that ran to its end (PostgreSQL commits
 * before it answers ReadyForQuery, and a failed commit is an error). A plan prepared under
 * another role is rewritten for the current one before it runs (PostgreSQL's plan cache tracks
 * the role of plans that RLS applies to).
 *
 * The message is sent on the pool, not on a reserved connection: it holds its whole
 * transaction, so it may share a connection with other messages, and postgres.js then
 * pipelines them (several messages in one socket write, their answers read together), which
 * saves a write and a read on both sides per read when the pool is busy. A connection that
 * lacks the statement answers 26000 (no such prepared statement; PostgreSQL logs that error,
 * once per connection and statement), or 0A000 once a migration changed its columns; the
 * message was rolled back, and the read is made again on a reserved connection, where it is
 * prepared (again) if that connection lacks it too, and run. The reserved connection need not
 * be the one that failed, so a new pool of n connections answers a few n retried reads, once.
 * Given a context already in a tenant transaction, the statement runs in that transaction.
 */
export async function inTenantStatement<R extends Row = Row>(
  ctx: Ctx | TxCtx,
  statement: TenantStatement,
  values: StatementValue[],
): Promise<R[]> {
  if ('tx' in ctx) return transactionClient(ctx.tx).unsafe<R[]>(statement.text, values, { prepare: true })
  const acting = `set local transaction_read_only = on; ${ACT_AS_APP_ROLE}; set local app.tenant_id = ${sqlLiteral(ctx.tenantId)}`
  const execute = `execute ${statement.name}${values.length ? `(${values.map(sqlLiteral).join(', ')})` : ''}`
  // drizzle keeps its postgres.js client on the database handle.
  const pool = (ctx.db as unknown as { $client: Sql }).$client
  const message = `${acting}; ${execute}`
  try {
    return await rowsOf<R>(pool, message)
  } catch (err) {
    if (!unprepared(err)) throw err
  }
  const sql = await pool.reserve()
  try {
    return await rowsOf<R>(sql, message)
  } catch (err) {
    if (!unprepared(err)) throw err
    if ((err as { code?: string }).code === CACHED_PLAN_CHANGED) await sql.unsafe(`deallocate ${statement.name}`)
    return await rowsOf<R>(sql, `${acting}; prepare ${statement.name} as ${statement.text}; ${execute}`)
  } finally {
    sql.release()
  }
}

/** The statement is not prepared on the connection, or its plan went stale. */
function unprepared(err: unknown): boolean {
  const { code, message } = err as { code?: string; message?: string }
  if (code === UNDEFINED_PREPARED_STATEMENT) return true
  return code === CACHED_PLAN_CHANGED && /cached plan must not change result type/.test(message ?? '')
}

/** The rows of a tenant statement's message (see `inTenantStatement`). */
async function rowsOf<R extends Row>(sql: Sql, text: string): Promise<R[]> {
  // postgres.js answers a multi-statement query with a result per statement that returned
  // rows, the commands before it folded into the first: [set … set (or prepare), rows].
  const results = (await sql.unsafe(text)) as unknown as RowList<R[]>[]
  if (results.length !== 2) throw new TenantReadAborted('The tenant read answered no rows result; it is discarded.')
  return results[1]!
}

/** Sends `query` with the transaction's `commit` right behind it (see `inTenantReads`). */
export type LastStatement = <Q extends PromiseLike<unknown> & { execute(): unknown }>(query: Q) => Q

/**
 * Several statements read as the tenant, in a read-only transaction on one reserved pooled
 * connection, in as few round trips as the reads allow: `begin read only` and the role and
 * tenant (set transaction-locally, exactly as `actAsTenant`) go out in the same socket write
 * as the statements `read` starts before its first await (postgres.js coalesces what is sent
 * in one tick), later statements follow as `read` sends them, and `commit` goes out with the
 * statement `read` passes to `last`, or once `read` has settled when it passes none. After
 * `last`, `read` starts no statement on `sql`. `inTenant` would await `begin` and the role
 * apart, and build with drizzle.
 *
 * The wall stays as strong as in `inTenantRead`: every statement of `read` is queued after the
 * `set_config`, so the server runs it in the transaction, as the app role, for the tenant; the
 * transaction cannot write; both settings are transaction-local. A result is returned only
 * when `commit` answered COMMIT: a prepared statement that postgres.js re-sends after a
 * stale-plan error runs after whatever was queued, so once the commit has gone out it would
 * run outside the transaction as the pool's role; its first failure aborted the transaction,
 * so the commit answers ROLLBACK and the result is refused (`TenantReadAborted`). `read` must
 * settle every statement it starts; when it throws, the transaction is rolled back before the
 * connection goes back to the pool.
 *
 * Given a context already in a tenant transaction, `read` runs on that transaction's
 * connection and `last` sends the statement alone (the caller commits).
 */
export async function inTenantReads<T>(
  ctx: Ctx | TxCtx,
  read: (sql: Sql, last: LastStatement) => Promise<T>,
): Promise<T> {
  if ('tx' in ctx) return read(transactionClient(ctx.tx), (query) => query)
  // drizzle keeps its postgres.js client on the database handle.
  const sql = await (ctx.db as unknown as { $client: Sql }).$client.reserve()
  try {
    const acting = Promise.all(openTenantRead(sql, ctx.tenantId).map((s) => s.execute()))
    // Observed now, so a failed begin or set_config is never an unhandled rejection while
    // `read` runs; awaited below before any result is returned.
    acting.catch(() => {})
    let commit: Promise<{ command: string }> | undefined
    const last: LastStatement = (query) => {
      if (commit) throw new Error('inTenantReads: the commit has already been sent')
      query.execute()
      commit = sql.unsafe('commit').execute()
      commit.catch(() => {})
      return query
    }
    let result: T
    try {
      result = await read(sql, last)
      await acting
    } catch (err) {
      // Outside a transaction (the commit went out) the rollback only warns.
      await commit?.catch(() => {})
      await sql.unsafe('rollback').catch(() => {})
      throw err
    }
    const committed = await (commit ?? sql.unsafe('commit')).catch(async (err: unknown) => {
      await sql.unsafe('rollback').catch(() => {})
      throw err
    })
    if (committed.command !== 'COMMIT')
      throw new TenantReadAborted('The tenant read did not commit; its result is discarded.')
    return result
  } finally {
    sql.release()
  }
}
