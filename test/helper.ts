/**
 * The test harness: a fresh database, the real app, tenants with tokens. A thin layer over
 * test/support/ (shared with the benches) that adds what needs tap: teardown.
 */
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import type { Test } from 'tap'
import type { Config } from '../src/config.js'
import type { Runtime } from '../src/runtime.js'
import type { Scope } from '../src/lib/scopes.js'
import { startApp, testAppConfig } from './support/app.js'
import { createMigratedDatabase } from './support/database.js'
import { TEST_DATABASE_URL } from './support/env.js'
import { createTenantCredentials, type OrganizationKind } from './support/tenants.js'
import { fetchTokenFromApp } from './support/tokens.js'

export { TEST_DATABASE_URL, TEST_REDIS_URL } from './support/env.js'

/**
 * Each test file gets its own database, cloned from a template migrated once per set of
 * migrations, so files run in parallel without seeing each other.
 */
export async function createTestDatabase(t: Test): Promise<string> {
  const database = await createMigratedDatabase(TEST_DATABASE_URL)
  t.teardown(() => database.drop().catch(() => {}))
  return database.url
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
  const config = testAppConfig(databaseUrl, { redis: opts.redis, overrides: opts.config })
  const started = await startApp(config, { workers: opts.workers, beforeReady: opts.beforeReady })
  t.teardown(() => started.close())
  return { app: started.app, runtime: started.runtime, config, databaseUrl }
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

export function fetchToken(app: FastifyInstance, body: Record<string, string>): Promise<string> {
  return fetchTokenFromApp(app, body)
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
  opts: { kind?: OrganizationKind; name?: string; scopes?: Scope[] } = {},
): Promise<Caller> {
  const credentials = await createTenantCredentials(app.db, { ...opts, clientName: 'test client' })
  const token = await fetchTokenFromApp(app, {
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
  })
  return callerFor(app, token, credentials)
}

/** Polls a job resource until it leaves queued/running. */
export async function waitForJob(caller: Caller, jobId: string, timeoutMs = 20000): Promise<any> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const res = await caller.get(`/v1/jobs/${jobId}`)
    const job = res.json()
    if (job.state === 'succeeded' || job.state === 'completed_with_errors' || job.state === 'failed') return job
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`job ${jobId} did not finish in ${timeoutMs} ms`)
}
