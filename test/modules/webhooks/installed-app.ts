import type { FastifyInstance } from 'fastify'
import { callerFor, createTenant, fetchToken, type Caller } from '../../helper.js'

/** A provider app installed into `mcn` with `scopes`, and a caller holding its installation token. */
export async function installedApp(app: FastifyInstance, mcn: Caller, scopes: string[]) {
  const provider = await createTenant(app, { kind: 'provider' })
  const registered = (await provider.post('/v1/apps', { name: 'Order desk', requested_scopes: scopes })).json()
  const installation = (await mcn.post('/v1/installations', { app_id: registered.app.id, scopes })).json()
  const token = await fetchToken(app, {
    client_id: registered.client.id,
    client_secret: registered.client_secret,
    installation_id: installation.id,
  })
  const caller = callerFor(app, token, {
    organizationId: mcn.organizationId,
    clientId: registered.client.id,
    clientSecret: registered.client_secret,
  })
  return { caller, installationId: installation.id as string }
}
