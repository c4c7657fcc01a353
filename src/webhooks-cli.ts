/**
 * `showrunner webhooks listen|trigger`: a client of a running server's public API, with a
 * client's credentials, like any integration. It needs no database, so it loads none of the
 * app; deliveries are verified with `standardwebhooks`, the library the server signs with.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook, WebhookVerificationError } from 'standardwebhooks'

export interface ApiOptions {
  url: string
  clientId: string
  clientSecret: string
  installationId?: string
}

/** An API answer other than 2xx, with the problem's detail (what to change) when it has one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(detail)
  }
}

/** fetch's own message is "fetch failed"; what happened (refused, unknown host) is its cause. */
const why = (err: unknown) => {
  const cause = err instanceof Error ? err.cause : undefined
  return cause instanceof Error ? cause.message : err instanceof Error ? err.message : String(err)
}

/** Bearer tokens from POST /oauth/token, fetched again shortly before they expire (a listen may run for hours). */
function apiClient(opts: ApiOptions) {
  const base = opts.url.replace(/\/+$/, '')
  let token: { value: string; until: number } | undefined
  const reach = async (url: string, init: RequestInit) => {
    try {
      return await fetch(url, init)
    } catch (err) {
      throw new Error(`cannot reach ${base} (${why(err)}); is the server running?`)
    }
  }
  const getToken = async () => {
    if (token && Date.now() < token.until) return token.value
    const form = new URLSearchParams({ grant_type: 'client_credentials' })
    if (opts.installationId) form.set('installation_id', opts.installationId)
    const res = await reach(`${base}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${opts.clientId}:${opts.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: form,
    })
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>
    if (!res.ok)
      throw new ApiError(res.status, `token refused: ${body.error_description ?? body.error ?? `HTTP ${res.status}`}`)
    const ttl = Number(body.expires_in ?? 300)
    token = { value: String(body.access_token), until: Date.now() + Math.max(ttl - 30, ttl / 2) * 1000 }
    return token.value
  }
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await reach(`${base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await getToken()}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {}
    if (!res.ok)
      throw new ApiError(res.status, `${method} ${path}: ${parsed.detail ?? parsed.title ?? `HTTP ${res.status}`}`)
    return parsed as T
  }
}

interface Delivery {
  id: string
  type: string
  occurred_at: string
  resource: { type: string; id: string; version: number }
  sample?: boolean
}

export interface ListenOptions extends ApiOptions {
  events: string[]
  port: number
  forwardTo?: string
  json: boolean
  out?: (line: string) => void
  err?: (line: string) => void
}

const WEBHOOK_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature']

/**
 * Receives on 127.0.0.1 through a temporary endpoint, until SIGINT or SIGTERM; then the
 * endpoint is deleted, so a stopped listener leaves nothing behind that would fail and retry.
 */
export async function listen(opts: ListenOptions): Promise<void> {
  const out = opts.out ?? ((l) => process.stdout.write(`${l}\n`))
  const err = opts.err ?? ((l) => process.stderr.write(`${l}\n`))
  const api = apiClient(opts)
  let verifier: Webhook | undefined
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => void receive(req, Buffer.concat(chunks).toString('utf8'), res))
  })

  async function receive(req: http.IncomingMessage, body: string, res: http.ServerResponse) {
    if (req.method !== 'POST') return void res.writeHead(405).end()
    // Not registered yet (no secret to verify with): a non-2xx, so the server tries again.
    if (!verifier) return void res.writeHead(503, { 'retry-after': '1' }).end()
    const headers = Object.fromEntries(WEBHOOK_HEADERS.map((h) => [h, String(req.headers[h] ?? '')]))
    let event: Delivery
    try {
      event = verifier.verify(body, headers) as Delivery
    } catch (e) {
      const reason = e instanceof WebhookVerificationError ? e.message : `not JSON: ${(e as Error).message}`
      err(`rejected a delivery that does not verify with this endpoint's secret (${reason})`)
      return void res.writeHead(400).end('bad signature')
    }
    const r = event.resource
    out(
      opts.json
        ? JSON.stringify(event, null, 2)
        : `${new Date().toISOString()}  ${event.type}  ${event.id}  ${r.type}/${r.id} v${r.version}${event.sample ? '  (sample)' : ''}`,
    )
    // Answered before forwarding: the server's 15 s limit is not spent waiting on the forward.
    res.writeHead(204).end()
    if (opts.forwardTo) {
      try {
        const answer = await fetch(opts.forwardTo, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body,
          signal: AbortSignal.timeout(15_000),
        })
        await answer.arrayBuffer()
        out(`  ${event.id} -> ${opts.forwardTo} ${answer.status}`)
      } catch (e) {
        out(`  ${event.id} -> ${opts.forwardTo} failed: ${why(e)}`)
      }
    }
  }

  // Caught from the start: a Ctrl-C while the endpoint is being registered still deletes it once it exists.
  const stopping = new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port, '127.0.0.1', () => resolve())
  })
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  let endpoint: { id: string; secret: string }
  try {
    endpoint = await api<{ endpoint: { id: string }; secret: string }>('POST', '/v1/webhook-endpoints', {
      url,
      event_types: opts.events,
      description: 'showrunner webhooks listen (temporary: deleted when it stops)',
    }).then((r) => ({ id: r.endpoint.id, secret: r.secret }))
  } catch (e) {
    server.close()
    if (e instanceof ApiError && e.status === 422 && /refused/.test(e.detail))
      throw new Error(
        `${e.detail}\nThe server delivers to localhost only in development mode (NODE_ENV=development, which \`showrunner dev\` uses); listen needs such a server.`,
      )
    throw e
  }
  verifier = new Webhook(endpoint.secret)
  err(`Listening for ${opts.events.join(' ')} on ${url} through endpoint ${endpoint.id}; Ctrl-C to stop.`)
  // What forwarded deliveries verify with: they keep the signature made with this secret.
  err(`Signing secret of this endpoint: ${endpoint.secret}`)

  await stopping
  server.close()
  server.closeAllConnections()
  await api('DELETE', `/v1/webhook-endpoints/${endpoint.id}`)
  err(`Deleted endpoint ${endpoint.id}.`)
}

/** Emits a sample of `type` (POST /v1/webhook-samples); the server delivers it to every endpoint subscribed to it. */
export async function trigger(opts: ApiOptions & { type: string }): Promise<{ id: string; type: string }> {
  return apiClient(opts)<{ id: string; type: string }>('POST', '/v1/webhook-samples', { type: opts.type })
}
