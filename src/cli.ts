#!/usr/bin/env node
import type { AddressInfo } from 'node:net'
import { parseArgs } from 'node:util'
import closeWithGrace from 'close-with-grace'
import { loadConfig, ConfigError, type Config } from './config.js'
import { buildApp } from './app.js'
import { startRuntime, startWorkers, type Runtime } from './runtime.js'
import { createLogger } from './lib/logger.js'
import { createClient, createOrganization, KeyStore } from './modules/identity/index.js'
import { allScopes, isScope, type Scope } from './lib/scopes.js'
import { describeDemo, seedDemo } from './seed.js'

const usage = `showrunner <command>

  dev [--seed]            API and workers in one process (embedded PostgreSQL by default);
                          --seed creates the demo data once and prints its credentials
  api                     the HTTP API only
  worker                  the queue workers only
  migrate                 apply database migrations
  admin create-org --kind mcn|provider|platform --name NAME
  admin create-client --org ORG_ID --name NAME [--scopes "a:read b:write"]
  admin rotate-signing-key [--lead-seconds N]
`

async function serve(config: Config, roles: { api: boolean; worker: boolean; seed?: boolean }) {
  const log = createLogger(config)
  const runtime = await startRuntime(config, log, { migrate: roles.api && roles.worker })
  const app = roles.api
    ? await buildApp({ config, database: runtime.database, queues: runtime.queues, logger: log })
    : undefined
  if (roles.worker) await startWorkers(runtime, log)

  // SIGTERM: stop taking requests, let in-flight requests and jobs finish, close pools.
  closeWithGrace({ delay: config.SHUTDOWN_TIMEOUT_MS, logger: log }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'shutting down after an error')
    else log.info({ signal }, 'shutting down')
    await app?.close()
    await runtime.close()
  })

  if (app) {
    await app.listen({ host: config.HOST, port: config.PORT })
    log.info(`docs at ${config.publicUrl}/docs, GraphQL at ${config.publicUrl}/graphql`)
    if (roles.seed) {
      const { port } = app.server.address() as AddressInfo
      const host = ['0.0.0.0', '::'].includes(config.HOST) ? 'localhost' : config.HOST
      const seeded = await seedDemo({ app, db: runtime.database.db, dataDir: config.DATA_DIR })
      process.stdout.write(describeDemo(seeded, `http://${host.includes(':') ? `[${host}]` : host}:${port}`))
    }
  }
}

async function admin(config: Config, args: string[]) {
  const log = createLogger(config, { level: 'warn' })
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      kind: { type: 'string' },
      name: { type: 'string' },
      org: { type: 'string' },
      scopes: { type: 'string' },
      'lead-seconds': { type: 'string' },
    },
  })
  const runtime: Runtime = await startRuntime(config, log, { migrate: true })
  try {
    const db = runtime.database.db
    switch (positionals[0]) {
      case 'create-org': {
        const kind = values.kind as 'mcn' | 'provider' | 'platform'
        if (!['mcn', 'provider', 'platform'].includes(kind) || !values.name)
          throw new Error('create-org needs --kind mcn|provider|platform and --name')
        console.log(JSON.stringify(await createOrganization(db, { kind, name: values.name }), null, 2))
        break
      }
      case 'create-client': {
        if (!values.org || !values.name) throw new Error('create-client needs --org and --name')
        const scopes = values.scopes?.split(/[\s,]+/).filter(Boolean)
        const bad = scopes?.filter((s) => !isScope(s)) ?? []
        if (bad.length) throw new Error(`unknown scopes: ${bad.join(', ')} (known: ${allScopes.join(' ')})`)
        console.log(
          JSON.stringify(
            await createClient(db, {
              organizationId: values.org,
              name: values.name,
              scopes: scopes as Scope[] | undefined,
            }),
            null,
            2,
          ),
        )
        break
      }
      case 'rotate-signing-key': {
        const keys = new KeyStore(db, {
          issuer: config.publicUrl,
          audience: config.publicUrl,
          tokenTtlSeconds: config.TOKEN_TTL_SECONDS,
        })
        console.log(JSON.stringify(await keys.rotate(Number(values['lead-seconds'] ?? 600)), null, 2))
        break
      }
      default:
        throw new Error(`unknown admin command ${positionals[0] ?? ''}\n\n${usage}`)
    }
  } finally {
    await runtime.close()
  }
}

async function main(argv: string[]) {
  const [command, ...rest] = argv
  const config = loadConfig()
  switch (command) {
    case 'dev':
      return serve(config, { api: true, worker: true, seed: rest.includes('--seed') })
    case 'api':
      return serve(config, { api: true, worker: false })
    case 'worker':
      return serve(config, { api: false, worker: true })
    case 'migrate': {
      const runtime = await startRuntime(config, createLogger(config), { migrate: true })
      await runtime.close()
      console.log('migrations applied')
      return
    }
    case 'admin':
      return admin(config, rest)
    default:
      process.stdout.write(usage)
      process.exitCode = command ? 2 : 0
  }
}

main(process.argv.slice(2)).catch((err) => {
  if (err instanceof ConfigError) console.error(err.message)
  else console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
