import t from 'tap'
import { buildTestApp, createTenant } from '../helper.js'

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

  const anonymous = await gql(undefined, '{ viewer { tenantId } }')
  t.equal(anonymous.statusCode, 401)
  t.match(anonymous.json(), { data: null, errors: [{ extensions: { code: 'unauthenticated', status: 401 } }] })

  const viewer = await gql(mcn, '{ viewer { tenantId organizationKind scopes } }')
  t.equal(viewer.statusCode, 200)
  t.equal(viewer.json().data.viewer.tenantId, mcn.organizationId)
  t.equal(viewer.json().data.viewer.organizationKind, 'mcn')

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

  const deep = await gql(
    mcn,
    '{ events { data { resource { type } } } __schema { types { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } } }',
  )
  t.ok(deep.json().errors?.length, 'a query deeper than the limit is refused')
  const malformed = await gql(mcn, '{ nope }')
  t.equal(malformed.statusCode, 400)
  t.match(malformed.json().errors, [{ extensions: { code: 'bad_request' } }])
})
