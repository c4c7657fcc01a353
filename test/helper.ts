import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import postgres from 'postgres'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import type { Test } from 'tap'
import { buildApp } from '../src/app.js'
import { loadConfig, type Config } from '../src/config.js'
import { migrationsFolder, runMigrations } from '../src/db/migrate.js'
import { startRuntime, startWorkers, type Runtime } from '../src/runtime.js'
import { createClient, createOrganization } from '../src/modules/identity/service.js'
import type { Scope } from '../src/lib/scopes.js'
import pino from 'pino'

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'

function urlFor(database: string): string {
  const u = new URL(TEST_DATABASE_URL)
  u.pathname = `/${database}`
  return u.toString()
}

function migrationsHash(): string {
  const h = createHash('sha256')
  for (const f of fs
    .readdirSync(migrationsFolder)
    .filter((f) => f.endsWith('.sql'))
    .sort())
    h.update(f).update(fs.readFileSync(path.join(migrationsFolder, f)))
  return h.digest('hex').slice(0, 12)
}

/**
 * Each test file gets its own database, cloned from a template migrated once per set of
 * migrations, so files run in parallel without seeing each other.
 */
export async function createTestDatabase(t: Test): Promise<string> {
  const admin = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} })
  const template = `sr_tpl_${migrationsHash()}`
  const name = `sr_t_${randomBytes(6).toString('hex')}`
  try {
    // CREATE DATABASE cannot run in a transaction, so a session lock on one connection
    // (max: 1) keeps parallel files from building the template twice.
    await admin`select pg_advisory_lock(823401)`
    try {
      const [exists] = await admin`select 1 from pg_database where datname = ${template}`
      if (!exists) {
        await admin.unsafe(`drop database if exists ${template}_building`)
        await admin.unsafe(`create database ${template}_building`)
        await runMigrations(urlFor(`${template}_building`))
        await admin.unsafe(`alter database ${template}_building rename to ${template}`)
      }
      await admin.unsafe(`create database ${name} template ${template}`)
    } finally {
      await admin`select pg_advisory_unlock(823401)`
    }
  } finally {
    await admin.end()
  }
  t.teardown(async () => {
    const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => {} })
    await sql.unsafe(`drop database if exists ${name} with (force)`).catch(() => {})
    await sql.end()
  })
  return urlFor(name)
}

export interface TestContext {
  app: FastifyInstance
  runtime: Runtime
  config: Config
  databaseUrl: string
}

/** The real app on a fresh database and real Redis; workers too when `workers` is set. */
export async function buildTestApp(
  t: Test,
  opts: {
    workers?: boolean
    config?: Partial<Config>
    redis?: boolean
    beforeReady?: (app: FastifyInstance) => void | Promise<void>
  } = {},
): Promise<TestContext> {
  const databaseUrl = await createTestDatabase(t)
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      DATABASE_URL: databaseUrl,
      ...(opts.redis === false ? {} : { REDIS_URL: TEST_REDIS_URL }),
      QUEUE_PREFIX: `t${randomBytes(5).toString('hex')}`,
      PUBLIC_URL: 'http://showrunner.test',
    },
    opts.config,
  )
  const log = pino({ level: config.LOG_LEVEL })
  const runtime = await startRuntime(config, log, { migrate: false })
  const app = await buildApp({ config, database: runtime.database, queues: runtime.queues, logger: log })
  await opts.beforeReady?.(app)
  await app.ready()
  if (opts.workers) await startWorkers(runtime, log)
  t.teardown(async () => {
    await app.close()
    await runtime.close()
  })
  return { app, runtime, config, databaseUrl }
}

export interface Caller {
  organizationId: string
  clientId: string
  clientSecret: string
  token: string
  /** `app.inject` with this caller's token. */
  request(opts: InjectOptions): Promise<LightMyRequestResponse>
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>
  post(url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>
  patch(url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>
  delete(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>
}

export async function fetchToken(app: FastifyInstance, body: Record<string, string>): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    payload: { grant_type: 'client_credentials', ...body },
  })
  if (res.statusCode !== 200) throw new Error(`token request failed: ${res.statusCode} ${res.body}`)
  return res.json().access_token
}

export function callerFor(
  app: FastifyInstance,
  token: string,
  ids: { organizationId: string; clientId: string; clientSecret: string },
): Caller {
  const request = (opts: InjectOptions) =>
    app.inject({ ...opts, headers: { authorization: `Bearer ${token}`, ...opts.headers } })
  return {
    ...ids,
    token,
    request,
    get: (url, headers) => request({ method: 'GET', url, headers }),
    post: (url, body, headers) => request({ method: 'POST', url, payload: body as InjectOptions['payload'], headers }),
    patch: (url, body, headers) =>
      request({ method: 'PATCH', url, payload: body as InjectOptions['payload'], headers }),
    delete: (url, headers) => request({ method: 'DELETE', url, headers }),
  }
}

/**
 * A fresh organization with one API client and a token, made the way an operator does
 * (`showrunner admin create-org` / `create-client`), then authenticated through the API.
 */
export async function createTenant(
  app: FastifyInstance,
  opts: { kind?: 'mcn' | 'provider' | 'platform'; name?: string; scopes?: Scope[] } = {},
): Promise<Caller> {
  const org = await createOrganization(app.db, {
    kind: opts.kind ?? 'mcn',
    name: opts.name ?? `Org ${randomBytes(3).toString('hex')}`,
  })
  const { client, client_secret } = await createClient(app.db, {
    organizationId: org.id,
    name: 'test client',
    scopes: opts.scopes,
  })
  const token = await fetchToken(app, { client_id: client.id, client_secret })
  return callerFor(app, token, { organizationId: org.id, clientId: client.id, clientSecret: client_secret })
}

/** Polls a job resource until it leaves queued/running. */
export async function waitForJob(caller: Caller, jobId: string, timeoutMs = 20000): Promise<any> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const res = await caller.get(`/v1/jobs/${jobId}`)
    const job = res.json()
    if (job.state === 'succeeded' || job.state === 'failed') return job
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`job ${jobId} did not finish in ${timeoutMs} ms`)
}
