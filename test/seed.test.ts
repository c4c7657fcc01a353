import t from 'tap'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { buildTestApp, createTestDatabase, TEST_REDIS_URL } from './helper.js'
import { DEMO_CREDENTIALS_FILE, describeDemo, seedDemo, type DemoSeed } from '../src/seed.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** The token request and first call of a printed curl pair: `-u id:secret [-d installation_id=…] URL`. */
function parseCurl(output: string, variable: 'MCN' | 'APP') {
  const tokenLine = output.split('\n').find((l) => l.trim().startsWith(`${variable}=$(curl`))
  const callLine = output.split('\n').find((l) => l.includes(`Bearer $${variable}`))
  if (!tokenLine || !callLine) return undefined
  const [, id, secret] = /-u (\S+?):(\S+)/.exec(tokenLine)!
  const installation = /installation_id=(\S+)/.exec(tokenLine)?.[1]
  const tokenUrl = /(http\S+\/oauth\/token)/.exec(tokenLine)![1]!
  const callUrl = /(http\S+)\s*$/.exec(callLine)![1]!
  return {
    basic: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
    form: `grant_type=client_credentials${installation ? `&installation_id=${installation}` : ''}`,
    tokenUrl,
    callUrl,
  }
}

/** Every count a duplicate would change, read as the demo's own clients read them. */
async function demoCounts(app: FastifyInstance, seed: DemoSeed) {
  const token = async (c: { client_id: string; client_secret: string }) => {
    const res = await app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: {
        authorization: `Basic ${Buffer.from(`${c.client_id}:${c.client_secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: 'grant_type=client_credentials',
    })
    return res.json().access_token as string
  }
  const get = async (tok: string, url: string) =>
    (await app.inject({ url, headers: { authorization: `Bearer ${tok}` } })).json().data as any[]
  const [platform, mcn, provider] = await Promise.all([
    token(seed.credentials.platform),
    token(seed.credentials.mcn),
    token(seed.credentials.provider),
  ])
  const products = await get(mcn, '/v1/products?limit=200')
  const pools = await get(mcn, '/v1/supply-pools')
  const skus = await Promise.all(products.map((p) => get(mcn, `/v1/products/${p.id}/skus`)))
  return {
    organizations: (await get(platform, '/v1/organizations?limit=200')).map((o) => `${o.kind} ${o.name}`).sort(),
    suppliers: (await get(mcn, '/v1/suppliers')).map((s) => `${s.name}: ${s.status}`).sort(),
    products: products.length,
    skus: skus.flat().length,
    anchors: (await get(mcn, '/v1/anchors')).length,
    pools: pools.map((p) => `${p.name}: ${p.item_count} items`),
    apps: (await get(provider, '/v1/apps')).length,
    installations: (await get(mcn, '/v1/installations')).filter((i) => !i.revoked_at).length,
  }
}

/** The printed curl pair for `variable`, run with fetch (or through the app when `app` is given). */
async function runCurl(output: string, variable: 'MCN' | 'APP', app?: FastifyInstance) {
  const curl = parseCurl(output, variable)
  if (!curl) throw new Error(`no ${variable} curl lines in:\n${output}`)
  const send = async (url: string, init: { method?: string; headers: Record<string, string>; body?: string }) => {
    if (!app) {
      const res = await fetch(url, init)
      return { status: res.status, json: (await res.json()) as any }
    }
    const u = new URL(url)
    const res = await app.inject({
      method: (init.method ?? 'GET') as 'GET',
      url: `${u.pathname}${u.search}`,
      headers: init.headers,
      payload: init.body,
    })
    return { status: res.statusCode, json: res.json() as any }
  }
  const token = await send(curl.tokenUrl, {
    method: 'POST',
    headers: { authorization: curl.basic, 'content-type': 'application/x-www-form-urlencoded' },
    body: curl.form,
  })
  if (token.status !== 200) return { tokenStatus: token.status, status: 0, json: token.json }
  const call = await send(curl.callUrl, { headers: { authorization: `Bearer ${token.json.access_token}` } })
  return { tokenStatus: token.status, ...call }
}

