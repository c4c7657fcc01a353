#!/usr/bin/env node
import { parseArgs, type ParseArgsConfig } from 'node:util'
import type { AddressInfo } from 'node:net'
import { loadConfig, ConfigError, type Config } from './config.js'
import type { Runtime } from './runtime.js'
import { onShutdown } from './shutdown.js'
import { createLogger } from './lib/logger.js'
import { allScopes, isScope, type Scope } from './lib/scopes.js'

// The app, its modules and the database layers load only for the command that needs them, so
// `--help` and a mistyped command answer at once.
const runtimeModule = () => import('./runtime.js')
const identity = () => import('./modules/identity/index.js')

const usage = `showrunner <command>

  dev [--seed]            API and workers in one process (embedded PostgreSQL by default);
                          --seed creates the demo data once and prints its credentials
  api                     the HTTP API only
  worker                  the queue workers only
  migrate [--init]        apply database migrations
  admin <command>         provisioning on the database host (showrunner admin --help)
  webhooks <command>      receive and trigger webhooks on a running server (showrunner webhooks --help)
  help                    this text

Without DATABASE_URL, dev/api/worker start the embedded PostgreSQL in DATA_DIR (default
.showrunner) on EMBEDDED_PG_PORT (default 54329), creating it on first start; migrate and
admin use that cluster (joining a running dev, or starting and stopping it) and create a new
one only with --init.
`

const adminUsage = `showrunner admin <command> [--init]

  create-org --kind mcn|provider|platform --name NAME
  create-client --org ORG_ID --name NAME [--scopes "a:read b:write"]
  rotate-signing-key [--lead-seconds N]

  --init    create the embedded cluster if DATA_DIR holds none (otherwise an error)
`

const webhooksUsage = `showrunner webhooks <command>

  listen [--events TYPES] [--forward-to URL] [--port N] [--json]
        receive deliveries on 127.0.0.1 through a temporary endpoint (deleted on Ctrl-C);
        prints each verified delivery (time, type, id, resource; --json the whole body) and
        POSTs it, headers and body unchanged, to --forward-to. TYPES: comma or space
        separated types or wildcards (default *). The server must be in development mode.
  trigger TYPE
        emit a sample event of TYPE (sample: true) to the endpoints subscribed to it

  Credentials: SHOWRUNNER_URL (default http://localhost:3000), SHOWRUNNER_CLIENT_ID,
  SHOWRUNNER_CLIENT_SECRET, SHOWRUNNER_INSTALLATION_ID (an app's client), or --url,
  --client-id, --client-secret, --installation-id. The client needs webhooks:write.
`

/** Wrong arguments: usage on stderr, exit 2. */
class UsageError extends Error {
  constructor(
    message: string,
    readonly text = usage,
  ) {
    super(message)
  }
}

const isHelp = (arg: string | undefined) => arg === '--help' || arg === '-h' || arg === 'help'

function usageOf<T>(text: string, fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err), text)
  }
}

function parse<const O extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: O, text: string) {
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true }>>
  try {
    parsed = parseArgs({ args, options, strict: true })
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err), text)
  }
  return parsed
}

async function serve(config: Config, roles: { api: boolean; worker: boolean; seed?: boolean }) {
  const log = createLogger(config)
  const { startRuntime, startWorkers } = await runtimeModule()
  const { buildApp } = await import('./app.js')
  let runtime: Runtime | undefined
  let app: Awaited<ReturnType<typeof buildApp>> | undefined

  // Installed before anything starts, so a Ctrl-C during start-up also ends in order. The order
  // matters: no new requests, in-flight requests and running jobs finish, then the pools and
  // queue connections close, and the embedded PostgreSQL (its own session, so Ctrl-C does not
  // reach it) stops last.
  onShutdown({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS, log }, async () => {
    const server = app
    if (server) {
      // close() ends the connections idle at that moment; one whose request is still in flight
      // becomes idle (keep-alive) only after its answer, so it is swept again until all are gone.
      const sweep = setInterval(() => server.server.closeIdleConnections(), 100)
      await server.close().finally(() => clearInterval(sweep))
    }
    await runtime?.close()
  })

  runtime = await startRuntime(config, log, {
    migrate: roles.api && roles.worker,
    embedded: { mode: 'server', create: true },
  })
  if (roles.api) app = await buildApp({ config, database: runtime.database, queues: runtime.queues, logger: log })
  if (roles.worker) await startWorkers(runtime, log)
  if (app) {
    await app.listen({ host: config.HOST, port: config.PORT })
    log.info(`docs at ${config.publicUrl}/docs, GraphQL at ${config.publicUrl}/graphql`)
    if (roles.seed) {
      const { seedDemo, describeDemo } = await import('./seed.js')
      const { port } = app.server.address() as AddressInfo
      const host = ['0.0.0.0', '::'].includes(config.HOST) ? 'localhost' : config.HOST
      const seeded = await seedDemo({ app, db: runtime.database.db, dataDir: config.DATA_DIR })
      process.stdout.write(describeDemo(seeded, `http://${host.includes(':') ? `[${host}]` : host}:${port}`))
    }
  }
}

