import { and, desc, eq, getTableColumns, getTableName, lt, sql, type SQL } from 'drizzle-orm'
import type { PgColumn, PgTable, PgUpdateSetSource } from 'drizzle-orm/pg-core'
import type { Ctx, TxCtx } from './context.js'
import type { Executor } from '../db/client.js'
import { inTenantStatement, tenantStatement } from '../db/tenancy.js'
import { AppError } from './errors.js'

/** A tenant-owned table as built by db/tenant-table.ts. */
export type TenantTable = PgTable & { tenantId: PgColumn; id: PgColumn }
type Versioned = TenantTable & { version: PgColumn; updatedAt: PgColumn }

export interface PageRequest {
  limit?: number
  cursor?: string
}
export interface PageResult<T> {
  data: T[]
  next_cursor: string | null
}

export function encodeCursor(id: string): string {
  return Buffer.from(JSON.stringify({ id })).toString('base64url')
}

export function decodeCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { id?: unknown }
    if (typeof parsed.id === 'string' && parsed.id.length < 200) return parsed.id
  } catch {
    // fall through
  }
  throw new AppError('validation_failed', 'The cursor is not one this API issued.', {
    errors: [{ pointer: '/query/cursor', detail: 'is not a valid cursor' }],
  })
}

/**
 * Newest first, keyset-paginated on a sortable id column: stable while rows are inserted.
 * The one pagination rule for every list, tenant-owned or control-plane.
 */
export async function keysetPage<T extends { id: string }>(
  db: Executor,
  table: PgTable,
  idColumn: PgColumn,
  page: PageRequest,
  where: SQL | undefined,
): Promise<PageResult<T>> {
  const limit = page.limit ?? 50
  const after = page.cursor ? lt(idColumn, decodeCursor(page.cursor)) : undefined
  const rows = (await db
    .select()
    .from(table)
    .where(and(where, after))
    .orderBy(desc(idColumn))
    .limit(limit + 1)) as T[]
  const more = rows.length > limit
  const data = more ? rows.slice(0, limit) : rows
  return { data, next_cursor: more ? encodeCursor(data[data.length - 1]!.id) : null }
}

export async function mapPage<T, U>(page: Promise<PageResult<T>>, fn: (row: T) => U): Promise<PageResult<U>> {
  const { data, next_cursor } = await page
  return { data: data.map(fn), next_cursor }
}

/**
 * The one place tenant scoping is written. Every repository builds its queries from
 * these, so a query without the tenant filter cannot be expressed by accident; RLS on
 * the app role is the second wall behind it.
 */
export function scoped<T extends PgTable & { tenantId: PgColumn }>(
  ctx: TxCtx,
  table: T,
  ...conditions: (SQL | undefined)[]
): SQL {
  return and(eq(table.tenantId, ctx.tenantId), ...conditions)!
}

/**
 * A fixed `select <every column> from <table> where tenant_id = $1 and id = $2`, its text
 * built once (`inTenantStatement` prepares it once per connection), and the row decoding drizzle
 * would do (its columns' own decoders, keyed by their property names), for reads by id
 * that skip drizzle's per-call query building.
 */
function byIdStatement(table: TenantTable) {
  const columns = Object.entries(getTableColumns(table)).map(([key, column]) => ({
    key,
    name: column.name,
    decode: (v: unknown) => column.mapFromDriverValue(v),
  }))
  const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`
  const text = `select ${columns.map((c) => quoted(c.name)).join(', ')} from ${quoted(getTableName(table))} where ${quoted(table.tenantId.name)} = $1 and ${quoted(table.id.name)} = $2`
  const decode = (raw: Record<string, unknown>) => {
    const row: Record<string, unknown> = {}
    for (const c of columns) {
      const v = raw[c.name]
      row[c.key] = v === null || v === undefined ? null : c.decode(v)
    }
    return row
  }
  return { statement: tenantStatement(text), decode }
}

/** The 412 of an update whose If-Match names a version that is no longer current. */
export function staleVersion(resourceName: string, expectedVersion: number | undefined): AppError {
  return new AppError(
    'precondition_failed',
    `The ${resourceName} has changed since version ${expectedVersion}; fetch it again and retry with its new ETag.`,
  )
}

export function tenantRepository<T extends TenantTable>(table: T, resourceName: string) {
  type Row = T['$inferSelect']
  type Insert = Omit<T['$inferInsert'], 'tenantId'>
  const t = table as TenantTable
  const byId = byIdStatement(t)
  const notFound = (id: string) => new AppError('not_found', `No ${resourceName} with id ${id} exists.`)

  return {
    table,
    where: (ctx: TxCtx, ...conditions: (SQL | undefined)[]) => scoped(ctx, table, ...conditions),

    async insert(ctx: TxCtx, values: Insert): Promise<Row> {
      const [row] = await ctx.tx
        .insert(table)
        .values({ ...values, tenantId: ctx.tenantId } as T['$inferInsert'])
        .returning()
      return row as Row
    },

    async insertMany(ctx: TxCtx, values: Insert[]): Promise<Row[]> {
      if (values.length === 0) return []
      return (await ctx.tx
        .insert(table)
        .values(values.map((v) => ({ ...v, tenantId: ctx.tenantId })) as T['$inferInsert'][])
        .returning()) as Row[]
    },

    async find(ctx: TxCtx, id: string): Promise<Row | undefined> {
      const [row] = await ctx.tx
        .select()
        .from(table as PgTable)
        .where(scoped(ctx, table, eq(t.id, id)))
        .limit(1)
      return row as Row | undefined
    },

    async get(ctx: TxCtx, id: string): Promise<Row> {
      const row = await this.find(ctx, id)
      if (!row) throw notFound(id)
      return row
    },

    /**
     * `get` as a service's whole read: its own tenant transaction in one message
     * (`inTenantStatement`), or the caller's when `ctx` is already in one.
     */
    async read(ctx: Ctx | TxCtx, id: string): Promise<Row> {
      const [raw] = await inTenantStatement(ctx, byId.statement, [ctx.tenantId, id])
      if (!raw) throw notFound(id)
      return byId.decode(raw) as Row
    },

    list(ctx: TxCtx, page: PageRequest, ...conditions: (SQL | undefined)[]): Promise<PageResult<Row>> {
      return keysetPage<Row & { id: string }>(ctx.tx, table, t.id, page, scoped(ctx, table, ...conditions))
    },

    /**
     * Optimistic update: bumps `version`; with `expectedVersion` (from If-Match) a stale
     * write matches no row and answers 412 instead of overwriting.
     */
    async update(ctx: TxCtx, id: string, expectedVersion: number | undefined, set: PgUpdateSetSource<T>): Promise<Row> {
      // Every versioned table built by db/tenant-table.ts has these columns; T does not say so.
      const v = table as unknown as Versioned
      const [row] = await ctx.tx
        .update(table)
        // T is generic here, so drizzle cannot see that version and updated_at are its columns.
        .set({ ...set, version: sql`${v.version} + 1`, updatedAt: sql`now()` } as PgUpdateSetSource<T>)
        .where(
          scoped(ctx, table, eq(t.id, id), expectedVersion === undefined ? undefined : eq(v.version, expectedVersion)),
        )
        .returning()
      if (row) return row as Row
      await this.get(ctx, id)
      throw staleVersion(resourceName, expectedVersion)
    },
  }
}
