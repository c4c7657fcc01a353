/**
 * @showrunner/sdk: the generated operations and types (src/generated, from the OpenAPI
 * document by @hey-api/openapi-ts) plus a small hand-written runtime (src/runtime).
 *
 *   const sr = new Showrunner({ baseUrl, clientId, clientSecret })
 *   const { data: app } = await getApp({ client: sr.client, path: { id } })
 *   for await (const event of sr.paginate(listEvents, { limit: 100 })) …
 */
export * from './generated/index.js'
export type { Client, Config as ClientConfig, RequestResult } from './generated/client/index.js'

export { Showrunner, type ShowrunnerOptions } from './runtime/showrunner.js'
export { ClientCredentials, type ClientCredentialsOptions, type TokenProvider } from './runtime/tokens.js'
export {
  OAuthError,
  ShowrunnerConnectionError,
  ShowrunnerError,
  ShowrunnerProblemError,
  type ProblemDetails,
} from './runtime/errors.js'
export {
  paginate,
  type ListPage,
  type PageFunction,
  type PageItem,
  type PageQuery,
  type PaginateOptions,
} from './runtime/pagination.js'
export { backoffDelay, parseRetryAfter, RETRYABLE_STATUSES, type RetryOptions } from './runtime/retry.js'
export {
  signWebhook,
  verifyWebhook,
  WEBHOOK_TOLERANCE_SECONDS,
  WebhookVerificationError,
  type VerifyWebhookOptions,
  type WebhookHeaders,
} from './runtime/webhooks.js'
