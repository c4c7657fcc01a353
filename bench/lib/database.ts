/**
 * The bench database on the local PostgreSQL: made like a test database (cloned from the
 * migrated template, test/support/database.ts), but under a fixed name and replaced on
 * every run.
 */
import postgres from 'postgres'
import { connectDatabase, type DatabaseHandle } from '../../src/db/client.js'
import { createMigratedDatabase, databaseUrl, type ScratchDatabase } from '../../test/support/database.js'

/** Admin connection (a superuser or a role with CREATEDB on the local server). */
export const BENCH_ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export type BenchDatabase = ScratchDatabase

/** The URL of database `name` on the bench server. */
export function benchDatabaseUrl(name: string): string {
  return databaseUrl(BENCH_ADMIN_URL, name)
}

/** Drops and recreates `name` on the local PostgreSQL, migrated. */
export function createBenchDatabase(name = 'showrunner_bench'): Promise<BenchDatabase> {
  return createMigratedDatabase(BENCH_ADMIN_URL, { name, replace: true })
}

/** A pool on the bench database as its owner (RLS does not apply): for seeding only. */
export function connectOwner(url: string, max = 4): DatabaseHandle {
  return connectDatabase(url, { max })
}

export async function serverVersion(url: string): Promise<string> {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    const [row] = await sql<{ server_version: string }[]>`show server_version`
    return row!.server_version
  } finally {
    await sql.end({ timeout: 5 })
  }
}

/** PostgreSQL backend pids connected to `database` (needs the admin connection's rights). */
export async function backendPids(database: string): Promise<number[]> {
  const sql = postgres(BENCH_ADMIN_URL, { max: 1, onnotice: () => {} })
  try {
    const rows = await sql<
      { pid: number }[]
    >`select pid from pg_stat_activity where datname = ${database} and pid <> pg_backend_pid()`
    return rows.map((r) => r.pid)
  } catch {
    return []
  } finally {
    await sql.end({ timeout: 5 })
  }
}
