/**
 * Seeds a selection benchmark into a database: one MCN with 2,000 suppliers, 100,000
 * products in one supply pool every anchor may draw from, 50 anchors and 90 days of sales
 * history, then the sales stats and selection index exactly as the app computes them.
 * Rows go in with multi-row INSERTs as the owning role (seconds, not minutes).
 *
 *   tsx bench/seed-catalog.ts postgres://…/db [--products 100000]
 */
import { randomInt } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import postgres from 'postgres'
import pino from 'pino'
import { connectDatabase } from '../src/db/client.js'
import { inTenant } from '../src/db/tenancy.js'
import { newId } from '../src/lib/ids.js'
import { refreshSalesStats } from '../src/modules/selection/refresh.js'
import { Queues } from '../src/queues/index.js'
import { seedTenant } from './lib/tenants.js'

export interface SeedResult {
  tenantId: string
  clientId: string
  clientSecret: string
  anchorId: string
  products: number
  seconds: number
}

const CATEGORIES = [
  'beauty',
  'skincare',
  'food',
  'snacks',
  'tea',
  'apparel',
  'shoes',
  'home',
  'kitchen',
  'baby',
  'pets',
  'sports',
  'digital',
  'jewelry',
  'books',
  'health',
  'fruit',
  'liquor',
  'toys',
  'outdoor',
]
const WORDS = [
  '有机',
  '手工',
  '新疆',
  '云南',
  '限量',
  '经典',
  '家用',
  '便携',
  '高端',
  '天然',
  '优选',
  '大师',
  'Pro',
  'Max',
  'Lite',
  '礼盒',
  '套装',
  '旗舰',
  '原产',
  '精选',
]
const pick = <T>(a: readonly T[]) => a[randomInt(a.length)]!

async function inBatches<T>(rows: T[], size: number, fn: (batch: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += size) await fn(rows.slice(i, i + size))
}

