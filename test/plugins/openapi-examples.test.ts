import t from 'tap'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { exampleId } from '../../src/lib/schemas.js'
import { configureDelivery } from '../../src/modules/webhooks/settings.js'
import { buildTestApp, createTenant, waitForJob, type Caller } from '../helper.js'

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

t.test(
  'the examples work: sent as they are, they create and change resources, and each upload imports cleanly',
  async (t) => {
    const { app } = await buildTestApp(t, { workers: true })
    // The example receiver's host stands for a public address; outside development the address check resolves it.
    t.teardown(configureDelivery({ resolve: async () => ['93.184.215.14'] }))
    const doc = (await app.inject({ url: '/openapi.json' })).json() as Json
    const mcn = await createTenant(app, { kind: 'mcn' })
    // A newcomer copies the examples from /docs; ids of resources they do not have yet are swapped for theirs,
    // in the order the resources depend on each other.
    const ids = new Map<string, string>()
    const mine = <T>(example: T): T =>
      JSON.parse([...ids].reduce((text, [from, to]) => text.replaceAll(from, to), JSON.stringify(example)))
    const platform = await createTenant(app, { kind: 'platform' })
    const provider = await createTenant(app, { kind: 'provider' })
    // Each step may create the resource an example id stands for (its `id`, or the app or client it answers).
    const chain: [caller: Caller, method: string, path: string, creates?: string][] = [
      [platform, 'post', '/v1/organizations', exampleId('org', 3)],
      [platform, 'post', '/v1/organizations/{id}/clients'],
      [mcn, 'post', '/v1/clients', exampleId('cli')],
      [mcn, 'post', '/v1/clients/{id}/rotate-secret'],
      [provider, 'post', '/v1/apps', exampleId('app')],
      [mcn, 'post', '/v1/installations', exampleId('ins')],
      [mcn, 'patch', '/v1/installations/{id}'],
      [mcn, 'post', '/v1/suppliers', exampleId('sup')],
      [mcn, 'patch', '/v1/suppliers/{id}'],
      [mcn, 'post', '/v1/products', exampleId('prd')],
      [mcn, 'post', '/v1/anchors', exampleId('anc')],
      [mcn, 'patch', '/v1/anchors/{id}'],
      // The example violation is critical: it suspends the example anchor, which the reinstatement lifts.
      [platform, 'post', '/v1/anchor-standards', exampleId('astd')],
      [mcn, 'post', '/v1/anchors/{id}/violations', exampleId('viol')],
      [mcn, 'post', '/v1/anchors/{id}/reinstatement'],
      [mcn, 'patch', '/v1/anchor-tier-rules'],
      [mcn, 'post', '/v1/supply-pools', exampleId('pool')],
      [mcn, 'patch', '/v1/supply-pools/{id}'],
      [mcn, 'post', '/v1/supply-pools/{id}/items', exampleId('pitm')],
      [mcn, 'patch', '/v1/pool-items/{id}'],
      [mcn, 'post', '/v1/supply-pools/{id}/grants'],
      [mcn, 'post', '/v1/supply-pools/{id}/grants/revoke'],
      [mcn, 'post', '/v1/selection/brand-tier-checks'],
      [mcn, 'patch', '/v1/selection/weights'],
      // Before the SKUs: once a product has SKUs, its stock is theirs.
      [mcn, 'patch', '/v1/products/{id}'],
      [mcn, 'post', '/v1/products/{id}/skus', exampleId('sku')],
      [mcn, 'patch', '/v1/skus/{id}'],
      // A session books the example anchor and crew member, plans the example product of the example pool, and pins it.
      [mcn, 'post', '/v1/crew-members', exampleId('crw')],
      [mcn, 'patch', '/v1/crew-members/{id}'],
      [mcn, 'post', '/v1/sessions', exampleId('ses')],
      [mcn, 'patch', '/v1/sessions/{id}'],
      [mcn, 'post', '/v1/sessions/{id}/slots', exampleId('slot')],
      [mcn, 'patch', '/v1/slots/{id}'],
      [mcn, 'put', '/v1/sessions/{id}/run-of-show/order'],
      [mcn, 'post', '/v1/sessions/{id}/status'],
      [mcn, 'post', '/v1/sessions/{id}/pin'],
      [mcn, 'post', '/v1/sessions/{id}/shelf'],
      [mcn, 'post', '/v1/sessions/{id}/media', exampleId('med')],
      [mcn, 'post', '/v1/calendar-feeds'],
      // The audience of the example session; a blocked word hides comments from then on.
      [mcn, 'post', '/v1/moderation/blocked-words', exampleId('bwd')],
      [mcn, 'post', '/v1/sessions/{id}/interactions/batch'],
      // A campaign boosts the example session and links to it; touches come through the link's code.
      [mcn, 'post', '/v1/campaigns', exampleId('cmp')],
      [mcn, 'patch', '/v1/campaigns/{id}'],
      [mcn, 'post', '/v1/campaigns/{id}/placements', exampleId('plc')],
      [mcn, 'patch', '/v1/placements/{id}'],
      [mcn, 'post', '/v1/campaigns/{id}/links', exampleId('lnk')],
      [mcn, 'post', '/v1/touches'],
      // A buyer asks about the example product; an agent claims, answers and closes the ticket.
      [mcn, 'post', '/v1/consultations', exampleId('con')],
      [mcn, 'post', '/v1/consultations/{id}/claim'],
      [mcn, 'post', '/v1/consultations/{id}/messages'],
      [mcn, 'post', '/v1/consultations/{id}/close'],
      // The platform's example order of the example product, slot and pool walks the state machine.
      [mcn, 'post', '/v1/orders', exampleId('ord')],
      [mcn, 'post', '/v1/orders/{id}/pay'],
      [mcn, 'post', '/v1/orders/{id}/ship'],
      [mcn, 'post', '/v1/orders/{id}/deliver'],
      [mcn, 'post', '/v1/orders/{id}/complete'],
      // After-sales on the example order: a refund with return of goods, walked to completion; a dispute on it,
      // answered, kept up by the buyer and decided by the platform (第三方介入).
      [mcn, 'post', '/v1/orders/{id}/refunds', exampleId('rfd')],
      [mcn, 'post', '/v1/refunds/{id}/approve'],
      [mcn, 'post', '/v1/refunds/{id}/return-shipment'],
      [mcn, 'post', '/v1/refunds/{id}/complete'],
      [mcn, 'post', '/v1/disputes', exampleId('dsp')],
      [mcn, 'post', '/v1/disputes/{id}/merchant-response'],
      [mcn, 'post', '/v1/disputes/{id}/buyer-reply'],
      [platform, 'post', '/v1/disputes/{id}/decision'],
      // The buyer reviews the example order's line, now that the order is completed.
      [mcn, 'post', '/v1/reviews', exampleId('rev')],
      // In the example session: a question answered by the example crew member, a poll and a vote, a coupon
      // for the example product and its claim, a draw and an entry.
      [mcn, 'post', '/v1/sessions/{id}/questions', exampleId('qst')],
      [mcn, 'post', '/v1/questions/{id}/answer'],
      [mcn, 'post', '/v1/sessions/{id}/polls', exampleId('pol')],
      [mcn, 'post', '/v1/polls/{id}/votes'],
      [mcn, 'post', '/v1/coupons', exampleId('cpn')],
      [mcn, 'post', '/v1/coupons/{id}/claims'],
      [mcn, 'post', '/v1/sessions/{id}/draws', exampleId('drw')],
      [mcn, 'post', '/v1/draws/{id}/entries'],
      // The example anchor's contract, changed once; the example month closed as a statement.
      [mcn, 'post', '/v1/anchors/{id}/contracts', exampleId('ctr')],
      [mcn, 'patch', '/v1/contracts/{id}'],
      [mcn, 'post', '/v1/settlements', exampleId('stl')],
      [mcn, 'post', '/v1/admission-criteria', exampleId('crt')],
      [mcn, 'patch', '/v1/admission-criteria/{id}'],
      [mcn, 'post', '/v1/suppliers/{id}/applications'],
      [mcn, 'post', '/v1/inspections'],
      [mcn, 'post', '/v1/surveys'],
      [mcn, 'patch', '/v1/supplier-policy'],
      // Last, so no event of the chain goes out to the example's (unreachable) receiver.
      [mcn, 'post', '/v1/webhook-endpoints', exampleId('wep')],
      [mcn, 'patch', '/v1/webhook-endpoints/{id}'],
      [mcn, 'post', '/v1/webhook-endpoints/{id}/rotate-secret'],
      [mcn, 'post', '/v1/webhook-endpoints/{id}/replay'],
      // A type the example endpoint does not subscribe to: the sample goes out to no one.
      [mcn, 'post', '/v1/webhook-samples'],
      // After the chain's only batch: the example's (unreachable) moderation hook reviews no comment.
      [mcn, 'put', '/v1/moderation/hook'],
    ]
    for (const [caller, method, path, creates] of chain) {
      const op = doc.paths[path][method]
      // The path's id is the one its parameter's pattern names (`^sup_…`), of the resource made above.
      const prefix = /\^([a-z]+)_/.exec(op.parameters?.find((p: Json) => p.in === 'path')?.schema.pattern ?? '')?.[1]
      const url = path.replace('{id}', [...ids].find(([from]) => from.startsWith(`${prefix}_`))?.[1] ?? '')
      const res = await caller.request({
        method: method.toUpperCase(),
        url,
        // An action without a body (approve, complete) is in the chain for the state it moves to.
        payload: op.requestBody && mine(op.requestBody.content['application/json'].example),
      })
      t.ok(
        res.statusCode >= 200 && res.statusCode < 300,
        `${op.operationId} with its request example: ${res.statusCode} ${res.body}`,
      )
      // A registered app answers { app, client }, a new client { client, client_secret }; the rest the resource.
      const body = res.json()
      if (creates) ids.set(creates, (body.app ?? body.client ?? body.endpoint ?? body).id)
      // The refund example names the example order's line.
      if (creates === exampleId('ord')) ids.set(exampleId('oit'), body.items[0].id)
      // The token request example then authenticates as the client the example created.
      if (creates === exampleId('cli'))
        ids.set(doc.components.schemas.TokenRequest.examples[0].client_secret, body.client_secret)
    }
    // Every JSON request example is sent, so a new operation joins the chain (uploads are sent below).
    // The transcoder's callback is signed, not authenticated by a token: test/modules/media sends it signed.
    const sent = new Set([
      ...chain.map(([, method, path]) => `${method} ${path}`),
      'post /oauth/token',
      'post /v1/media/callbacks/{adapter}',
      'post /v1/orders/{id}/cancel',
      'post /v1/refunds/{id}/refuse',
    ])
    const unsent = Object.entries<Json>(doc.paths).flatMap(([path, item]) =>
      Object.entries<Json>(item)
        .filter(([method, op]) => op.requestBody?.content['application/json'] && !sent.has(`${method} ${path}`))
        .map(([method]) => `${method} ${path}`),
    )
    t.same(unsent, [], 'every operation with a JSON body is in the chain')
    // A completed order cannot be cancelled, so the cancel example goes to another order of the same example.
    const orderExample = doc.paths['/v1/orders'].post.requestBody.content['application/json'].example
    const another = await mcn.post('/v1/orders', mine({ ...orderExample, external_order_id: 'cancel-example' }))
    t.equal(another.statusCode, 201, another.body)
    const cancelled = await mcn.post(
      `/v1/orders/${another.json().id}/cancel`,
      mine(doc.paths['/v1/orders/{id}/cancel'].post.requestBody.content['application/json'].example),
    )
    t.equal(cancelled.statusCode, 200, `cancelOrder with its request example: ${cancelled.body}`)
    // The refund walked above is completed, so the refusal example goes to a second request on the example order.
    const second = await mcn.post(`/v1/orders/${ids.get(exampleId('ord'))}/refunds`, { reason: 'damaged', amount: 100 })
    t.equal(second.statusCode, 201, second.body)
    const refused = await mcn.post(
      `/v1/refunds/${second.json().id}/refuse`,
      mine(doc.paths['/v1/refunds/{id}/refuse'].post.requestBody.content['application/json'].example),
    )
    t.equal(refused.statusCode, 200, `refuseRefund with its request example: ${refused.body}`)
    const token = await app.inject({
      method: 'POST',
      url: '/oauth/token',
      payload: mine(doc.paths['/oauth/token'].post.requestBody.content['application/json'].example),
    })
    t.equal(token.statusCode, 200, `createToken with its request example: ${token.body}`)
    t.match(token.json(), { token_type: 'Bearer', scope: 'catalog:read catalog:write' })

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
  },
)
