/**
 * The seeded demo (`showrunner dev --seed`, `npm run demo`): a platform operator, an MCN with
 * admitted suppliers, products with SKUs, an anchor and a supply pool, and a provider whose
 * app is installed in the MCN.
 *
 * Only the platform organization and its first client are made the way `showrunner admin`
 * makes them (there is no caller yet). Everything else goes through the public API with
 * `app.inject`, as a client would call it, so validation, audit, events and the selection
 * index come out exactly as they do for real traffic, and the seed needs no module's
 * internals.
 *
 * Running it again creates nothing twice: every resource is looked up by its natural key
 * (organization kind and name, supplier and anchor name, product external_id, SKU code, …)
 * before it is created, so a seed interrupted half-way also completes on the next start.
 *
 * Secrets are stored hashed, so the database cannot give them back. The first seed writes them
 * to `DATA_DIR/demo-credentials.json` (mode 0600). A later start reads that file and checks each
 * secret with a token request; a secret that is missing or no longer works (the file was
 * deleted, or the database replaced) is rotated through the API and the file rewritten.
 */
import fs from 'node:fs/promises'
import path from 'node:path'
import { and, eq } from 'drizzle-orm'
import type { FastifyInstance, InjectOptions } from 'fastify'
import type { Database } from './db/client.js'
import { organizations } from './db/schema.js'
import { createClient, createOrganization } from './modules/identity/index.js'

export const DEMO_CREDENTIALS_FILE = 'demo-credentials.json'

const DEMO = {
  platform: { name: 'Showrunner Demo Operator', client: 'demo operator console' },
  mcn: { name: 'Starlight MCN 星光传媒', client: 'starlight back office' },
  provider: { name: 'Brightpick Labs', client: 'brightpick developer' },
  app: {
    name: 'Brightpick selection assistant',
    description: 'Ranks the products of your pools for each anchor (选品助手)',
    scopes: ['catalog:read', 'anchors:read', 'selection:read'],
  },
} as const

const CRITERIA = {
  name: 'Starlight admission 2026 (入围标准)',
  required_documents: ['business_license', 'product_quality_report'],
  max_return_rate: 0.15,
  max_dispute_rate: 0.03,
}

const SUPPLIERS = [
  {
    name: 'Maison Lumière Cosmetics',
    kind: 'brand',
    brand_tier: 'premium',
    contacts: [{ name: 'Claire Dubois', role: 'China key account', email: 'claire.dubois@maison-lumiere.example' }],
    documents: ['business_license', 'product_quality_report', 'trademark_certificate'],
  },
  {
    name: 'Golden Harvest Foods 金穗食品',
    kind: 'factory',
    brand_tier: 'mature',
    contacts: [{ name: 'Zhang Wei', role: 'Sales director', phone: '+86 571 8888 0101' }],
    documents: ['business_license', 'product_quality_report', 'food_production_license'],
  },
  {
    name: 'Yunnan Hill Tea Farm 云岭茶园',
    kind: 'farmer',
    micro: true,
    brand_tier: 'emerging',
    contacts: [{ name: 'Li Mei', role: 'Owner', phone: '+86 871 6555 0188' }],
    documents: ['business_license', 'product_quality_report', 'food_production_license'],
  },
] as const

const cny = (amount: number) => ({ amount, currency: 'CNY' })