t.test('seeding twice creates the demo once, and the printed credentials work', async (t) => {
  const { app, runtime } = await buildTestApp(t)
  const dataDir = t.testdir()
  const options = { app, db: runtime.database.db, dataDir }

  const first = await seedDemo(options)
  t.ok(first.created.length >= 20, `the first seed creates the demo (${first.created.length} resources)`)
  const file = path.join(dataDir, DEMO_CREDENTIALS_FILE)
  t.equal(fs.statSync(file).mode & 0o777, 0o600, 'the credentials file is readable by its owner only')
  const counts = await demoCounts(app, first)
  t.same(counts, {
    organizations: ['mcn Starlight MCN 星光传媒', 'platform Showrunner Demo Operator', 'provider Brightpick Labs'],
    suppliers: [
      'Golden Harvest Foods 金穗食品: admitted',
      'Maison Lumière Cosmetics: admitted',
      'Yunnan Hill Tea Farm 云岭茶园: admitted',
    ],
    products: 4,
    skus: 6,
    anchors: 1,
    pools: ['Spring live specials 春季专供: 4 items'],
    apps: 1,
    installations: 1,
  })

  const printed = describeDemo(first, 'http://127.0.0.1:3000')
  const mcnCall = await runCurl(printed, 'MCN', app)
  t.equal(mcnCall.status, 200, 'the printed MCN lines get a token and read the products')
  t.equal(mcnCall.json.data.length, 4)
  const appCall = await runCurl(printed, 'APP', app)
  t.equal(appCall.status, 200, 'the printed app lines get an installation token and rank the pool for the anchor')
  t.equal(appCall.json.data.length, 4)

  const second = await seedDemo(options)
  t.same(second.created, [], 'a second seed creates nothing')
  t.same(second.rotated, [], '…and rotates nothing while the file’s secrets work')
  t.same(second.credentials, first.credentials)
  t.same(await demoCounts(app, second), counts, 'no duplicate anywhere')

  // Without the file the secrets cannot be shown again: they are rotated, ids kept.
  fs.rmSync(file)
  const third = await seedDemo(options)
  t.same(third.created, [])
  t.equal(third.rotated.length, 4, third.rotated.join('; '))
  for (const role of ['platform', 'mcn', 'provider', 'app'] as const) {
    t.equal(third.credentials[role].client_id, first.credentials[role].client_id, `${role}: same client`)
    t.not(third.credentials[role].client_secret, first.credentials[role].client_secret, `${role}: new secret`)
  }
  t.equal((await runCurl(printed, 'MCN', app)).tokenStatus, 401, 'the old MCN secret no longer works')
  t.equal((await runCurl(describeDemo(third, 'http://127.0.0.1:3000'), 'APP', app)).status, 200)
  t.same(await demoCounts(app, third), counts)
  t.match(describeDemo(third, 'http://x'), /No working secret on file for: platform client cli_/)
})

const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })

t.test('`showrunner dev --seed`: prints working curl lines, and a restart duplicates nothing', async (t) => {
  const databaseUrl = await createTestDatabase(t)
  const dataDir = t.testdir()
  const port = await freePort()
  const env = {
    PATH: process.env.PATH!,
    HOME: process.env.HOME ?? dataDir,
    DATABASE_URL: databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: `seed${port}`,
    PORT: String(port),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  }

  /** Starts the CLI, waits for the last printed curl line, and returns the output. */
  async function start() {
    const child = spawn(path.join(root, 'node_modules/.bin/tsx'), [path.join(root, 'src/cli.ts'), 'dev', '--seed'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
    t.teardown(async () => {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no curl line within 60 s:\n${output}`)), 60_000)
      const read = (d: Buffer) => {
        output += d
        if (/examples\/provider-app\.ts/.test(output)) {
          clearTimeout(timer)
          resolve()
        }
      }
      child.stdout.on('data', read)
      child.stderr.on('data', (d: Buffer) => (output += d))
      child.on('exit', (code) => reject(new Error(`exited ${code} before printing:\n${output}`)))
    })
    return {
      output,
      async stop() {
        child.kill('SIGTERM')
        return exited
      },
    }
  }

  const first = await start()
  t.match(first.output, new RegExp(`http://127\\.0\\.0\\.1:${port}/oauth/token`), 'the curl lines name the port in use')
  const call = await runCurl(first.output, 'MCN')
  t.equal(call.status, 200, 'the printed curl lines work against the running server')
  t.equal(call.json.data.length, 4)
  t.equal(await first.stop(), 0, 'SIGTERM stops it cleanly')

  const second = await start()
  t.match(second.output, /nothing was created/)
  const again = await runCurl(second.output, 'MCN')
  t.equal(again.status, 200, 'the credentials kept in DATA_DIR are printed again and work')
  t.equal(again.json.data.length, 4, 'no product twice')
  t.equal(parseCurl(second.output, 'MCN')?.basic, parseCurl(first.output, 'MCN')?.basic, 'same client and secret')
  t.equal(await second.stop(), 0)
})