/** Runs one short command on the runtime and always closes it, so the process ends by itself. */
async function withRuntime<T>(config: Config, init: boolean, fn: (runtime: Runtime) => Promise<T>): Promise<T> {
  const { startRuntime } = await runtimeModule()
  const runtime = await startRuntime(config, createLogger(config, { level: 'warn' }), {
    migrate: true,
    embedded: { mode: 'command', create: init },
  })
  try {
    return await fn(runtime)
  } finally {
    await runtime.close()
  }
}

async function admin(config: Config, args: string[]) {
  const [command, ...rest] = args
  if (command === undefined || isHelp(command) || rest.some(isHelp)) {
    process.stdout.write(adminUsage)
    return
  }
  const { values } = parse(
    rest,
    {
      kind: { type: 'string' },
      name: { type: 'string' },
      org: { type: 'string' },
      scopes: { type: 'string' },
      'lead-seconds': { type: 'string' },
      init: { type: 'boolean' },
    },
    adminUsage,
  )
  const print = (value: unknown) => console.log(JSON.stringify(value, null, 2))
  const init = values.init === true
  switch (command) {
    case 'create-org': {
      const kind = values.kind
      if ((kind !== 'mcn' && kind !== 'provider' && kind !== 'platform') || typeof values.name !== 'string')
        throw new UsageError('create-org needs --kind mcn|provider|platform and --name NAME', adminUsage)
      const name = values.name
      const { createOrganization } = await identity()
      return print(await withRuntime(config, init, (r) => createOrganization(r.database.db, { kind, name })))
    }
    case 'create-client': {
      const { org, name } = values
      if (typeof org !== 'string' || typeof name !== 'string')
        throw new UsageError('create-client needs --org ORG_ID and --name NAME', adminUsage)
      const scopes = typeof values.scopes === 'string' ? values.scopes.split(/[\s,]+/).filter(Boolean) : undefined
      const { createClient } = await identity()
      await import('./modules/index.js') // every module declares its scopes as it loads
      const bad = scopes?.filter((s) => !isScope(s)) ?? []
      if (bad.length)
        throw new UsageError(`unknown scopes: ${bad.join(', ')} (known: ${allScopes.join(' ')})`, adminUsage)
      return print(
        await withRuntime(config, init, (r) =>
          createClient(r.database.db, { organizationId: org, name, scopes: scopes as Scope[] | undefined }),
        ),
      )
    }
    case 'rotate-signing-key': {
      const lead = Number(values['lead-seconds'] ?? 600)
      if (!Number.isInteger(lead) || lead < 0)
        throw new UsageError('--lead-seconds takes a whole number of seconds', adminUsage)
      const { KeyStore } = await identity()
      return print(
        await withRuntime(config, init, (r) =>
          new KeyStore(r.database.db, {
            issuer: config.publicUrl,
            audience: config.publicUrl,
            tokenTtlSeconds: config.TOKEN_TTL_SECONDS,
          }).rotate(lead),
        ),
      )
    }
    default:
      throw new UsageError(`unknown admin command ${command}`, adminUsage)
  }
}

