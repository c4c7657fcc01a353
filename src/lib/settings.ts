import type { Sql } from 'postgres'
import type { TxCtx } from './context.js'
import { AppError } from './errors.js'
import { tenantRepository } from './repository.js'
import { settingsDocuments } from '../db/schema.js'
import { transactionClient } from '../db/tenancy.js'

const repo = tenantRepository(settingsDocuments, 'settings document')

type Plain = Record<string, unknown>
const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Objects merge key by key (one level deep per nesting); anything else replaces. */
export function mergeSettings<T>(base: T, patch: unknown): T {
  if (!isPlain(base) || !isPlain(patch)) return (patch === undefined ? base : patch) as T
  const out: Plain = { ...base }
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) out[k] = mergeSettings(out[k], v)
  return out as T
}

/**
 * A per-tenant settings document with documented defaults. Reading never writes: a tenant
 * that never changed it sees the defaults at version 0. Updates merge a partial document
 * and honour If-Match like every other resource.
 */
export function settingsDocument<T extends object>(key: string, defaults: () => T) {
  return {
    defaults,
    async read(ctx: TxCtx): Promise<{ value: T; version: number; updatedAt: Date | null }> {
      const row = await repo.find(ctx, key)
      if (!row) return { value: defaults(), version: 0, updatedAt: null }
      return { value: mergeSettings(defaults(), row.value), version: row.version, updatedAt: row.updatedAt }
    },
    async update(
      ctx: TxCtx,
      expectedVersion: number | undefined,
      patch: Partial<T>,
      check?: (value: T) => void,
    ): Promise<{ value: T; version: number; updatedAt: Date | null }> {
      const current = await this.read(ctx)
      if (expectedVersion !== undefined && expectedVersion !== current.version) {
        throw new AppError(
          'precondition_failed',
          `The settings have changed since version ${expectedVersion}; fetch them again and retry with the new ETag.`,
        )
      }
      const value = mergeSettings(current.value, patch)
      check?.(value)
      if (current.version === 0) {
        const [inserted] = await ctx.tx
          .insert(settingsDocuments)
          .values({ tenantId: ctx.tenantId, id: key, value })
          .onConflictDoNothing()
          .returning()
        if (!inserted)
          throw new AppError(
            'precondition_failed',
            'The settings were changed concurrently; fetch them again and retry.',
          )
        return { value, version: inserted.version, updatedAt: inserted.updatedAt }
      }
      const row = await repo.update(ctx, key, current.version, { value })
      return { value, version: row.version, updatedAt: row.updatedAt }
    },
    /** `values` on a postgres.js connection in the tenant's transaction (one fixed statement). */
    async valuesOn(sql: Sql, tenantId: string): Promise<T> {
      const [row] = await sql<{ value: unknown }[]>`select ${this.valueFragment(sql, tenantId)} as value`
      return this.fromValue(row!.value)
    },
    /** The stored document as a scalar subquery (null when none is stored), for a statement of the caller's. */
    valueFragment(sql: Sql, tenantId: string) {
      return sql`(select value from catalog_settings where tenant_id = ${tenantId} and id = ${key})`
    },
    /** The values from what `valueFragment` read. */
    fromValue(stored: unknown): T {
      return stored === null || stored === undefined ? defaults() : mergeSettings(defaults(), stored as Partial<T>)
    },
    /** Locks nothing; for code that only needs the values. */
    values(ctx: TxCtx): Promise<T> {
      return this.valuesOn(transactionClient(ctx.tx), ctx.tenantId)
    },
  }
}
