import t from 'tap'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { exampleId } from '../../src/lib/schemas.js'
import { buildTestApp, createTenant, waitForJob } from '../helper.js'

type Json = Record<string, any>
const SCHEMAS = 'https://showrunner.test/schemas/'

/**
 * Examples are checked with every object closed: an object schema that lists its properties
 * and says nothing of others refuses them here, so an example cannot show a field the API
 * does not have (a misspelt optional field would otherwise pass). Explicit
 * `additionalProperties` (Problem's extensions, records) is kept as declared.
 */
function closed(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closed)
  if (!schema || typeof schema !== 'object') return schema
  const out: Json = {}
  for (const [key, value] of Object.entries(schema as Json)) {
    if (key === '$ref' && typeof value === 'string') out.$ref = value.replace('#/components/schemas/', SCHEMAS)
    else if (key === 'examples' || key === 'example') out[key] = value
    else out[key] = closed(value)
  }
  if (out.properties && !('additionalProperties' in out)) out.additionalProperties = false
  return out
}

/** Every example of a media type: `example`, or each entry of `examples` (a `$ref` into components.examples resolved). */
function mediaExamples(doc: Json, media: Json): { name: string; value: unknown }[] {
  if ('example' in media) return [{ name: 'example', value: media.example }]
  return Object.entries<Json>(media.examples ?? {}).map(([name, entry]) => {
    const resolved = entry.$ref ? doc.components.examples[entry.$ref.replace('#/components/examples/', '')] : entry
    if (!resolved) throw new Error(`example ${name} refers to ${entry.$ref}, which the document lacks`)
    return { name, value: resolved.value }
  })
}

function operationsOf(doc: Json) {
  const out: { where: string; op: Json }[] = []
  for (const [path, item] of Object.entries<Json>(doc.paths))
    for (const [method, op] of Object.entries<Json>(item)) out.push({ where: `${method.toUpperCase()} ${path}`, op })
  for (const [name, item] of Object.entries<Json>(doc.webhooks ?? {}))
    for (const [method, op] of Object.entries<Json>(item)) out.push({ where: `webhook ${name} (${method})`, op })
  return out
}