async function webhooks(args: string[]) {
  const [command, ...rest] = args
  if (command === undefined || isHelp(command) || rest.some(isHelp)) {
    process.stdout.write(webhooksUsage)
    return
  }
  const { values, positionals } = usageOf(webhooksUsage, () =>
    parseArgs({
      args: rest,
      options: {
        url: { type: 'string' },
        'client-id': { type: 'string' },
        'client-secret': { type: 'string' },
        'installation-id': { type: 'string' },
        events: { type: 'string' },
        'forward-to': { type: 'string' },
        port: { type: 'string' },
        json: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: command === 'trigger',
    }),
  )
  const env = process.env
  const clientId = values['client-id'] ?? env.SHOWRUNNER_CLIENT_ID
  const clientSecret = values['client-secret'] ?? env.SHOWRUNNER_CLIENT_SECRET
  if (command !== 'listen' && command !== 'trigger')
    throw new UsageError(`unknown webhooks command ${command}`, webhooksUsage)
  if (!clientId || !clientSecret)
    throw new UsageError(
      'set SHOWRUNNER_CLIENT_ID and SHOWRUNNER_CLIENT_SECRET (or --client-id, --client-secret)',
      webhooksUsage,
    )
  const installationId = values['installation-id'] ?? env.SHOWRUNNER_INSTALLATION_ID
  const api = {
    url: values.url ?? env.SHOWRUNNER_URL ?? 'http://localhost:3000',
    clientId,
    clientSecret,
    ...(installationId ? { installationId } : {}),
  }
  const cli = await import('./webhooks-cli.js')
  if (command === 'trigger') {
    const [type, ...more] = positionals
    if (type === undefined || more.length) throw new UsageError('trigger takes one event TYPE', webhooksUsage)
    const event = await cli.trigger({ ...api, type })
    console.log(`sample ${event.type} emitted as ${event.id}; it goes to every endpoint subscribed to ${event.type}`)
    return
  }
  const port = Number(values.port ?? 0)
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError('--port takes a port number', webhooksUsage)
  const forwardTo = values['forward-to']
  if (forwardTo !== undefined && !URL.canParse(forwardTo))
    throw new UsageError(`--forward-to ${forwardTo} is not a URL`, webhooksUsage)
  const events = (values.events ?? '*').split(/[\s,]+/).filter(Boolean)
  await cli.listen({ ...api, events, port, json: values.json === true, ...(forwardTo ? { forwardTo } : {}) })
}

async function main(argv: string[]) {
  const [command, ...rest] = argv
  if (command === undefined || isHelp(command)) {
    process.stdout.write(usage)
    return
  }
  const known = ['dev', 'api', 'worker', 'migrate', 'admin', 'webhooks']
  if (!known.includes(command)) throw new UsageError(`unknown command ${command}`)
  // A client of a running server: no configuration of its own to load.
  if (command === 'webhooks') return webhooks(rest)
  if (command !== 'admin' && rest.some(isHelp)) {
    process.stdout.write(usage)
    return
  }
  const config = loadConfig()
  switch (command) {
    case 'dev': {
      const { values } = parse(rest, { seed: { type: 'boolean' } }, usage)
      return serve(config, { api: true, worker: true, seed: values.seed === true })
    }
    case 'api':
      parse(rest, {}, usage)
      return serve(config, { api: true, worker: false })
    case 'worker':
      parse(rest, {}, usage)
      return serve(config, { api: false, worker: true })
    case 'migrate': {
      const { values } = parse(rest, { init: { type: 'boolean' } }, usage)
      await withRuntime(config, values.init === true, async () => {})
      console.log('migrations applied')
      return
    }
    case 'admin':
      return admin(config, rest)
  }
}

/*
 * Success ends the process by itself (exit 0) once every connection is closed; nothing here
 * calls process.exit on that path, so a handle left open would show as a hang in the CLI tests.
 * A failure prints one line, without a stack: the message says what to change.
 */
main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) {
    process.stderr.write(`showrunner: ${err.message}\n\n${err.text}`)
    process.exit(2)
  }
  const message = err instanceof ConfigError ? err.message : err instanceof Error ? err.message : String(err)
  console.error(`showrunner: ${message}`)
  process.exit(1)
})
