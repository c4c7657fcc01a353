import t from 'tap'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { buildTestApp, createTenant } from '../helper.js'
import { sampleBodies } from '../fixtures.js'

/**
 * The bad-input walk: every operation of the OpenAPI document gets malformed ids, bodies
 * that are not what it takes, bad query values and wrong content types. Nothing may answer
 * 5xx, and every 4xx outside /oauth (RFC 6749 JSON there) is a complete problem document.
 * New operations are covered by being in the document.
 */

type Schema = Record<string, any>
interface Probe {
  what: string
  opts: InjectOptions
}

const deep = (depth: number, leaf: string) => '['.repeat(depth) + leaf + ']'.repeat(depth)
const hugeString = 'x'.repeat(2 * 1024 * 1024)

/** A value of the wrong JSON type for a schema, or undefined when every type is accepted. */
function wrongValue(schema: Schema): unknown {
  const types = [schema.type ?? (schema.anyOf ?? schema.oneOf ?? []).map((s: Schema) => s.type)].flat()
  if (types.length === 0 || types.includes(undefined)) return undefined
  if (!types.includes('object')) return { nested: true }
  if (!types.includes('string')) return 'not-a-value'
  return 12345
}

const numeric = (schema: Schema) => schema.type === 'integer' || schema.type === 'number'

