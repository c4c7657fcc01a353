import t from 'tap'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import net from 'node:net'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })

/**
 * The newcomer's path: `showrunner dev` with no DATABASE_URL and no REDIS_URL starts an
 * embedded PostgreSQL, runs BullMQ on it, and becomes ready. Only the ports are set, so
 * the test cannot collide with a server already running on the defaults.
 */
t.test('the embedded default boots and answers /readyz', async (t) => {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'showrunner-embedded-'))
  const [port, pgPort] = [await freePort(), await freePort()]
  const env: Record<string, string> = {
    PATH: process.env.PATH!,
    HOME: process.env.HOME ?? cwd,
    PORT: String(port),
    EMBEDDED_PG_PORT: String(pgPort),
    LOG_LEVEL: 'warn',
  }
  // What `npm start` runs; --import takes an absolute URL because the working folder is a temp one.
  const child = spawn(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), path.join(root, 'src/cli.ts'), 'dev'],
    {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  child.stdout.on('data', (d) => (output += d))
  child.stderr.on('data', (d) => (output += d))
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  t.teardown(async () => {
    if (child.exitCode === null) child.kill('SIGTERM')
    await exited
    fs.rmSync(cwd, { recursive: true, force: true })
  })

  let ready: any
  const deadline = Date.now() + 90_000
  while (Date.now() < deadline && child.exitCode === null) {
    ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.json(),
      () => undefined,
    )
    if (ready?.status === 'ready') break
    await new Promise((r) => setTimeout(r, 250))
  }
  t.match(ready, { status: 'ready', checks: { database: 'ok', queue: 'ok' }, queue_backend: 'postgres' }, output)
  t.ok(fs.existsSync(path.join(cwd, '.showrunner/postgres/PG_VERSION')), 'the cluster lives in the local data folder')

  child.kill('SIGTERM')
  t.equal(await exited, 0, 'SIGTERM shuts down cleanly')
  t.notOk(fs.existsSync(path.join(cwd, '.showrunner/postgres/postmaster.pid')), 'and stops its PostgreSQL')
})
