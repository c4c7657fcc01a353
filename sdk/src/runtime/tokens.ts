import type { TokenResponse } from '../generated/types.gen.js'
import { OAuthError, readError } from './errors.js'
import { resolveRetryOptions, sendWithRetries, type ResolvedRetryOptions, type RetryOptions } from './retry.js'

/** Where the runtime gets access tokens from; `ClientCredentials` is the usual one. */
export interface TokenProvider {
  /** A token that is valid now (cached until shortly before it expires). */
  getToken(): Promise<string>
  /** Forget `token` because the API refused it; the next `getToken()` fetches a new one. */
  invalidate(token: string): void
}

export interface ClientCredentialsOptions {
  /** Absolute URL of the token endpoint, e.g. https://api.example.com/oauth/token. */
  tokenUrl: string
  clientId: string
  clientSecret: string
  /** For an app's client: the installation (`ins_…`) to act in. */
  installationId?: string
  /** Scopes to ask for (a subset of the client's); default: all of them. */
  scope?: string | readonly string[]
  /** Default: the global fetch. */
  fetch?: typeof fetch
  /** Retries of the token request (429/503 and network errors). */
  retry?: RetryOptions
  /** Refresh this long before expiry (at most half the token's lifetime). Default 30 s. */
  refreshMarginMs?: number
  /** Clock in ms since the epoch; tests move it. */
  now?: () => number
  headers?: Record<string, string>
}

/** RFC 6749 §2.3.1: client id and secret are form-urlencoded before they are joined for HTTP Basic. */
const formEncode = (s: string) => encodeURIComponent(s).replace(/%20/g, '+')

/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4) with client_secret_basic. One token is
 * cached and shared; concurrent callers wait for the same request; it is refreshed before
 * it expires, and dropped when the API answers 401 to it.
 */
export class ClientCredentials implements TokenProvider {
  private cached: { token: string; refreshAt: number } | undefined
  private pending: Promise<string> | undefined
  private readonly now: () => number
  private readonly retry: ResolvedRetryOptions
  private readonly fetchImpl: typeof fetch

  constructor(private readonly o: ClientCredentialsOptions) {
    this.now = o.now ?? Date.now
    this.retry = resolveRetryOptions(o.retry)
    this.fetchImpl = o.fetch ?? ((input, init) => globalThis.fetch(input, init))
  }

  getToken(): Promise<string> {
    if (this.cached && this.now() < this.cached.refreshAt) return Promise.resolve(this.cached.token)
    this.pending ??= this.fetchToken().finally(() => {
      this.pending = undefined
    })
    return this.pending
  }

  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined
  }

  private async fetchToken(): Promise<string> {
    const body = new URLSearchParams({ grant_type: 'client_credentials' })
    const scope = typeof this.o.scope === 'string' ? this.o.scope : this.o.scope?.join(' ')
    if (scope) body.set('scope', scope)
    if (this.o.installationId) body.set('installation_id', this.o.installationId)
    const request = new Request(this.o.tokenUrl, {
      method: 'POST',
      headers: {
        ...this.o.headers,
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${formEncode(this.o.clientId)}:${formEncode(this.o.clientSecret)}`).toString('base64')}`,
      },
      body,
    })
    const issuedAt = this.now()
    // Asking again for a token has no effect beyond a new token, so network errors are retried too.
    const response = await sendWithRetries(request, {
      fetch: this.fetchImpl,
      retry: this.retry,
      idempotent: true,
      now: this.now,
    })
    if (!response.ok) throw await readError(response)
    const json = (await response.json()) as Partial<TokenResponse>
    if (typeof json.access_token !== 'string' || typeof json.expires_in !== 'number') {
      throw new OAuthError(
        response.status,
        'invalid_response',
        'The token endpoint answered without access_token and expires_in.',
        response.headers.get('request-id') ?? undefined,
      )
    }
    const lifetime = json.expires_in * 1000
    const margin = Math.min(this.o.refreshMarginMs ?? 30_000, lifetime / 2)
    this.cached = { token: json.access_token, refreshAt: issuedAt + lifetime - margin }
    return json.access_token
  }
}
