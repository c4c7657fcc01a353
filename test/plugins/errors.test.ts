import t, { type Test } from 'tap'
import type { LightMyRequestResponse } from 'fastify'
import { connect } from 'node:net'
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
})

/** A problem document as a client sees it: the media type, and status and request id in the body. */
function assertProblem(t: Test, res: LightMyRequestResponse, status: number, code: string) {
  t.equal(res.statusCode, status, res.body.slice(0, 300))
  t.match(res.headers['content-type'], /^application\/problem\+json/)
  t.match(res.json(), { status, code, request_id: String(res.headers['request-id']) })
  return res.json() as { detail: string }
}

t.test('HTTP-level refusals: 404, 405, 413, 414, 415 as problems; the token endpoint in RFC 6749 JSON', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app)

  const unknown = await mcn.get('/v1/no-such-thing')
  t.match(assertProblem(t, unknown, 404, 'not_found').detail, 'No route GET /v1/no-such-thing')

  t.test('405: a known path with a method it does not take says which methods it takes', async (t) => {
    const put = await mcn.request({ method: 'PUT', url: '/v1/events' })
    t.match(assertProblem(t, put, 405, 'method_not_allowed').detail, /PUT.*GET, HEAD/)
    t.equal(put.headers.allow, 'GET, HEAD')

    const withId = await mcn.request({ method: 'POST', url: '/v1/events/evt_01h2xcejqtf2nbrexx3vqjhp41?x=1' })
    assertProblem(t, withId, 405, 'method_not_allowed')
    t.equal(withId.headers.allow, 'GET, HEAD', 'path parameters and the query do not matter')

    const token = await app.inject({ method: 'GET', url: '/oauth/token' })
    t.equal(token.statusCode, 405)
    t.equal(token.headers.allow, 'POST')

    const stillUnknown = await mcn.request({ method: 'PUT', url: '/v1/events/evt_01h2xcejqtf2nbrexx3vqjhp41/nope' })
    assertProblem(t, stillUnknown, 404, 'not_found')
    t.notOk(stillUnknown.headers.allow)
  })

  t.test('413: a body over the limit', async (t) => {
    const res = await mcn.request({
      method: 'POST',
      url: '/v1/apps',
      headers: { 'content-type': 'application/json' },
      payload: Buffer.alloc(50 * 1024 * 1024 + 1, 0x20),
    })
    t.match(assertProblem(t, res, 413, 'payload_too_large').detail, /limit of 50 MB/)
  })

  t.test('414: an over-long path parameter or URL', async (t) => {
    const longId = await mcn.get(`/v1/events/evt_${'0'.repeat(200)}`)
    t.match(assertProblem(t, longId, 414, 'uri_too_long').detail, /path segment is longer than any id/)
    const longQuery = await mcn.get(`/v1/events?type=${'x'.repeat(9000)}`)
    t.match(assertProblem(t, longQuery, 414, 'uri_too_long').detail, /8192/)
  })

  t.test('415 names the media types the operation takes', async (t) => {
    const asXml = await mcn.request({
      method: 'POST',
      url: '/v1/apps',
      headers: { 'content-type': 'application/xml' },
      payload: '<app/>',
    })
    t.match(
      assertProblem(t, asXml, 415, 'unsupported_media_type').detail,
      'This operation does not take application/xml: send application/json.',
    )

    const upload = await mcn.request({
      method: 'POST',
      url: '/v1/products/imports',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      payload: '--x\r\nContent-Disposition: form-data; name="file"\r\n\r\nsku\r\n--x--\r\n',
    })
    t.match(
      assertProblem(t, upload, 415, 'unsupported_media_type').detail,
      'This operation does not take multipart/form-data: send text/csv or application/x-ndjson with --data-binary',
    )
  })

  t.test('POST /oauth/token refuses a broken or hostile JSON body with 400 in RFC 6749 JSON', async (t) => {
    const invalid = /not valid JSON, or it has a "__proto__" or "constructor.prototype" key/
    for (const [what, payload, detail] of [
      ['unterminated JSON', '{"unterminated": ', invalid],
      ['a __proto__ key', '{"__proto__": {"isAdmin": true}, "grant_type": "client_credentials"}', invalid],
      ['a constructor.prototype key', '{"constructor": {"prototype": {"isAdmin": true}}}', invalid],
      ['an empty body', '', /body is empty/],
    ] as const) {
      const res = await app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from(`${mcn.clientId}:${mcn.clientSecret}`).toString('base64')}`,
        },
        payload,
      })
      t.equal(res.statusCode, 400, `${what}: ${res.body}`)
      t.match(res.headers['content-type'], /^application\/json/, what)
      t.match(res.json(), { error: 'invalid_request', error_description: detail }, what)
    }
    t.equal(({} as Record<string, unknown>).isAdmin, undefined, 'no prototype was polluted')
  })
})

// Node refuses these before Fastify routes anything, so only a real socket shows them.
t.test(
  'what Node refuses before routing is a problem too: 431 for 16 KiB of request line, 400 for broken HTTP',
  async (t) => {
    const { app } = await buildTestApp(t, { redis: false })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const { port } = app.server.address() as { port: number }
    const raw = (request: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.end(request))
        let answer = ''
        socket.on('data', (chunk) => {
          answer += chunk
        })
        socket.on('end', () => resolve(answer))
        socket.on('error', reject)
      })
    const long = await raw(`GET /v1/events?type=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: a\r\n\r\n`)
    t.match(long, /^HTTP\/1\.1 431 /)
    t.match(long, /content-type: application\/problem\+json/i)
    const body = JSON.parse(long.slice(long.indexOf('\r\n\r\n') + 4))
    t.match(body, { status: 431, code: 'headers_too_large', detail: /16 KiB/ })
    const broken = await raw('NOT HTTP AT ALL\r\n\r\n')
    t.match(broken, /^HTTP\/1\.1 400 /)
    t.match(JSON.parse(broken.slice(broken.indexOf('\r\n\r\n') + 4)), { status: 400, code: 'bad_request' })
  },
)
