/**
 * Runs the real CLI as a child process, the way a user does: `node --import tsx src/cli.ts …`
 * (what `npm start` runs) or `npm start` itself, with only PATH, HOME, the ports and DATA_DIR
 * set, so no DATABASE_URL or REDIS_URL of the test environment leaks in.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const cli = path.join(root, 'src/cli.ts')
// An absolute loader: `--import tsx` resolves from the working directory, and tests run in temp folders.
const tsx = import.meta.resolve('tsx')

interface Teardown {
  teardown(fn: () => unknown): void
}

export const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = (srv.address() as net.AddressInfo) ?? { port: 0 }
      srv.close(() => resolve(port))
    })
  })

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export interface Place {
  dir: string
  dataDir: string
  pgdata: string
  env: Record<string, string>
}

/** A temp folder with its own DATA_DIR and free ports; removed (after its servers are stopped) at teardown. */
export async function place(t: Teardown, extra: Record<string, string> = {}): Promise<Place> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'showrunner-cli-'))
  const dataDir = path.join(dir, 'data')
  const pgdata = path.join(dataDir, 'postgres')
  const env: Record<string, string> = {
    PATH: process.env.PATH!,
    HOME: dir,
    PORT: String(await freePort()),
    EMBEDDED_PG_PORT: String(await freePort()),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ...extra,
  }
  t.teardown(() => {
    // A test that failed half-way may leave its PostgreSQL running: stop it before removing its folder.
    const pid = postmasterPid(pgdata)
    if (pid) {
      try {
        process.kill(pid, 'SIGQUIT')
      } catch {}
    }
    fs.rmSync(dir, { recursive: true, force: true })
  })
  return { dir, dataDir, pgdata, env }
}

export function postmasterPid(pgdata: string): number | undefined {
  try {
    return Number(fs.readFileSync(path.join(pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]) || undefined
  } catch {
    return undefined
  }
}

export interface Result {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** One CLI command to its end. */
export function run(p: Place, args: string[], timeoutMs = 60_000): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, cli, ...args], {
      cwd: p.dir,
      env: p.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`showrunner ${args.join(' ')} did not end within ${timeoutMs} ms\n${stdout}\n${stderr}`))
    }, timeoutMs)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
  })
}

export interface Server {
  child: ChildProcess
  url: string
  output: () => string
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Every process below the child, as seen now (PostgreSQL included: it is the app's child). */
  descendants(): number[]
}

/**
 * A long-running command in its own process group (detached), as a terminal runs a foreground
 * job: a signal to -pid reaches the group as Ctrl-C would. Teardown kills whatever is left.
 */
export function serve(
  t: Teardown,
  p: Place,
  how: { npm?: boolean; args?: string[]; env?: Record<string, string> } = {},
) {
  const env = { ...p.env, ...how.env }
  const child = how.npm
    ? spawn('npm', ['start', '--silent', '--prefix', root], {
        cwd: root,
        env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
    : spawn(process.execPath, ['--import', tsx, cli, ...(how.args ?? ['dev'])], {
        cwd: p.dir,
        env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  )
  const server: Server = {
    child,
    url: `http://127.0.0.1:${env.PORT}`,
    output: () => output,
    exited,
    descendants: () => descendantsOf(child.pid!),
  }
  t.teardown(async () => {
    const left = [child.pid!, ...server.descendants()]
    try {
      process.kill(-child.pid!, 'SIGKILL')
    } catch {}
    for (const pid of left)
      try {
        process.kill(pid, 'SIGKILL')
      } catch {}
    await Promise.race([exited, sleep(5000)])
  })
  return server
}

/** Waits until GET path answers 200, or the server exits, or the time is up. */
export async function waitFor(server: Server, route = '/healthz', ms = 90_000): Promise<boolean> {
  let done = false
  void server.exited.then(() => (done = true))
  const deadline = Date.now() + ms
  while (Date.now() < deadline && !done) {
    const ok = await fetch(`${server.url}${route}`).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) return true
    await sleep(200)
  }
  return false
}

function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>()
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)])
    } catch {}
  }
  const out: number[] = []
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c)
      walk(c)
    }
  }
  walk(pid)
  return out
}

/** Alive and not a zombie waiting for its parent to reap it. */
export function running(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

export async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** An organization with a client of the given scopes, made with `showrunner admin` (joining a running dev). */
export async function credentials(p: Place, scopes: string): Promise<{ id: string; secret: string }> {
  const org = await run(p, ['admin', 'create-org', '--kind', 'mcn', '--name', 'CLI test MCN'])
  if (org.code !== 0) throw new Error(`create-org: ${org.stderr}`)
  const orgId = JSON.parse(org.stdout).id as string
  const client = await run(p, ['admin', 'create-client', '--org', orgId, '--name', 'cli test', '--scopes', scopes])
  if (client.code !== 0) throw new Error(`create-client: ${client.stderr}`)
  const parsed = JSON.parse(client.stdout) as { client: { id: string }; client_secret: string }
  return { id: parsed.client.id, secret: parsed.client_secret }
}

export async function token(server: Server, c: { id: string; secret: string }): Promise<string> {
  const res = await fetch(`${server.url}/oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${c.id}:${c.secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  })
  if (!res.ok) throw new Error(`token: ${res.status} ${await res.text()}`)
  return ((await res.json()) as { access_token: string }).access_token
}
