import t from 'tap'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { buildTestApp } from './helper.js'
import { DEMO_CREDENTIALS_FILE, seedDemo } from '../src/seed.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/**
 * The README's "The demo" walk, step by step as its curl lines make the calls (HTTP Basic and
 * a form body for tokens, JSON bodies, credentials read from the demo's file): from the seeded
 * demo to a new MCN of one's own that installs the demo provider's app, whose installation
 * token then reads that MCN's products and only those.
 */
t.test('the newcomer path: seed → platform token → own MCN → installs the demo app → installation token', async (t) => {
  const { app, runtime } = await buildTestApp(t)
  const dataDir = t.testdir()
  await seedDemo({ app, db: runtime.database.db, dataDir })

  const creds = JSON.parse(fs.readFileSync(path.join(dataDir, DEMO_CREDENTIALS_FILE), 'utf8'))
  const platform = await login(app, creds.platform.client_id, creds.platform.client_secret)
  const myMcn = await send(app, platform, 'POST', '/v1/organizations', {
    kind: 'mcn',
    name: 'My MCN',
    first_client: { name: 'my back office' },
  })
  t.equal(myMcn.status, 201, 'the platform creates an MCN with its first client')
  const mcn = await login(app, myMcn.json.first_client.client.id, myMcn.json.first_client.client_secret)

  const supplier = await send(app, mcn, 'POST', '/v1/suppliers', {
    name: 'Riverside Orchard',
    kind: 'farmer',
    micro: true,
    brand_tier: 'emerging',
    status: 'admitted',
  })
  t.equal(supplier.status, 201)
  const product = await send(app, mcn, 'POST', '/v1/products', {
    supplier_id: supplier.json.id,
    external_id: 'RO-APPLE-5KG',
    title: 'Aksu apples 5 kg',
    category: 'food',
    list_price: { amount: 5990, currency: 'CNY' },
    stock: 500,
    commission_rate: 0.2,
  })
  t.equal(product.status, 201)

  const apps = await send(app, mcn, 'GET', '/v1/apps?limit=200')
  const demoApp = apps.json.data.find((a: { name: string }) => a.name === 'Brightpick selection assistant')
  t.ok(demoApp, 'the new MCN finds the demo provider’s app')
  const installation = await send(app, mcn, 'POST', '/v1/installations', {
    app_id: demoApp.id,
    scopes: ['catalog:read'],
  })
  t.equal(installation.status, 201, 'and installs it')

  const appToken = await login(app, creds.app.client_id, creds.app.client_secret, installation.json.id)
  const products = await send(app, appToken, 'GET', '/v1/products')
  t.equal(products.status, 200, 'the installation token reads the MCN’s data')
  t.same(
    products.json.data.map((p: { id: string }) => p.id),
    [product.json.id],
    'only the new MCN’s product: not the demo MCN’s',
  )
  t.equal((await send(app, appToken, 'GET', '/v1/anchors')).status, 403, 'anchors:read was not granted here')

  // The README shows these same calls; a step renamed on one side only fails here.
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8')
  const walk = readme.slice(readme.indexOf('## The demo'), readme.indexOf('## First credentials'))
  for (const step of [
    '$API/v1/organizations',
    '"first_client":{"name":"my back office"}',
    '$API/v1/suppliers',
    '$API/v1/products',
    '"$API/v1/apps?limit=200"',
    'select(.name == "Brightpick selection assistant")',
    '$API/v1/installations',
    '\\"scopes\\":[\\"catalog:read\\"]',
    'login app -d installation_id=$INSTALLATION',
    'demo-credentials.json',
  ])
    t.ok(walk.includes(step), `the README's demo walk has ${step}`)
})

async function login(app: FastifyInstance, id: string, secret: string, installationId?: string) {
  const res = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: {
      authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    payload: `grant_type=client_credentials${installationId ? `&installation_id=${installationId}` : ''}`,
  })
  if (res.statusCode !== 200) throw new Error(`token for ${id} answered ${res.statusCode}: ${res.body}`)
  return res.json().access_token as string
}

async function send(app: FastifyInstance, token: string, method: 'GET' | 'POST', url: string, body?: object) {
  const res = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload: body })
  return { status: res.statusCode, json: res.json() }
}