/** Prices in minor units (fen). Pool terms follow each brand tier's strategy (DESIGN.md). */
const PRODUCTS = [
  {
    supplier: 0,
    product: {
      external_id: 'ML-SERUM-ROSE',
      title: 'Rose Repair Serum',
      category: 'beauty',
      attributes: { volume_ml: 30, origin: 'France', fragrance_free: false },
      images: ['https://cdn.example.com/maison-lumiere/rose-serum.jpg'],
      list_price: cny(68000),
      commission_rate: 0.12,
      repurchase_rate: 0.34,
    },
    skus: [
      { code: 'ML-SERUM-ROSE-30', attributes: { volume_ml: 30 }, price: cny(68000), stock: 150 },
      { code: 'ML-SERUM-ROSE-50', attributes: { volume_ml: 50 }, price: cny(98000), stock: 80 },
    ],
    // Premium: no price cut, a limited supply.
    pool: { supply_limit: 200 },
  },
  {
    supplier: 1,
    product: {
      external_id: 'GH-NOODLE-6',
      title: 'Hand-pulled Noodles, 6 packs 手工拉面',
      category: 'food',
      attributes: { weight_g: 900, shelf_life_days: 270, vegetarian: true },
      images: ['https://cdn.example.com/golden-harvest/noodles.jpg'],
      list_price: cny(3990),
      commission_rate: 0.2,
      repurchase_rate: 0.41,
    },
    skus: [
      { code: 'GH-NOODLE-6-ORIGINAL', attributes: { flavour: 'original' }, price: cny(3990), stock: 2000 },
      { code: 'GH-NOODLE-6-SPICY', attributes: { flavour: 'spicy' }, price: cny(4290), stock: 1500 },
    ],
    // Mature: a hero product with a moderate discount.
    pool: { price: cny(3590) },
  },
  {
    supplier: 2,
    product: {
      external_id: 'YH-PUER-357',
      title: 'Spring Harvest Pu’er Cake 357 g 普洱茶饼',
      category: 'food',
      attributes: { weight_g: 357, harvest_year: 2026, organic: true },
      images: ['https://cdn.example.com/yunnan-hill/puer.jpg'],
      list_price: cny(12800),
      commission_rate: 0.25,
    },
    skus: [{ code: 'YH-PUER-357-RAW', attributes: { style: 'raw (生茶)' }, price: cny(12800), stock: 300 }],
    // Emerging: a visible discount.
    pool: { price: cny(9900), supply_limit: 300 },
  },
  {
    supplier: 2,
    product: {
      external_id: 'YH-HONEY-500',
      title: 'Wild Mountain Honey 500 g 野生蜂蜜',
      category: 'food',
      attributes: { weight_g: 500, organic: true },
      images: ['https://cdn.example.com/yunnan-hill/honey.jpg'],
      list_price: cny(8800),
      commission_rate: 0.25,
    },
    skus: [{ code: 'YH-HONEY-500-JAR', attributes: { packaging: 'glass jar' }, price: cny(8800), stock: 400 }],
    pool: { price: cny(6900), supply_limit: 400 },
  },
] as const

const ANCHOR = {
  name: 'Lin Xiaoyu 林小雨',
  platform_handles: [
    { platform: 'douyin', handle: 'linxiaoyu.live' },
    { platform: 'kuaishou', handle: 'xiaoyu_picks' },
  ],
  categories: ['beauty', 'food'],
  audience: {
    interests: [
      { category: 'beauty', weight: 0.6 },
      { category: 'food', weight: 0.4 },
    ],
    female_share: 0.78,
    age_bands: [
      { band: '18-24', share: 0.32 },
      { band: '25-34', share: 0.46 },
      { band: '35-44', share: 0.22 },
    ],
    regions: ['Zhejiang', 'Jiangsu', 'Shanghai'],
  },
}

const POOL = {
  name: 'Spring live specials 春季专供',
  description: 'Products reserved for Lin Xiaoyu’s spring sessions, at pool prices',
  access: 'listed_anchors',
}

export interface DemoClient {
  client_id: string
  client_secret: string
}

export interface DemoSeed {
  organizations: { platform: string; mcn: string; provider: string }
  app_id: string
  anchor_id: string
  pool_id: string
  installation_id: string
  granted_scopes: string[]
  credentials: { platform: DemoClient; mcn: DemoClient; provider: DemoClient; app: DemoClient }
  /** What this run created (`supplier Maison Lumière Cosmetics`, …); empty when everything was there. */
  created: string[]
  /** Clients whose secret this run rotated, because the file had none that worked. */
  rotated: string[]
  credentialsFile: string
}

