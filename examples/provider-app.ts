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
 * (Create the two organizations and clients with `showrunner admin create-org` /
 * `create-client`, or as the platform through POST /v1/organizations.)
 */
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
    console.error(`set ${name}`)
    process.exit(2)
  }
  await runProviderApp({
    baseUrl: process.env.SHOWRUNNER_URL ?? 'http://localhost:3000',
    provider: { clientId: env('PROVIDER_CLIENT_ID'), clientSecret: env('PROVIDER_CLIENT_SECRET') },
    mcn: { clientId: env('MCN_CLIENT_ID'), clientSecret: env('MCN_CLIENT_SECRET') },
  })
}
