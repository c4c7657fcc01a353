import t from 'tap'
import { buildClientSchema, getIntrospectionQuery, printSchema } from 'graphql'
import { buildTestApp, createTenant } from '../helper.js'
import { modules } from '../../src/modules/index.js'
import { graphqlSchemaFor, IDE_PATH } from '../../src/plugins/graphql.js'

t.test('GraphQL: authenticated, scoped per field, depth-limited, same services as REST', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app, { name: 'GQL MCN' })
  const gql = (
    caller: { post: typeof mcn.post } | undefined,
    query: string,
    variables: Record<string, unknown> = {},
  ) =>
    caller
      ? caller.post('/graphql', { query, variables })
      : app.inject({ method: 'POST', url: '/graphql', payload: { query } })

  const anonymous = await gql(undefined, '{ viewer { tenant_id } }')
  t.equal(anonymous.statusCode, 401)
  t.match(anonymous.json(), { data: null, errors: [{ extensions: { code: 'unauthenticated', status: 401 } }] })

  const viewer = await gql(mcn, '{ viewer { tenant_id organization_kind scopes } }')
  t.equal(viewer.statusCode, 200)
  t.equal(viewer.json().data.viewer.tenant_id, mcn.organizationId)
  t.equal(viewer.json().data.viewer.organization_kind, 'mcn')

  const provider = await createTenant(app, { kind: 'provider' })
  const appId = (await provider.post('/v1/apps', { name: 'gql app', requested_scopes: ['events:read'] })).json().app.id
  const installed = (await mcn.post('/v1/installations', { app_id: appId })).json()
  const viaGraphql = await gql(
    mcn,
    'query($n: Int) { installations(first: $n) { data { id app_id granted_scopes } next_cursor } }',
    { n: 10 },
  )
  const viaRest = (await mcn.get('/v1/installations?limit=10')).json()
  t.same(
    viaGraphql.json().data.installations.data,
    viaRest.data.map((i: any) => ({ id: i.id, app_id: i.app_id, granted_scopes: i.granted_scopes })),
  )
  t.equal(viaGraphql.json().data.installations.data[0].id, installed.id)

  const narrow = await createTenant(app, { scopes: ['events:read'] })
  const refused = await gql(narrow, '{ installations { data { id } } }')
  t.match(refused.json().errors, [{ extensions: { code: 'insufficient_scope', status: 403 }, message: /apps:read/ }])
  t.equal((await gql(narrow, '{ events { data { id } } }')).json().errors, undefined)

  // No field path of today's schema is deeper than 8, and introspection is not counted: inline
  // fragments count as levels, as in mercurius' own depth check.
  const deep = await gql(
    mcn,
    '{ ... on Query { ... on Query { ... on Query { ... on Query { ... on Query { events { data { resource { type } } } } } } } } }',
  )
  t.ok(deep.json().errors?.length, 'a query deeper than the limit is refused')
  const malformed = await gql(mcn, '{ nope }')
  t.equal(malformed.statusCode, 400)
  t.match(malformed.json().errors, [{ extensions: { code: 'bad_request' } }])
})

t.test('GraphQL: introspection, GraphQL’s own validation messages, loaders over services', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app, { name: 'GQL schema MCN' })
  const narrow = await createTenant(app, { scopes: ['events:read'] })

  const introspection = await narrow.post('/graphql', { query: getIntrospectionQuery() })
  t.equal(introspection.statusCode, 200, introspection.body)
  t.equal(introspection.json().errors, undefined)
  const client = buildClientSchema(introspection.json().data)
  t.equal(printSchema(client), printSchema(graphqlSchemaFor(modules).schema), 'the client sees the whole schema')

  const unknown = await mcn.post('/graphql', { query: '{ products { data { idd } } }' })
  t.equal(unknown.statusCode, 400)
  t.match(unknown.json(), {
    data: null,
    errors: [
      {
        message: 'Cannot query field "idd" on type "Product". Did you mean "id"?',
        locations: [{ line: 1, column: 21 }],
        extensions: { code: 'bad_request', status: 400 },
      },
    ],
  })
  const twoErrors = await mcn.post('/graphql', { query: '{ nope products { data { idd } } }' })
  t.equal(twoErrors.statusCode, 400)
  t.same(
    twoErrors.json().errors.map((e: any) => e.message),
    ['Cannot query field "nope" on type "Query".', 'Cannot query field "idd" on type "Product". Did you mean "id"?'],
  )
  const badEnum = await mcn.post('/graphql', { query: '{ suppliers(status: gone) { data { id } } }' })
  t.equal(badEnum.statusCode, 400)
  t.match(badEnum.json().errors, [{ message: /Value "gone" does not exist in "SupplierStatus" enum/ }])

  const supplier = (
    await mcn.post('/v1/suppliers', {
      name: 'GQL brand',
      kind: 'brand',
      brand_tier: 'mature',
      status: 'admitted',
      contacts: [{ name: 'Li', role: 'sales' }],
    })
  ).json()
  for (const title of ['serum', 'toner'])
    await mcn.post('/v1/products', {
      supplier_id: supplier.id,
      title,
      category: 'beauty',
      list_price: { amount: 12900, currency: 'CNY' },
      commission_rate: 0.2,
    })
  const listed = await mcn.post('/graphql', {
    query: `query($s: String) { products(supplier_id: $s, status: active) { data {
      title list_price { amount currency } brand_tier
      supplier { id name status contacts { name role } reputation { score components { units_sold } } } } } }`,
    variables: { s: supplier.id },
  })
  t.equal(listed.statusCode, 200, listed.body)
  const rest = (await mcn.get(`/v1/suppliers/${supplier.id}`)).json()
  t.same(
    listed.json().data.products.data.map((p: any) => p.title),
    ['toner', 'serum'],
  )
  for (const product of listed.json().data.products.data) {
    t.same(product.list_price, { amount: 12900, currency: 'CNY' }, 'money is an integer, as in REST')
    t.equal(product.brand_tier, 'mature')
    t.same(product.supplier, {
      id: rest.id,
      name: rest.name,
      status: rest.status,
      contacts: [{ name: 'Li', role: 'sales' }],
      reputation: { score: rest.reputation.score, components: rest.reputation.components },
    })
  }

  const noCatalog = await narrow.post('/graphql', { query: '{ products { data { id } } }' })
  t.match(noCatalog.json().errors, [{ extensions: { code: 'insufficient_scope', status: 403 } }])
})