type Role = keyof DemoSeed['credentials']
type StoredCredentials = Partial<Record<Role, DemoClient>>

class SeedError extends Error {}

/** A caller of the app through `inject`: JSON in, JSON out, any unexpected status is an error. */
function api(app: FastifyInstance) {
  return async function call<T = any>(
    token: string,
    method: InjectOptions['method'],
    url: string,
    body?: unknown,
    expect = method === 'POST' ? 201 : 200,
  ): Promise<T> {
    const res = await app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { payload: body as InjectOptions['payload'] }),
    })
    if (res.statusCode !== expect)
      throw new SeedError(`demo seed: ${method} ${url} answered ${res.statusCode}: ${res.body}`)
    return res.json() as T
  }
}

async function requestToken(app: FastifyInstance, client: DemoClient, installationId?: string) {
  const res = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    headers: {
      authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    payload: `grant_type=client_credentials${installationId ? `&installation_id=${installationId}` : ''}`,
  })
  return res.statusCode === 200 ? (res.json().access_token as string) : undefined
}

async function readStored(file: string): Promise<StoredCredentials> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as StoredCredentials
  } catch {
    // A missing or damaged file is as good as none: the secrets get rotated and the file rewritten.
    return {}
  }
}

/** Written to a temporary file then renamed, so a crash never leaves half a file; 0600 from its creation. */
async function writeStored(file: string, stored: StoredCredentials): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true })
  const tmp = `${file}.${process.pid}.tmp`
  await fs.writeFile(tmp, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 })
  await fs.chmod(tmp, 0o600)
  await fs.rename(tmp, file)
}