t.test('every operation shows a request and a response example, and every example is valid', async (t) => {
  const { app } = await buildTestApp(t)
  const res = await app.inject({ url: '/openapi.json' })
  t.equal(res.statusCode, 200)
  const doc = res.json() as Json

  const ajv = new Ajv2020({ strict: false, allErrors: true })
  addFormats.default(ajv)
  for (const [name, schema] of Object.entries<Json>(doc.components.schemas))
    ajv.addSchema({ ...(closed(schema) as Json), $id: SCHEMAS + name })
  const compiled = new Map<string, ValidateFunction>()
  const validator = (schema: Json) => {
    const key = JSON.stringify(schema)
    if (!compiled.has(key)) compiled.set(key, ajv.compile(closed(schema) as Json))
    return compiled.get(key)!
  }
  const check = (where: string, schema: Json, examples: { name: string; value: unknown }[]) => {
    const validate = validator(schema)
    for (const { name, value } of examples)
      t.ok(validate(value), `${where}: example ${name} matches its schema`, {
        errors: validate.errors?.map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`),
      })
  }

  const operations = operationsOf(doc)
  t.ok(operations.length > 80, `the walk covers the whole document (${operations.length} operations and webhooks)`)
  let requestMedia = 0
  let responseMedia = 0
  for (const { where, op } of operations) {
    for (const [type, media] of Object.entries<Json>(op.requestBody?.content ?? {})) {
      const examples = mediaExamples(doc, media)
      t.ok(examples.length > 0, `${where}: the ${type} request body has an example`)
      check(`${where} request ${type}`, media.schema, examples)
      requestMedia++
    }
    for (const [status, response] of Object.entries<Json>(op.responses ?? {})) {
      for (const [type, media] of Object.entries<Json>(response.content ?? {})) {
        const examples = mediaExamples(doc, media)
        if (status.startsWith('2')) t.ok(examples.length > 0, `${where}: the ${status} ${type} response has an example`)
        if (type === 'application/problem+json')
          t.ok(examples.length > 0, `${where}: the ${status} problem response has an example`)
        for (const { value } of examples)
          if (type === 'application/problem+json')
            t.equal((value as Json).status, Number(status), `${where}: the ${status} problem example says ${status}`)
        check(`${where} ${status} ${type}`, media.schema, examples)
        responseMedia++
      }
    }
    // The route-level example keys are consumed by the openapi plugin, never left in the document.
    t.notOk(
      Object.keys(op).some((k) => k.startsWith('x-')),
      `${where}: no example extension left over`,
    )
  }
  t.ok(requestMedia > 30 && responseMedia > 400, `${requestMedia} request and ${responseMedia} response media types`)

  // A named schema's own example is valid too (Scalar shows it beside the model).
  for (const [name, schema] of Object.entries<Json>(doc.components.schemas))
    if (schema.examples)
      check(
        `schema ${name}`,
        { $ref: `#/components/schemas/${name}` },
        schema.examples.map((value: unknown, i: number) => ({ name: String(i), value })),
      )
})

t.test('the examples work: created from the reference, then each upload example imports cleanly', async (t) => {
  const { app } = await buildTestApp(t, { workers: true })
  const doc = (await app.inject({ url: '/openapi.json' })).json() as Json
  const mcn = await createTenant(app, { kind: 'mcn' })
  const requestExample = (path: string, type = 'application/json') =>
    doc.paths[path].post.requestBody.content[type].example
  // A newcomer copies the examples from /docs; ids of resources they do not have yet are swapped for theirs.
  const ids = new Map<string, string>()
  const mine = <T>(example: T): T =>
    JSON.parse([...ids].reduce((text, [from, to]) => text.replaceAll(from, to), JSON.stringify(example)))
  for (const [path, prefix] of [
    ['/v1/suppliers', 'sup'],
    ['/v1/products', 'prd'],
    ['/v1/anchors', 'anc'],
  ] as const) {
    const res = await mcn.post(path, mine(requestExample(path)))
    t.equal(res.statusCode, 201, `POST ${path} with its example: ${res.body}`)
    ids.set(exampleId(prefix), res.json().id)
  }

  for (const [upload, template] of [
    ['/v1/products/imports', '/v1/products/imports/template'],
    ['/v1/anchor-sales/imports', '/v1/anchor-sales/imports/template'],
  ] as const) {
    const content = doc.paths[upload].post.requestBody.content as Record<string, Json>
    // The CSV example is the template the API serves, so the reference and the download agree.
    const served = (await mcn.get(template)).body
    t.equal(content['text/csv']!.example, served, `${upload}: the CSV example is the template`)
    t.equal(doc.paths[template].get.responses['200'].content['text/csv'].example, served)
    const header = served.split('\r\n')[0]!.split(',')
    for (const [type, media] of Object.entries(content)) {
      if (type !== 'text/csv')
        for (const line of (media.example as string).trimEnd().split('\n'))
          t.same(Object.keys(JSON.parse(line)), header, `${upload} ${type}: JSON lines with the template's columns`)
      const res = await mcn.request({
        method: 'POST',
        url: `${upload}?dry_run=true`,
        headers: { 'content-type': type },
        payload: mine(media.example as string),
      })
      t.equal(res.statusCode, 202, `${upload} ${type}: ${res.body}`)
      const job = await waitForJob(mcn, res.json().id)
      t.match(
        job,
        { state: 'succeeded', progress: { succeeded: 1, failed: 0 } },
        `${upload} ${type}: every row is valid`,
      )
    }
    t.equal(doc.paths[upload].post.responses['202'].content['application/json'].example.state, 'queued')
  }
})
