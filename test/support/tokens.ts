/**
 * Client-credentials tokens from POST /oauth/token: through `app.inject` for tests, over
 * real HTTP for benches (and anything else talking to a listening server).
 */
import type { FastifyInstance } from 'fastify'
import type { TenantCredentials } from './tenants.js'

function tokenFailed(status: number, body: string): Error {
  return new Error(`token request failed: ${status} ${body}`)
}

/** `body` is the rest of the token request: client_id and client_secret, scope, … */
export async function fetchTokenFromApp(app: FastifyInstance, body: Record<string, string>): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/oauth/token',
    payload: { grant_type: 'client_credentials', ...body },
  })
  if (res.statusCode !== 200) throw tokenFailed(res.statusCode, res.body)
  return res.json().access_token
}

/** POST `${baseUrl}/oauth/token` with client_secret_post. */
export async function fetchTokenOverHttp(
  baseUrl: string,
  credentials: Pick<TenantCredentials, 'clientId' | 'clientSecret'>,
  scope?: string,
): Promise<string> {
  const res = await fetch(`${baseUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      ...(scope ? { scope } : {}),
    }),
  })
  const body = await res.text()
  if (res.status !== 200) throw tokenFailed(res.status, body)
  return (JSON.parse(body) as { access_token: string }).access_token
}