/** Every item of a cursor-paginated list. */
async function listAll<T>(call: ReturnType<typeof api>, token: string, url: string): Promise<T[]> {
  const items: T[] = []
  let cursor: string | null = null
  do {
    const sep = url.includes('?') ? '&' : '?'
    const page: { data: T[]; next_cursor: string | null } = await call(
      token,
      'GET',
      `${url}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    )
    items.push(...page.data)
    cursor = page.next_cursor
  } while (cursor)
  return items
}

export interface SeedOptions {
  app: FastifyInstance
  /** The owner's pool, as `showrunner admin` uses it. */
  db: Database
  dataDir: string
}

export async function seedDemo({ app, db, dataDir }: SeedOptions): Promise<DemoSeed> {
  const call = api(app)
  const credentialsFile = path.resolve(dataDir, DEMO_CREDENTIALS_FILE)
  const stored = await readStored(credentialsFile)
  const created: string[] = []
  const rotated: string[] = []
  const save = () => writeStored(credentialsFile, stored)

  // ── The platform operator: the one step with no caller, made as `showrunner admin` does ──
  const [existingPlatform] = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(and(eq(organizations.kind, 'platform'), eq(organizations.name, DEMO.platform.name)))
    .orderBy(organizations.id)
    .limit(1)
  let platformOrgId = existingPlatform?.id
  let platformToken: string | undefined
  if (!platformOrgId) {
    platformOrgId = (await createOrganization(db, { kind: 'platform', name: DEMO.platform.name })).id
    created.push(`platform organization ${DEMO.platform.name}`)
  } else if (stored.platform) {
    platformToken = await requestToken(app, stored.platform)
  }
  if (!platformToken) {
    // No working secret on file. A one-off client gets a token; with it the demo console's
    // secret is rotated through the API (so the client id stays the one printed before),
    // and the one-off client is revoked again. A platform with no console yet keeps the
    // one-off client as its console.
    const oneOff = await createClient(db, { organizationId: platformOrgId, name: DEMO.platform.client })
    const oneOffCredentials = { client_id: oneOff.client.id, client_secret: oneOff.client_secret }
    const token = (await requestToken(app, oneOffCredentials))!
    const clients = await listAll<{ id: string; name: string; revoked_at: string | null }>(
      call,
      token,
      `/v1/organizations/${platformOrgId}/clients`,
    )
    const demoConsole = clients.find(
      (c) => c.name === DEMO.platform.client && !c.revoked_at && c.id !== oneOff.client.id,
    )
    if (demoConsole) {
      stored.platform = await rotate(call, token, demoConsole.id)
      await call(token, 'POST', `/v1/clients/${oneOff.client.id}/revoke`, undefined, 200)
      rotated.push(`platform client ${demoConsole.id}`)
      platformToken = (await requestToken(app, stored.platform))!
    } else {
      stored.platform = oneOffCredentials
      if (existingPlatform) rotated.push(`platform client ${oneOff.client.id} (new: the console was revoked)`)
      else created.push(`platform client ${DEMO.platform.client}`)
      platformToken = token
    }
    await save()
  }

  // ── The MCN and the provider, each with its first client, as the platform creates them ──
  const orgs = await listAll<{ id: string; kind: string; name: string }>(call, platformToken, '/v1/organizations')
  async function organization(kind: 'mcn' | 'provider', role: 'mcn' | 'provider') {
    const { name, client } = DEMO[role]
    const found = orgs.find((o) => o.kind === kind && o.name === name)
    if (!found) {
      const org = await call(platformToken!, 'POST', '/v1/organizations', {
        kind,
        name,
        first_client: { name: client },
      })
      stored[role] = { client_id: org.first_client.client.id, client_secret: org.first_client.client_secret }
      await save()
      created.push(`${kind} organization ${name}`)
      return org.id as string
    }
    if (stored[role] && (await requestToken(app, stored[role]))) return found.id
    const clients = await listAll<{ id: string; name: string; app_id: string | null; revoked_at: string | null }>(
      call,
      platformToken!,
      `/v1/organizations/${found.id}/clients`,
    )
    const own = clients.find((c) => c.name === client && !c.app_id && !c.revoked_at)
    if (own) {
      stored[role] = await rotate(call, platformToken!, own.id)
      rotated.push(`${kind} client ${own.id}`)
    } else {
      const made = await call(platformToken!, 'POST', `/v1/organizations/${found.id}/clients`, { name: client })
      stored[role] = { client_id: made.client.id, client_secret: made.client_secret }
      created.push(`${kind} client ${client}`)
    }
    await save()
    return found.id
  }
  const mcnOrgId = await organization('mcn', 'mcn')
  const providerOrgId = await organization('provider', 'provider')
  const mcnToken = (await requestToken(app, stored.mcn!))!
  const providerToken = (await requestToken(app, stored.provider!))!

  /** The item of `list` that `match` finds, or the one `create` makes. */
  async function ensure<T>(what: string, list: T[], match: (item: T) => boolean, create: () => Promise<T>) {
    const found = list.find(match)
    if (found) return found
    const made = await create()
    created.push(what)
    return made
  }

  // ── The MCN's catalog: suppliers admitted against its criteria, products, SKUs ──
  type WithId = { id: string; [k: string]: any }
  const criteria = await ensure<WithId>(
    `admission criteria ${CRITERIA.name}`,
    await listAll(call, mcnToken, '/v1/admission-criteria'),
    (c) => c.name === CRITERIA.name,
    () => call(mcnToken, 'POST', '/v1/admission-criteria', CRITERIA),
  )
  const suppliersOnFile = await listAll<WithId>(call, mcnToken, '/v1/suppliers')
  const supplierIds: string[] = []
  for (const s of SUPPLIERS) {
    let supplier = await ensure<WithId>(
      `supplier ${s.name}`,
      suppliersOnFile,
      (x) => x.name === s.name,
      // Applied, not admitted outright: admission checks it against the criteria like any newcomer.
      () => call(mcnToken, 'POST', '/v1/suppliers', { ...s, status: 'applied' }),
    )
    if (supplier.status === 'applied') {
      const application = await call(mcnToken, 'POST', `/v1/suppliers/${supplier.id}/applications`, {
        criteria_id: criteria.id,
      })
      if (application.status !== 'admitted')
        throw new SeedError(`demo seed: ${s.name} was not admitted: ${JSON.stringify(application.failures)}`)
      supplier = await call(mcnToken, 'GET', `/v1/suppliers/${supplier.id}`)
    }
    supplierIds.push(supplier.id)
  }

  const productsOnFile = await listAll<WithId>(call, mcnToken, '/v1/products')
  const productIds: string[] = []
  for (const p of PRODUCTS) {
    const product = await ensure<WithId>(
      `product ${p.product.external_id}`,
      productsOnFile,
      (x) => x.external_id === p.product.external_id,
      () => call(mcnToken, 'POST', '/v1/products', { ...p.product, supplier_id: supplierIds[p.supplier] }),
    )
    const skus = await listAll<WithId>(call, mcnToken, `/v1/products/${product.id}/skus`)
    for (const sku of p.skus)
      await ensure(
        `sku ${sku.code}`,
        skus,
        (x) => x.code === sku.code,
        () => call(mcnToken, 'POST', `/v1/products/${product.id}/skus`, sku),
      )
    productIds.push(product.id)
  }

  // ── An anchor and the pool reserved for her ──
  const anchor = await ensure<WithId>(
    `anchor ${ANCHOR.name}`,
    await listAll(call, mcnToken, '/v1/anchors'),
    (a) => a.name === ANCHOR.name,
    () => call(mcnToken, 'POST', '/v1/anchors', ANCHOR),
  )
  const pool = await ensure<WithId>(
    `supply pool ${POOL.name}`,
    await listAll(call, mcnToken, '/v1/supply-pools'),
    (x) => x.name === POOL.name,
    () => call(mcnToken, 'POST', '/v1/supply-pools', { ...POOL, anchor_ids: [anchor.id] }),
  )
  const items = await listAll<WithId>(call, mcnToken, `/v1/supply-pools/${pool.id}/items`)
  for (const [i, p] of PRODUCTS.entries())
    await ensure(
      `pool item ${p.product.external_id}`,
      items,
      (x) => x.product_id === productIds[i],
      () => call(mcnToken, 'POST', `/v1/supply-pools/${pool.id}/items`, { product_id: productIds[i], ...p.pool }),
    )

  // ── The provider's app, installed in the MCN ──
  const demoApp = await (async () => {
    const found = (await listAll<WithId>(call, providerToken, '/v1/apps')).find((a) => a.name === DEMO.app.name)
    if (found) return found
    const registered = await call(providerToken, 'POST', '/v1/apps', {
      name: DEMO.app.name,
      description: DEMO.app.description,
      requested_scopes: DEMO.app.scopes,
    })
    stored.app = { client_id: registered.client.id, client_secret: registered.client_secret }
    await save()
    created.push(`app ${DEMO.app.name}`)
    return registered.app as WithId
  })()
  const installation = await ensure<WithId>(
    `installation of ${DEMO.app.name} in ${DEMO.mcn.name}`,
    await listAll(call, mcnToken, '/v1/installations'),
    (x) => x.app_id === demoApp.id && !x.revoked_at,
    () => call(mcnToken, 'POST', '/v1/installations', { app_id: demoApp.id, scopes: DEMO.app.scopes }),
  )
  if (!stored.app || !(await requestToken(app, stored.app, installation.id))) {
    const clients = await listAll<{ id: string; app_id: string | null; revoked_at: string | null }>(
      call,
      providerToken,
      '/v1/clients',
    )
    const appClient = clients.find((c) => c.app_id === demoApp.id && !c.revoked_at)
    if (!appClient) throw new SeedError(`demo seed: the app ${demoApp.id} has no live client; delete the demo data`)
    stored.app = await rotate(call, providerToken, appClient.id)
    rotated.push(`app client ${appClient.id}`)
    await save()
  }
  return {
    organizations: { platform: platformOrgId, mcn: mcnOrgId, provider: providerOrgId },
    app_id: demoApp.id,
    anchor_id: anchor.id,
    pool_id: pool.id,
    installation_id: installation.id,
    granted_scopes: installation.granted_scopes,
    credentials: { platform: stored.platform!, mcn: stored.mcn!, provider: stored.provider!, app: stored.app },
    created,
    rotated,
    credentialsFile,
  }
}

/** A new secret at once: nobody holds the old one, so no overlap. */
async function rotate(call: ReturnType<typeof api>, token: string, clientId: string): Promise<DemoClient> {
  const res = await call(token, 'POST', `/v1/clients/${clientId}/rotate-secret`, { overlap_seconds: 0 }, 200)
  return { client_id: res.client.id, client_secret: res.client_secret }
}

/** What `dev --seed` prints: each client, and curl lines that work as they are against `baseUrl`. */
export function describeDemo(seed: DemoSeed, baseUrl: string): string {
  const { credentials: c } = seed
  const tokenCurl = (client: DemoClient, extra = '') =>
    `curl -s -u ${client.client_id}:${client.client_secret} -d grant_type=client_credentials${extra} ${baseUrl}/oauth/token`
  const what = seed.created.length
    ? `created ${seed.created.length} demo resources`
    : 'the demo data was already there; nothing was created'
  const lines = [
    '',
    `Showrunner demo (${what}).`,
    ...(seed.rotated.length
      ? [`No working secret on file for: ${seed.rotated.join(', ')}; rotated, and the new secrets are shown below.`]
      : []),
    `Credentials are kept in ${seed.credentialsFile} (mode 0600); delete it to have the secrets rotated.`,
    '',
    `  platform  ${DEMO.platform.name} (${seed.organizations.platform})`,
    `            client_id ${c.platform.client_id}  client_secret ${c.platform.client_secret}`,
    `  mcn       ${DEMO.mcn.name} (${seed.organizations.mcn})`,
    `            client_id ${c.mcn.client_id}  client_secret ${c.mcn.client_secret}`,
    `  provider  ${DEMO.provider.name} (${seed.organizations.provider})`,
    `            client_id ${c.provider.client_id}  client_secret ${c.provider.client_secret}`,
    `  app       ${DEMO.app.name} (${seed.app_id}), installed in the MCN as ${seed.installation_id}`,
    `            granting ${seed.granted_scopes.join(' ')}`,
    `            client_id ${c.app.client_id}  client_secret ${c.app.client_secret}`,
    '',
    'The MCN reads its products:',
    `  MCN=$(${tokenCurl(c.mcn)} | jq -r .access_token)`,
    `  curl -s -H "authorization: Bearer $MCN" ${baseUrl}/v1/products`,
    'The provider’s app, acting inside the MCN, ranks the pool’s products for the anchor:',
    `  APP=$(${tokenCurl(c.app, ` -d installation_id=${seed.installation_id}`)} | jq -r .access_token)`,
    `  curl -s -H "authorization: Bearer $APP" ${baseUrl}/v1/anchors/${seed.anchor_id}/recommendations`,
    'The examples run against it:',
    `  SHOWRUNNER_URL=${baseUrl} PROVIDER_CLIENT_ID=${c.provider.client_id} PROVIDER_CLIENT_SECRET=${c.provider.client_secret} \\`,
    `    MCN_CLIENT_ID=${c.mcn.client_id} MCN_CLIENT_SECRET=${c.mcn.client_secret} npx tsx examples/provider-app.ts`,
    '',
  ]
  return lines.join('\n')
}