export async function seedCatalog(
  databaseUrl: string,
  opts: { products?: number; suppliers?: number; anchors?: number; salesRows?: number } = {},
): Promise<SeedResult> {
  const started = Date.now()
  const productCount = opts.products ?? 100_000
  const supplierCount = opts.suppliers ?? 2000
  const anchorCount = opts.anchors ?? 50
  const salesRows = opts.salesRows ?? 40_000
  const database = connectDatabase(databaseUrl, { max: 4 })
  const sql = postgres(databaseUrl, { max: 2, onnotice: () => {} })
  try {
    const credentials = await seedTenant(database.db, { kind: 'mcn', name: 'Bench MCN' })
    const tenant = credentials.organizationId

    const suppliers = Array.from({ length: supplierCount }, (_, i) => {
      const r = Math.random()
      return {
        tenant_id: tenant,
        id: newId('supplier'),
        name: `供应商 ${i}`,
        kind: pick(['brand', 'merchant', 'factory', 'farmer'] as const),
        micro: Math.random() < 0.15,
        brand_tier: pick(['premium', 'mature', 'emerging'] as const),
        status: r < 0.04 ? 'eliminated' : r < 0.09 ? 'probation' : 'admitted',
        reputation_score: Math.round((40 + Math.random() * 60) * 100) / 100,
      }
    })
    await inBatches(suppliers, 2000, (b) => sql`insert into suppliers ${sql(b)}`)

    const products = Array.from({ length: productCount }, (_, i) => {
      const s = suppliers[randomInt(suppliers.length)]!
      const category = CATEGORIES[Math.floor(Math.pow(Math.random(), 1.6) * CATEGORIES.length)]!
      return {
        tenant_id: tenant,
        id: newId('product'),
        supplier_id: s.id,
        external_id: `bench-${i}`,
        title: `${pick(WORDS)}${pick(WORDS)} ${category} ${pick(WORDS)} ${i % 997}`,
        category,
        list_price: 990 + randomInt(99_000),
        currency: 'CNY',
        stock: Math.random() < 0.03 ? 0 : randomInt(1, 5000),
        commission_rate: Math.round(Math.random() * 40) / 100,
        repurchase_rate: Math.random() < 0.3 ? null : Math.round(Math.random() * 60) / 100,
        brand_tier: s.brand_tier,
      }
    })
    await inBatches(products, 5000, (b) => sql`insert into products ${sql(b)}`)

    const poolId = newId('pool')
    await sql`insert into supply_pools ${sql({ tenant_id: tenant, id: poolId, name: 'Bench pool', built_by_organization_id: tenant, built_by_kind: 'mcn', access: 'all_anchors', item_count: products.length })}`
    await inBatches(
      products,
      10_000,
      (b) =>
        sql`insert into pool_items ${sql(b.map((p) => ({ tenant_id: tenant, id: newId('poolItem'), pool_id: poolId, product_id: p.id, price: Math.random() < 0.2 ? Math.round(p.list_price * 0.9) : null, supply_limit: null })))}`,
    )

    const anchors = Array.from({ length: anchorCount }, (_, i) => {
      const interests = Array.from(new Set(Array.from({ length: 4 }, () => pick(CATEGORIES)))).map((category) => ({
        category,
        weight: Math.round(Math.random() * 100) / 100,
      }))
      return {
        tenant_id: tenant,
        id: newId('anchor'),
        name: `主播 ${i}`,
        platform_handles: sql.json([{ platform: 'douyin', handle: `anchor${i}` }]),
        categories: interests.slice(0, 2).map((x) => x.category),
        audience: sql.json({ interests }),
      }
    })
    await sql`insert into anchors ${sql(anchors)}`

    // Sales follow a power law over anchors, so a few are "head" anchors.
    const sales = Array.from({ length: salesRows }, () => {
      const a = anchors[Math.floor(Math.pow(Math.random(), 3) * anchors.length)]!
      const p = products[randomInt(products.length)]!
      const quantity = randomInt(1, 200)
      return {
        tenant_id: tenant,
        id: newId('sale'),
        anchor_id: a.id,
        product_id: p.id,
        product_title: p.title,
        category: p.category,
        quantity,
        amount: p.list_price * quantity,
        currency: 'CNY',
        returned_quantity: randomInt(0, Math.max(1, Math.floor(quantity / 10))),
        disputes: Math.random() < 0.05 ? 1 : 0,
        sold_on: new Date(Date.now() - randomInt(90) * 86_400_000).toISOString().slice(0, 10),
      }
    })
    await inBatches(sales, 5000, (b) => sql`insert into anchor_sales ${sql(b)}`)
    await sql`analyze`

    // The same refresh the app runs after a sales import: stats, then the selection index.
    const log = pino({ level: 'silent' })
    const queues = new Queues({ databaseUrl, prefix: 'bench_unused' })
    await inTenant(
      {
        tenantId: tenant,
        actor: { clientId: credentials.clientId, organizationId: tenant, organizationKind: 'mcn', scopes: [] },
        requestId: 'seed',
        log,
        db: database.db,
        queues,
      },
      (tx) => refreshSalesStats(tx),
    )
    // As autovacuum would soon: visibility maps let the candidate query use index-only scans.
    await sql`vacuum analyze`
    // The anchor to benchmark: the one with the most sales (a head anchor).
    const [top] = await sql<
      { anchor_id: string }[]
    >`select anchor_id from anchor_sales where tenant_id = ${tenant} group by anchor_id order by count(*) desc limit 1`
    return {
      tenantId: tenant,
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
      anchorId: top!.anchor_id,
      products: products.length,
      seconds: (Date.now() - started) / 1000,
    }
  } finally {
    await sql.end({ timeout: 5 })
    await database.close()
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const url = process.argv[2]
  if (!url) {
    console.error('usage: tsx bench/seed-catalog.ts DATABASE_URL [--products N]')
    process.exit(2)
  }
  const i = process.argv.indexOf('--products')
  seedCatalog(url, { products: i > 0 ? Number(process.argv[i + 1]) : undefined })
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((err) => {
      console.error(err)
      process.exit(1)
    })
}
