/**
 * Scratch databases for tests and benches: each one is cloned from a template migrated once
 * per set of migrations, so a database costs a file copy instead of a migration run.
 * No tap here: benches use this too; tests register `drop()` as a teardown themselves.
 */
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import postgres from 'postgres'
import { migrationsFolder, runMigrations } from '../../src/db/migrate.js'

// Any fixed number works, as long as everyone who builds the template takes the same one.
const TEMPLATE_LOCK = 823401

export interface ScratchDatabase {
  name: string
  url: string
  /** Drops the database, terminating leftover connections. */
  drop(): Promise<void>
}

/** `adminUrl` with its database replaced by `name`. */
export function databaseUrl(adminUrl: string, name: string): string {
  const u = new URL(adminUrl)
  u.pathname = `/${name}`
  return u.toString()
}

/** Short hash of the migration files: a new migration means a new template. */
export function migrationsHash(): string {
  const h = createHash('sha256')
  for (const f of fs
    .readdirSync(migrationsFolder)
    .filter((f) => f.endsWith('.sql'))
    .sort())
    h.update(f).update(fs.readFileSync(path.join(migrationsFolder, f)))
  return h.digest('hex').slice(0, 12)
}

export function scratchDatabaseName(prefix = 'sr_t'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`
}

/**
 * A new database on the server behind `adminUrl` (a superuser or a role with CREATEDB),
 * cloned from the migrated template, which is built first if this set of migrations has
 * none yet. With `replace`, a database already called `name` is dropped first.
 */
export async function createMigratedDatabase(
  adminUrl: string,
  opts: { name?: string; replace?: boolean } = {},
): Promise<ScratchDatabase> {
  const name = opts.name ?? scratchDatabaseName()
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`)
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  const template = `sr_tpl_${migrationsHash()}`
  try {
    if (opts.replace) await admin.unsafe(`drop database if exists ${name} with (force)`)
    // CREATE DATABASE cannot run in a transaction, so a session lock on one connection
    // (max: 1) keeps parallel processes from building the template twice, and from cloning
    // it while another process is still connected to it.
    await admin`select pg_advisory_lock(${TEMPLATE_LOCK})`
    try {
      const [exists] = await admin`select 1 from pg_database where datname = ${template}`
      if (!exists) {
        await admin.unsafe(`drop database if exists ${template}_building`)
        await admin.unsafe(`create database ${template}_building`)
        await runMigrations(databaseUrl(adminUrl, `${template}_building`))
        await admin.unsafe(`alter database ${template}_building rename to ${template}`)
      }
      await admin.unsafe(`create database ${name} template ${template}`)
    } finally {
      await admin`select pg_advisory_unlock(${TEMPLATE_LOCK})`
    }
  } finally {
    await admin.end({ timeout: 5 })
  }
  return { name, url: databaseUrl(adminUrl, name), drop: () => dropDatabase(adminUrl, name) }
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} })
  try {
    await sql.unsafe(`drop database if exists ${name} with (force)`)
  } finally {
    await sql.end({ timeout: 5 })
  }
}