t.test('no input makes any operation answer 5xx; every 4xx is a problem', async (t) => {
  const { app } = await buildTestApp(t, { config: { RATE_LIMIT_MAX: 1_000_000 } })
  const caller = await createTenant(app, { name: 'Bad input MCN' })
  const doc = app.openapiDocument() as any

  const deref = (schema: Schema | undefined, seen = new Set<string>()): Schema | undefined => {
    if (!schema?.$ref) return schema
    const name = String(schema.$ref).split('/').pop()!
    if (seen.has(name)) return {}
    seen.add(name)
    return deref(doc.components.schemas[name], seen)
  }

  const failures: string[] = []
  const check = (name: string, probe: Probe, res: LightMyRequestResponse, path: string) => {
    const where = `${name} ${probe.what}: ${res.statusCode}`
    if (res.statusCode >= 500) return failures.push(`${where} ${res.body.slice(0, 300)}`)
    if (res.statusCode < 400) return
    const type = String(res.headers['content-type'] ?? '')
    if (path === '/oauth/token') {
      if (!/^application\/json/.test(type)) return failures.push(`${where} is ${type}, not RFC 6749 JSON`)
      if (res.statusCode !== 429 && typeof res.json().error !== 'string')
        failures.push(`${where} has no RFC 6749 error: ${res.body.slice(0, 200)}`)
      return
    }
    if (!/^application\/problem\+json/.test(type)) return failures.push(`${where} is ${type}, not problem+json`)
    const body = res.json()
    for (const key of ['type', 'title', 'detail', 'request_id'])
      if (typeof body[key] !== 'string' || body[key] === '') failures.push(`${where} has no ${key}`)
    if (body.status !== res.statusCode) failures.push(`${where} has status ${body.status}`)
  }

  const operations: { method: string; path: string; op: any }[] = []
  for (const [path, item] of Object.entries<any>(doc.paths))
    for (const [method, op] of Object.entries<any>(item)) operations.push({ method: method.toUpperCase(), path, op })
  t.ok(operations.length > 10, `${operations.length} operations`)

  let sent = 0
  for (const { method, path, op } of operations) {
    const name = `${op.operationId} (${method} ${path})`
    const pathParams = (op.parameters ?? []).filter((p: any) => p.in === 'path')
    const queryParams = (op.parameters ?? []).filter((p: any) => p.in === 'query')
    // A well-formed id nobody owns, so the body and query reach validation and the handler.
    const validId = (p: any) => {
      const prefix = /^\^([a-z]+)_/.exec(p.schema?.pattern ?? '')?.[1] ?? 'x'
      return `${prefix}_${'0'.repeat(26)}`
    }
    const urlWith = (override?: { name: string; value: string }) => {
      let url = path
      for (const p of pathParams)
        url = url.replace(`{${p.name}}`, override && override.name === p.name ? override.value : validId(p))
      return url
    }
    const url = urlWith()
    const headers = { authorization: `Bearer ${caller.token}` }
    const probes: Probe[] = []
    const send = (what: string, opts: Partial<InjectOptions>) =>
      probes.push({
        what,
        opts: { method: method as InjectOptions['method'], url, ...opts, headers: { ...headers, ...opts.headers } },
      })

    for (const p of pathParams) {
      const malformed: [string, string][] = [
        ['wrong prefix', `zzz_${'0'.repeat(26)}`],
        ['2,000 characters', 'a'.repeat(2000)],
        ['unicode', encodeURIComponent('évènement_💥_ид')],
        ['../', encodeURIComponent('../../etc/passwd')],
        ['raw ..', '..'],
        ['broken percent-encoding', '%E0%A4%A'],
        ['empty', ''],
      ]
      for (const [what, value] of malformed) send(`path ${p.name} ${what}`, { url: urlWith({ name: p.name, value }) })
    }

    for (const q of queryParams) {
      const schema = deref(q.schema) ?? {}
      const values: [string, string][] = [
        ['wrong type', numeric(schema) ? 'abc' : '%00%FF'],
        ['huge', '9'.repeat(400)],
        ['negative', '-1'],
        ['long', 'q'.repeat(5000)],
        ['repeated', 'a&' + `${q.name}=b`],
      ]
      for (const [what, value] of values)
        send(`query ${q.name} ${what}`, { url: `${url}?${encodeURIComponent(q.name)}=${value}` })
    }
    send('unknown query parameter', { url: `${url}?__proto__[x]=1&constructor[prototype][x]=1` })

    const content = op.requestBody?.content ?? {}
    const takesJson = 'application/json' in content
    const json = (what: string, payload: string) =>
      send(`body ${what}`, { payload, headers: { 'content-type': 'application/json' } })
    if (takesJson || method === 'POST' || method === 'PATCH' || method === 'PUT') {
      json('not JSON', '{"unterminated": ')
      json('empty', '')
      json('array', '[1, 2, 3]')
      json('null', 'null')
      json('a number', '42')
      json('2,000-deep nesting', deep(2000, '1'))
      json('2,000-deep object', '{"a":'.repeat(2000) + '1' + '}'.repeat(2000))
      json('2 MB string', JSON.stringify(hugeString))
      json('__proto__', '{"__proto__": {"isAdmin": true}}')
      json('constructor.prototype', '{"constructor": {"prototype": {"isAdmin": true}}}')
      json('constructor', '{"constructor": 1}')
      json('invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]).toString('latin1'))
      send('body text/plain', { payload: 'hello', headers: { 'content-type': 'text/plain' } })
      send('body application/xml', { payload: '<a>1</a>', headers: { 'content-type': 'application/xml' } })
      send('body multipart', {
        payload: '--b\r\ncontent-disposition: form-data; name="a"\r\n\r\n1\r\n--b--',
        headers: { 'content-type': 'multipart/form-data; boundary=b' },
      })
      send('body form', {
        payload: 'a=1&__proto__[x]=1',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
      send('body text/csv', { payload: 'a,b\n1,2\n', headers: { 'content-type': 'text/csv' } })
      send('body no content type', { payload: '{"a":1}', headers: { 'content-type': '' } })
      send('body garbage content type', { payload: '{"a":1}', headers: { 'content-type': ';;;/=' } })
      send('body json with charset latin1', {
        payload: '{"a":1}',
        headers: { 'content-type': 'application/json; charset=latin1' },
      })
    }
    for (const type of Object.keys(content).filter((c) => c !== 'application/json')) {
      send(`body ${type} JSON instead`, { payload: '{"a":1}', headers: { 'content-type': 'application/json' } })
      send(`body ${type} binary`, { payload: Buffer.from([0, 0xff, 0xfe, 1, 2]), headers: { 'content-type': type } })
      send(`body ${type} 2 MB line`, { payload: `a,b\n${hugeString},1\n`, headers: { 'content-type': type } })
    }

    const bodySchema = deref(content['application/json']?.schema)
    const properties = Object.entries<Schema>(deref(bodySchema)?.properties ?? {})
    // Each property's bad value goes into a body that is otherwise valid where one is known,
    // so it reaches the handler and the database rather than stopping at `required`.
    const base = (sampleBodies[op.operationId] ?? {}) as Record<string, unknown>
    const withProp = (what: string, prop: string, value: string) =>
      json(
        what,
        `{${[
          ...Object.entries(base)
            .filter(([k]) => k !== prop)
            .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`),
          `${JSON.stringify(prop)}: ${value}`,
        ].join(', ')}}`,
      )
    for (const [prop, raw] of properties) {
      const schema = deref(raw) ?? {}
      const wrong = wrongValue(schema)
      if (wrong !== undefined) withProp(`${prop} wrong type`, prop, JSON.stringify(wrong))
      withProp(`${prop} 2 MB string`, prop, JSON.stringify(hugeString))
      withProp(`${prop} NUL character`, prop, '"a\\u0000b"')
      withProp(`${prop} deep`, prop, deep(2000, '1'))
      withProp(`${prop} huge number`, prop, '1e308')
      withProp(`${prop} beyond int64`, prop, '99999999999999999999999')
      withProp(`${prop} negative`, prop, '-1')
      withProp(`${prop} null`, prop, 'null')
      if (schema.type === 'object' || deref(schema.additionalProperties))
        withProp(`${prop} prototype key`, prop, '{"__proto__": {"x": 1}}')
    }

    // Small batches: enough parallelism to be quick, not so much that the pool queues.
    for (let i = 0; i < probes.length; i += 8) {
      const batch = probes.slice(i, i + 8)
      const answers = await Promise.all(batch.map((p) => app.inject(p.opts)))
      for (const [j, res] of answers.entries()) check(name, batch[j]!, res, path)
    }
    sent += probes.length
  }

  // Outside the document: unknown routes, wrong methods, bad URLs.
  const authorization = { authorization: `Bearer ${caller.token}` }
  const extra: Probe[] = [
    { what: 'unknown route', opts: { method: 'GET', url: '/v1/nope' } },
    { what: 'wrong method', opts: { method: 'PUT', url: '/v1/events' } },
    { what: 'bad URL', opts: { method: 'GET', url: '/v1/events/%E0%A4%A' } },
    { what: 'long unknown route', opts: { method: 'GET', url: `/${'a'.repeat(5000)}` } },
    { what: 'oauth bad URL', opts: { method: 'POST', url: '/oauth/%E0%A4%A' } },
    { what: 'unknown event type', opts: { method: 'GET', url: '/v1/events?type=nope', headers: authorization } },
  ]
  for (const probe of extra) check('outside the document', probe, await app.inject(probe.opts), String(probe.opts.url))

  t.ok(sent > operations.length * 10, `${sent} requests sent`)
  t.same(failures, [], 'no 5xx, and every 4xx is a complete problem (RFC 6749 JSON on /oauth)')
})
