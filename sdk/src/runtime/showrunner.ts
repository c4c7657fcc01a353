import { randomUUID } from 'node:crypto'
import { createClient, createConfig, type Client } from '../generated/client/index.js'
import { errorFromResponse, ShowrunnerConnectionError, ShowrunnerError } from './errors.js'
import { paginate, type PageFunction, type PageItem, type PageQuery, type PaginateOptions } from './pagination.js'
import { resolveRetryOptions, sendWithRetries, type ResolvedRetryOptions, type RetryOptions } from './retry.js'
import { ClientCredentials, type TokenProvider } from './tokens.js'

export interface ShowrunnerOptions extends RetryOptions {
  /** The API's origin, e.g. https://api.showrunner.dev (no /v1: operation paths include it). */
  baseUrl: string
  /** OAuth client credentials, sent to POST /oauth/token with HTTP Basic. */
  clientId?: string
  clientSecret?: string
  /** For an app's client: the installation (`ins_…`) whose account the calls act in. */
  installationId?: string
  /** Scopes to request (a subset of the client's); default: all of them. */
  scope?: string | readonly string[]
  /** Supply tokens another way instead of clientId/clientSecret. */
  tokenProvider?: TokenProvider
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch
  /** Headers sent with every request, e.g. a user-agent of your app. */
  headers?: Record<string, string>
  /** Refresh tokens this long before they expire. Default 30 s. */
  refreshMarginMs?: number
  /** Clock in ms since the epoch, for tests. */
  now?: () => number
}

/**
 * A configured Showrunner API client. The generated operation functions take it as
 * `{ client: sr.client }`; its transport adds what the generator does not:
 *
 * - an access token from POST /oauth/token, cached, refreshed before it expires, and
 *   fetched anew once when the API answers 401;
 * - retries of 429 and 503 honouring Retry-After (else capped exponential backoff with
 *   jitter), and of network errors for idempotent requests;
 * - an `Idempotency-Key` (a random UUID) on every POST that has none, the same on each
 *   retry of that call, so a retried create is never applied twice;
 * - typed errors: `ShowrunnerProblemError` (RFC 9457 body and request id), `OAuthError`,
 *   `ShowrunnerConnectionError`.
 */
export class Showrunner {
  /** The hey-api fetch client to pass to generated operations: `listApps({ client: sr.client })`. */
  readonly client: Client
  readonly tokens: TokenProvider
  private readonly retry: ResolvedRetryOptions
  private readonly fetchImpl: typeof fetch
  private readonly now: () => number

  constructor(options: ShowrunnerOptions) {
    const baseUrl = options.baseUrl.replace(/\/+$/, '')
    this.retry = resolveRetryOptions(options)
    this.now = options.now ?? Date.now
    const base = options.fetch ?? globalThis.fetch
    this.fetchImpl = (input, init) => base(input, init)
    if (options.tokenProvider) {
      this.tokens = options.tokenProvider
    } else {
      if (!options.clientId || !options.clientSecret)
        throw new TypeError('Showrunner needs clientId and clientSecret (or a tokenProvider)')
      this.tokens = new ClientCredentials({
        tokenUrl: `${baseUrl}/oauth/token`,
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        ...(options.installationId !== undefined ? { installationId: options.installationId } : {}),
        ...(options.scope !== undefined ? { scope: options.scope } : {}),
        ...(options.refreshMarginMs !== undefined ? { refreshMarginMs: options.refreshMarginMs } : {}),
        ...(options.headers ? { headers: options.headers } : {}),
        fetch: this.fetchImpl,
        retry: options,
        now: this.now,
      })
    }

    this.client = createClient(
      createConfig({
        baseUrl,
        throwOnError: true,
        ...(options.headers ? { headers: options.headers } : {}),
        // Operations that declare security get `Authorization: Bearer <token>`; public ones don't.
        auth: () => this.tokens.getToken(),
        fetch: (input) => this.send(input instanceof Request ? input : new Request(input)),
      }),
    )
    this.client.interceptors.error.use((error, response) => {
      if (error instanceof ShowrunnerError) return error
      if (!response) {
        if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) return error
        return new ShowrunnerConnectionError(
          `Could not reach ${baseUrl}: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        )
      }
      return errorFromResponse(error, response)
    })
  }

  /** The transport under every generated operation: idempotency key, token refresh on 401, retries. */
  private async send(request: Request): Promise<Response> {
    if (request.method.toUpperCase() === 'POST' && !request.headers.has('idempotency-key')) {
      request.headers.set('idempotency-key', randomUUID())
    }
    return sendWithRetries(request, {
      fetch: this.fetchImpl,
      retry: this.retry,
      now: this.now,
      onUnauthorized: async (req) => {
        const sent = req.headers.get('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1]
        if (!sent) return undefined
        this.tokens.invalidate(sent)
        const fresh = await this.tokens.getToken()
        return fresh === sent ? undefined : `Bearer ${fresh}`
      },
    })
  }

  /** A valid access token, for calls the SDK does not cover (e.g. GraphQL). */
  accessToken(): Promise<string> {
    return this.tokens.getToken()
  }

  /**
   * Every item of a cursor-paginated list, fetching pages as the loop needs them:
   * `for await (const app of sr.paginate(listApps, { limit: 50 })) …`.
   */
  paginate<F extends PageFunction<unknown, never>>(
    fn: F,
    query?: PageQuery<F>,
    options?: PaginateOptions,
  ): AsyncGenerator<PageItem<F>, void, undefined> {
    return paginate(this.client, fn, query, options)
  }
}
