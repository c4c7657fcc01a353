import t from 'tap'
import { buildTestApp } from '../helper.js'

t.test('the document and the reference a newcomer meets', async (t) => {
  const { app } = await buildTestApp(t)
  const doc = (await app.inject({ url: '/openapi.json' })).json()
  t.same(doc.info.license, { name: 'Apache-2.0', identifier: 'Apache-2.0' })
  t.match(doc.info.description, /minor units/)
  t.match(doc.info.description, /Idempotency-Key/)
  for (const [path, method] of [
    ['/oauth/token', 'post'],
    ['/.well-known/jwks.json', 'get'],
    ['/healthz', 'get'],
    ['/readyz', 'get'],
  ])
    t.same(doc.paths[path][method].security, [], `${method} ${path} is public`)
  const webhooks = Object.values(doc.webhooks as Record<string, Record<string, { security?: unknown }>>)
  t.ok(webhooks.length > 0)
  for (const item of webhooks) for (const op of Object.values(item)) t.same(op.security, [])

  // The bare address leads to the reference, titled Showrunner API.
  const root = await app.inject({ url: '/' })
  t.equal(root.statusCode, 302)
  t.equal(root.headers.location, '/docs/')
  const docs = await app.inject({ url: '/docs/' })
  t.equal(docs.statusCode, 200)
  // Scalar sets the page title from metaData when the page loads.
  t.match(docs.body, /"metaData": \{\s*"title": "Showrunner API"/)
  t.match(docs.body, /"hideClientButton": true/)
  t.match(docs.body, /"showDeveloperTools": "never"/)
})
