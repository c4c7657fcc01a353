import t from 'tap'
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, statSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startApp, testAppConfig } from '../support/app.js'
import { createTestDatabase, createTenant } from '../helper.js'
import { signWebhook } from '../../sdk/src/index.js'

/**
 * sdk/README.md's TypeScript examples, type-checked and run as a user would: each imports
 * `@showrunner/sdk` as installed (sdk/dist, built by the workspace's `prepare` on npm ci)
 * and calls a real app over HTTP with real client credentials. A block that has no
 * `import` continues the block before it, as the README reads.
 */
const root = fileURLToPath(new URL('../../', import.meta.url))
const readme = await readFile(join(root, 'sdk/README.md'), 'utf8')

const programs: string[] = []
for (const [, code] of readme.matchAll(/```ts\n([\s\S]*?)```/g)) {
  if (/^import /m.test(code!) || programs.length === 0) programs.push(code!)
  else programs[programs.length - 1] += `\n${code}`
}

/** The newest modification time under a folder. */
async function newest(dir: string): Promise<number> {
  let latest = 0
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) latest = Math.max(latest, statSync(join(entry.parentPath, entry.name)).mtimeMs)
  return latest
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

interface Run {
  code: number | null
  stdout: string
  stderr: string
}

function collect(child: ChildProcess): Promise<Run> {
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (c: Buffer) => {
    stdout += c.toString()
  })
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString()
  })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr }))
  })
}

t.test('the README has the examples this test knows how to check', async (t) => {
  t.equal(programs.length, 2, 'a calling example (with its error handling) and a webhook receiver')
  t.match(programs[0], /new Showrunner\(/)
  t.match(programs[1], /verifyWebhook/)
})

t.test("sdk/README.md's examples run against a real app", async (t) => {
  const dist = join(root, 'sdk/dist/index.js')
  t.equal(
    fileURLToPath(import.meta.resolve('@showrunner/sdk')),
    join(root, 'sdk/dist/index.js'),
    '@showrunner/sdk resolves to the built package',
  )
  if (!existsSync(dist)) return t.fail('sdk/dist is missing: npm ci runs the SDK workspace `prepare` to build it')
  if (statSync(dist).mtimeMs < (await newest(join(root, 'sdk/src'))))
    return t.fail('sdk/dist is older than sdk/src: run npm run build --workspace sdk')

  const work = await mkdtemp(join(tmpdir(), 'sdk-readme-'))
  t.teardown(() => rm(work, { recursive: true, force: true }))
  // Outside the repository, as a user's project: the installed packages, nothing else.
  await symlink(join(root, 'node_modules'), join(work, 'node_modules'), 'dir')
  const files = programs.map((_, i) => `example-${i + 1}.mts`)
  await Promise.all(programs.map((code, i) => writeFile(join(work, files[i]!), code)))
  await writeFile(
    join(work, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
      },
      files,
    }),
  )

  const tsc = await collect(
    spawn(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: work }),
  )
  t.equal(tsc.code, 0, `the examples type-check against the published types\n${tsc.stdout}${tsc.stderr}`)

  const databaseUrl = await createTestDatabase(t)
  const started = await startApp(testAppConfig(databaseUrl), { listen: true })
  t.teardown(() => started.close())
  const provider = await createTenant(started.app, { kind: 'provider', name: 'README Provider' })
  const env = {
    ...process.env,
    SHOWRUNNER_URL: started.url!,
    SHOWRUNNER_CLIENT_ID: provider.clientId,
    SHOWRUNNER_CLIENT_SECRET: provider.clientSecret,
  }
  const tsx = join(root, 'node_modules/tsx/dist/cli.mjs')

  t.test('calling the API: register, read, paginate, and a typed not-found error', async (t) => {
    const run = await collect(spawn(process.execPath, [tsx, files[0]!], { cwd: work, env }))
    t.equal(run.code, 0, run.stderr)
    t.match(run.stdout, /^registered Audience insights \(200\)$/m)
    t.match(run.stdout, /^app_[0-9a-z]{26} Audience insights$/m, 'the loop printed the registered app')
    t.match(run.stderr, /^not found \(request req_[0-9a-z]{26}\)$/m, 'the error example caught the 404')
  })

  t.test('verifying webhooks: the receiver accepts a signed delivery and refuses a forged one', async (t) => {
    const port = await freePort()
    const secret = `whsec_${randomBytes(24).toString('base64')}`
    const receiver = spawn(process.execPath, [tsx, files[1]!], {
      cwd: work,
      env: { ...env, PORT: String(port), WEBHOOK_SECRET: secret },
    })
    const exited = collect(receiver)
    t.teardown(() => {
      receiver.kill('SIGTERM')
      return exited
    })
    const url = `http://127.0.0.1:${port}/`
    const deliver = (body: string, signedBody = body) => {
      const id = `evt_${randomBytes(8).toString('hex')}`
      const timestamp = Math.floor(Date.now() / 1000)
      return fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(secret, id, timestamp, signedBody),
        },
        body,
      })
    }
    const body = JSON.stringify({ id: 'evt_1', type: 'supplier.admitted', data: {} })
    let first: Response | undefined
    for (let attempt = 0; attempt < 100 && !first; attempt++) {
      first = await deliver(body).catch(async () => {
        await new Promise((resolve) => setTimeout(resolve, 100))
        return undefined
      })
    }
    t.ok(first, 'the receiver listens on PORT')
    t.equal(first?.status, 204, 'a signed delivery is accepted')
    t.equal((await deliver(body.replace('evt_1', 'evt_2'), body)).status, 400, 'a changed body is refused')
    const unsigned = await fetch(url, { method: 'POST', body })
    t.equal(unsigned.status, 400, 'a delivery without signature headers is refused')
  })
})
