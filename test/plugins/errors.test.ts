import t from 'tap'
import { Type } from 'typebox'
import { buildTestApp, createTenant } from '../helper.js'
import { requireScopes } from '../../src/lib/scopes.js'

t.test('every error is problem+json with a stable type; internals never leak', async (t) => {
  const { app } = await buildTestApp(t, {
    beforeReady: (app) => {
      app.get('/v1/test-explodes', { schema: { security: requireScopes('events:read') } }, async () => {
        throw new Error('connection to 10.0.0.7 refused: password authentication failed for user "admin"')
      })
      app.post(
        '/v1/test-echo',
        {
          schema: {
            security: requireScopes('events:read'),
            body: Type.Object({ n: Type.Integer() }, { additionalProperties: false }),
          },
        },
        async (req) => req.body,
      )
    },
  })
  const mcn = await createTenant(app)

  const boom = await mcn.get('/v1/test-explodes', { 'request-id': 'trace-500' })
  t.equal(boom.statusCode, 500)
  t.match(boom.headers['content-type'], /application\/problem\+json/)
  t.match(boom.json(), {
    type: 'https://showrunner.dev/problems/internal',
    title: 'Internal server error',
    status: 500,
    code: 'internal',
    request_id: 'trace-500',
  })
  t.notMatch(boom.body, /10\.0\.0\.7|password|admin/, 'no internals in the answer')

  const badJson = await mcn.request({
    method: 'POST',
    url: '/v1/test-echo',
    headers: { 'content-type': 'application/json' },
    payload: '{"n": ',
  })
  t.equal(badJson.statusCode, 400)
  t.match(badJson.json(), { code: 'bad_request', type: 'https://showrunner.dev/problems/bad-request' })

  const wrongType = await mcn.request({
    method: 'POST',
    url: '/v1/test-echo',
    headers: { 'content-type': 'application/xml' },
    payload: '<n>1</n>',
  })
  t.equal(wrongType.statusCode, 415)
  t.match(wrongType.json(), { code: 'unsupported_media_type' })

  const invalid = await mcn.post('/v1/test-echo', { n: 'one', role: 'admin' })
  t.equal(invalid.statusCode, 400)
  t.match(invalid.json(), {
    code: 'validation_failed',
    errors: [
      { pointer: '/body/role', detail: 'unknown property "role"' },
      { pointer: '/body/n', detail: 'must be integer' },
    ],
  })
  const fine = await mcn.post('/v1/test-echo', { n: 1 })
  t.same(fine.json(), { n: 1 })

  const wrongMethod = await mcn.request({ method: 'PUT', url: '/v1/events' })
  t.equal(wrongMethod.statusCode, 404)
  t.match(wrongMethod.json(), { code: 'not_found' })
})