t.test('the GraphQL IDE (development) is served entirely by the app: no CDN, works offline', async (t) => {
  const { app } = await buildTestApp(t, { config: { NODE_ENV: 'development' } })
  const origin = 'http://showrunner.test'
  const get = (url: URL) => app.inject({ method: 'GET', url: url.pathname + url.search })

  const bare = await app.inject({ method: 'GET', url: IDE_PATH })
  t.equal(bare.statusCode, 302)
  t.equal(bare.headers.location, `${IDE_PATH}/`, 'relative assets resolve under the trailing slash')

  const page = await get(new URL(`${IDE_PATH}/`, origin))
  t.equal(page.statusCode, 200)
  t.match(page.headers['content-type'], /^text\/html/)
  t.match(page.body, /endpointURL: `\/graphql`/, 'the IDE talks to this server')
  t.notMatch(page.body, /https?:\/\/|(src|href)="\/\//, 'the page names no other host')

  /** Every file a page, script or stylesheet refers to, followed to the end; each must be served here. */
  const references = (body: string, type: string) => {
    if (type.startsWith('text/html')) return [...body.matchAll(/(?:src|href)="([^"#]+)"/g)].map((m) => m[1]!)
    if (type.startsWith('text/css')) return [...body.matchAll(/url\(["']?(\.[^"')]+)["']?\)/g)].map((m) => m[1]!)
    if (/javascript/.test(type)) return [...body.matchAll(/(?:from|import\()\s*"(\.\.?\/[^"]+)"/g)].map((m) => m[1]!)
    return []
  }
  const seen = new Set<string>()
  const crawl = async (url: URL, body: string, type: string) => {
    for (const ref of references(body, type)) {
      const target = new URL(ref, url)
      t.equal(target.origin, origin, `${ref} (in ${url.pathname}) is on this server`)
      if (seen.has(target.pathname)) continue
      seen.add(target.pathname)
      const res = await get(target)
      t.equal(res.statusCode, 200, `${target.pathname} is served`)
      await crawl(target, res.body, String(res.headers['content-type']))
    }
  }
  await crawl(new URL(`${IDE_PATH}/`, origin), page.body, 'text/html')
  t.ok(seen.has(`${IDE_PATH}/main.js`) && seen.has(`${IDE_PATH}/styles.css`), 'the scripts and styles')
  t.ok(
    [...seen].some((p) => p.endsWith('.woff2')),
    'the editor font',
  )
  t.ok(seen.size > 40, `every chunk the app loads (${seen.size} files)`)

  // Altair loads its pre-request-script frame from here when the probe image answers, else from its cloud.
  const probe = await get(new URL(`${IDE_PATH}/iframe-sandbox/sandbox.png`, origin))
  t.equal(probe.statusCode, 200)
  const frame = await get(new URL(`${IDE_PATH}/iframe-sandbox/index.html`, origin))
  t.equal(frame.statusCode, 200)
  t.equal(frame.headers['content-security-policy'], 'sandbox allow-scripts', 'the frame runs isolated')
  for (const ref of references(frame.body, 'text/html').filter((r) => r.startsWith('./assets/'))) {
    const asset = await get(new URL(ref, new URL(`${IDE_PATH}/iframe-sandbox/index.html`, origin)))
    t.equal(asset.statusCode, 200, `sandbox ${ref} is served`)
  }

  const spec = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
  t.notOk(
    Object.keys(spec.paths ?? {}).some((p) => p.startsWith(IDE_PATH)),
    'the IDE is not an API operation',
  )
})

t.test('outside development there is no IDE', async (t) => {
  const { app } = await buildTestApp(t)
  t.equal((await app.inject({ method: 'GET', url: `${IDE_PATH}/` })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: `${IDE_PATH}/main.js` })).statusCode, 404)
})
