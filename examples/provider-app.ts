/**
 * A third-party provider's app, end to end: the provider registers the app, an MCN
 * installs it granting some scopes, and the app then works inside that MCN's account with
 * an installation token — here it reads the MCN's audit log.
 *
 *   SHOWRUNNER_URL=http://localhost:3000 \
 *   PROVIDER_CLIENT_ID=cli_… PROVIDER_CLIENT_SECRET=sk_… \
 *   MCN_CLIENT_ID=cli_… MCN_CLIENT_SECRET=sk_… \
 *   npx tsx examples/provider-app.ts
 *
 * Against the demo (`npm run demo`) no variables are needed: without them the credentials of
 * its provider and MCN are read from `$DATA_DIR/demo-credentials.json` (DATA_DIR defaults to
 * .showrunner, as for the server). Otherwise create the two organizations and clients as the
 * platform through POST /v1/organizations (README, "First credentials").
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  createInstallation,
  deleteInstallation,
  listAuditLog,
  registerApp,
  Showrunner,
  ShowrunnerProblemError,
} from '../sdk/src/index.js'

export interface ProviderAppOptions {
  baseUrl: string
  provider: { clientId: string; clientSecret: string }
  mcn: { clientId: string; clientSecret: string }
  log?: (line: string) => void
}

/** The demo's provider and MCN clients, as `showrunner dev --seed` saved them; undefined when there is no demo. */
export function readDemoCredentials(dataDir = process.env.DATA_DIR ?? '.showrunner') {
  const file = path.join(dataDir, 'demo-credentials.json')
  if (!fs.existsSync(file)) return undefined
  const saved = JSON.parse(fs.readFileSync(file, 'utf8'))
  const client = (c: { client_id: string; client_secret: string }) => ({
    clientId: c.client_id,
    clientSecret: c.client_secret,
  })
  return { provider: client(saved.provider), mcn: client(saved.mcn) }
}

export async function runProviderApp(opts: ProviderAppOptions) {
  const log = opts.log ?? console.log
  const provider = new Showrunner({ baseUrl: opts.baseUrl, ...opts.provider })
  const mcn = new Showrunner({ baseUrl: opts.baseUrl, ...opts.mcn })

  const { data: registered } = await registerApp({
    client: provider.client,
    body: {
      name: 'Audience insights',
      description: 'Reads what changed in your account',
      requested_scopes: ['audit:read', 'events:read'],
    },
  })
  log(`provider registered ${registered.app.id}; its client is ${registered.client.id}`)

  const { data: installation } = await createInstallation({
    client: mcn.client,
    body: { app_id: registered.app.id, scopes: ['audit:read'] },
  })
  log(`MCN installed it as ${installation.id}, granting ${installation.granted_scopes.join(', ')}`)

  // The app's own client, acting in the MCN's account with only what was granted.
  const app = new Showrunner({
    baseUrl: opts.baseUrl,
    clientId: registered.client.id,
    clientSecret: registered.client_secret,
    installationId: installation.id,
  })
  const actions: string[] = []
  for await (const entry of app.paginate(listAuditLog, { limit: 50 }))
    actions.push(`${entry.action} ${entry.resource.id}`)
  log(`the app sees ${actions.length} audit entries in the MCN's account, e.g. ${actions[0]}`)

  await deleteInstallation({ client: mcn.client, path: { id: installation.id } })
  try {
    await listAuditLog({ client: app.client })
    throw new Error('the app could still call after being uninstalled')
  } catch (err) {
    if (!(err instanceof ShowrunnerProblemError) && !(err instanceof Error && err.name === 'OAuthError')) throw err
    log(`after uninstalling, the app is refused: ${err.message}`)
  }
  return { appId: registered.app.id, installationId: installation.id, auditEntries: actions.length }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const env = (name: string) => {
    const value = process.env[name]
    if (value !== undefined) return value
    console.error(`set ${name}, or run the demo (npm run demo) so its credentials are on file`)
    process.exit(2)
  }
  const demo = process.env.PROVIDER_CLIENT_ID ? undefined : readDemoCredentials()
  await runProviderApp({
    baseUrl: process.env.SHOWRUNNER_URL ?? `http://localhost:${process.env.PORT ?? 3000}`,
    provider: demo?.provider ?? { clientId: env('PROVIDER_CLIENT_ID'), clientSecret: env('PROVIDER_CLIENT_SECRET') },
    mcn: demo?.mcn ?? { clientId: env('MCN_CLIENT_ID'), clientSecret: env('MCN_CLIENT_SECRET') },
  })
}
