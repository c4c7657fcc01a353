import t from 'tap'
import type { InjectOptions } from 'fastify'
import { buildTestApp, createTenant } from './helper.js'
import { fixtures, sampleBodies, sharedByDesign } from './fixtures.js'
import { publicV1Routes } from '../src/app.js'

/**
 * The shared security suite, run over every operation in the OpenAPI document: no token
 * is 401, a token without the scope is 403, and another tenant's ids are 404 with none
 * of the owner's data in the answer. New routes are covered by being in the document.
 */
t.test('every route: authentication, scopes and tenant isolation', async (t) => {
  const { app } = await buildTestApp(t, { config: { RATE_LIMIT_MAX: 100000 } })
  const owner = await createTenant(app, { name: 'Owner MCN' })
  const intruder = await createTenant(app, { name: 'Intruder MCN' })
  const scopeless = await createTenant(app, { name: 'Scopeless', scopes: [] })

  const doc = app.openapiDocument()
  const ownerIds = new Map<string, string>()
  const idFor = async (prefix: string) => {
    if (!ownerIds.has(prefix)) {
      const create = fixtures[prefix]
      if (!create) throw new Error(`no fixture creates a "${prefix}_…" resource: add one to test/fixtures.ts`)
      ownerIds.set(prefix, await create(owner, { app }))
    }
    return ownerIds.get(prefix)!
  }

  // Every /v1 operation must declare security (the app refuses to boot otherwise), so none
  // is skipped here unnoticed; only the explicit public list answers without a token.
  const operations: { method: string; path: string; op: any }[] = []
  for (const [path, item] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      const secured = op.security?.length > 0
      if (path.startsWith('/v1/')) {
        const declared = `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`
        if (publicV1Routes.has(declared)) continue
        t.ok(secured, `${op.operationId} (${declared}) has a security requirement`)
      }
      if (secured) operations.push({ method: method.toUpperCase(), path, op })
    }
  }
  t.ok(operations.length > 10, `${operations.length} secured operations`)

  // Make every owner resource first, so list answers can be checked for leaks.
  for (const { op } of operations) {
    for (const p of op.parameters ?? []) {
      const prefix = /^\^([a-z]+)_/.exec(p.schema?.pattern ?? '')?.[1]
      if (p.in === 'path' && prefix) await idFor(prefix)
    }
  }
  // An id the caller itself sent may be echoed in a 404's detail; published apps are
  // readable by everyone (sharedByDesign).
  const leaks = (body: string, url: string) =>
    [...ownerIds.entries()]
      .filter(([prefix, id]) => prefix !== 'app' && !url.includes(id) && body.includes(id))
      .map(([, id]) => id)

  for (const { method, path, op } of operations) {
    const name = `${op.operationId} (${method} ${path})`
    let url = path
    for (const p of op.parameters ?? []) {
      if (p.in !== 'path') continue
      const prefix = /^\^([a-z]+)_/.exec(p.schema?.pattern ?? '')?.[1]
      if (!prefix) throw new Error(`${name}: path parameter ${p.name} has no id pattern`)
      url = url.replace(`{${p.name}}`, await idFor(prefix))
    }
    const request = (token: string | undefined, body?: unknown): Promise<any> => {
      const opts: InjectOptions = {
        method: method as InjectOptions['method'],
        url,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      }
      if (method === 'POST' || method === 'PATCH' || method === 'PUT')
        opts.payload = (body ?? sampleBodies[op.operationId] ?? {}) as object
      return app.inject(opts)
    }

    const anonymous = await request(undefined)
    t.equal(anonymous.statusCode, 401, `${name}: no token → 401`)
    t.match(anonymous.headers['content-type'], /problem\+json/, `${name}: 401 is problem+json`)

    const required: string[] = op.security[0].oauth2
    if (required.length) {
      const noScope = await request(scopeless.token)
      t.equal(noScope.statusCode, 403, `${name}: no scope → 403`)
      t.equal(noScope.json().required_scope, required[0], `${name}: the 403 names the scope`)
    }

    const foreign = await request(intruder.token)
    t.same(leaks(foreign.body, url), [], `${name}: none of the owner's ids in the answer`)
    t.notMatch(foreign.body, /owner-data/, `${name}: none of the owner's data in the answer`)
    if (path.includes('{')) {
      if (sharedByDesign[op.operationId]) continue
      if (foreign.statusCode === 400)
        t.fail(
          `${name}: validation stopped the request before the handler; add a body to sampleBodies in test/fixtures.ts`,
          { body: foreign.body },
        )
      else t.equal(foreign.statusCode, 404, `${name}: another tenant's id → 404`)
    } else {
      t.not(foreign.statusCode, 500, `${name}: no server error`)
    }
  }
})
