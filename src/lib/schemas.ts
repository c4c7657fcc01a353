import { Type, type Static, type TSchema } from 'typebox'
import { TypeID } from 'typeid-js'
import { AppError, notFound, problemTypes, toProblem, type Problem, type ProblemCode } from './errors.js'
import { encodeCursor } from './repository.js'

/**
 * Named, reusable schemas. Each has an `$id`, is registered once with `app.addSchema`
 * (see plugins/schemas.ts) and referenced with `ref()`, so the OpenAPI document and the
 * SDK carry real names instead of `def-0`.
 */
const registry = new Map<string, TSchema>()

export function named<T extends TSchema>(id: string, schema: T, example?: Static<T>): T & { $id: string } {
  if (registry.has(id)) throw new Error(`schema ${id} is declared twice`)
  // `examples` is a JSON Schema annotation: validation ignores it; the OpenAPI document shows it on the
  // schema and on every request and response that uses the schema (plugins/openapi.ts).
  const withId = { ...schema, $id: id, ...(example === undefined ? {} : { examples: [example] }) } as T & {
    $id: string
  }
  registry.set(id, withId)
  return withId
}

/** The route-schema keys under which `requestExamples()` and `responseExamples()` reach the OpenAPI document. */
export const REQUEST_EXAMPLES = 'x-request-examples'
export const RESPONSE_EXAMPLES = 'x-response-examples'

declare module 'fastify' {
  interface FastifySchema {
    [REQUEST_EXAMPLES]?: Record<string, unknown>
    [RESPONSE_EXAMPLES]?: Record<number, unknown>
  }
}

/**
 * Request examples per media type, for a body taken in several forms (an upload as CSV or as
 * JSON lines): spread into the route's schema. @fastify/swagger copies `x-` keys onto the
 * operation, and the openapi plugin moves them onto the media types. Validation never reads them.
 */
export function requestExamples(byMediaType: Record<string, unknown>) {
  return { [REQUEST_EXAMPLES]: byMediaType } as const
}

/**
 * Response examples per status, for an operation whose answer is a named schema in a particular
 * state (a revoked client, a queued job), where the schema's own example would mislead.
 */
export function responseExamples(byStatus: Record<number, unknown>) {
  return { [RESPONSE_EXAMPLES]: byStatus } as const
}

/** The example a named schema carries, for composing bigger examples (list envelopes) from it. */
export function exampleOf<T extends TSchema>(schema: T): Static<T> | undefined {
  return (schema as { examples?: Static<T>[] }).examples?.[0]
}

const EXAMPLE_EPOCH = Date.UTC(2026, 10, 28, 1, 0, 0)

/**
 * A fixed, well-formed id for examples: the same prefix and number give the same id in every
 * module, so a product example's `supplier_id` is the supplier example's `id`.
 */
export function exampleId(prefix: string, n = 1): string {
  // FNV-1a over the prefix and number, seeded three ways, fills the UUIDv7's random bits.
  const hex = (seed: number) => {
    let hash = seed
    for (const ch of `${prefix}:${n}`) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193) >>> 0
    return hash.toString(16).padStart(8, '0')
  }
  const bits = hex(0x811c9dc5) + hex(0x050c5d1f) + hex(0x2f9a8b3c)
  const time = (EXAMPLE_EPOCH + n * 60_000).toString(16).padStart(12, '0')
  const variant = ((Number.parseInt(bits[3]!, 16) & 3) | 8).toString(16)
  const uuid = `${time.slice(0, 8)}-${time.slice(8)}-7${bits.slice(0, 3)}-${variant}${bits.slice(4, 7)}-${bits.slice(7, 19)}`
  return TypeID.fromUUID(prefix, uuid).toString()
}

/** A `$ref` to a named schema that still carries its static type for handlers. */
export function ref<T extends TSchema & { $id: string }>(schema: T) {
  return Type.Unsafe<Static<T>>({ $ref: schema.$id })
}

export function namedSchemas(): TSchema[] {
  return [...registry.values()]
}

/** Request bodies never accept unknown properties (no mass assignment, no silent stripping). */
export function Body<T extends Parameters<typeof Type.Object>[0]>(properties: T, opts: { description?: string } = {}) {
  return Type.Object(properties, { additionalProperties: false, ...opts })
}

/** A closed set of string values, typed as their union (typebox cannot infer it from a mapped array). */
export function StringEnum<T extends string>(values: readonly T[], opts: { description?: string } = {}) {
  // `enum` rather than anyOf-of-consts: one clear validation error instead of one per value.
  return Type.Unsafe<T>({ type: 'string', enum: [...values], ...opts })
}

export const Timestamp = Type.String({ format: 'date-time', description: 'RFC 3339 time in UTC' })
export const Id = (prefix: string) =>
  Type.String({ pattern: `^${prefix}_[0-9a-z]{26}$`, description: `Identifier prefixed with \`${prefix}_\`` })

export const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 currency code' })
export const Money = named(
  'Money',
  Type.Object(
    {
      amount: Type.Integer({ minimum: 0, description: 'Amount in minor units (fen for CNY)' }),
      currency: Currency,
    },
    { additionalProperties: false, description: 'An amount of money in integer minor units' },
  ),
  { amount: 3990, currency: 'CNY' },
)

export const FieldErrorSchema = named(
  'FieldError',
  Type.Object({
    pointer: Type.String({ description: 'JSON Pointer to the offending input, e.g. /body/title' }),
    detail: Type.String(),
  }),
  { pointer: '/body/title', detail: 'must NOT have fewer than 1 characters' },
)

type ProblemExample = { summary: string; code: ProblemCode; detail: string; instance: string } & Pick<
  ConstructorParameters<typeof AppError>[2] & object,
  'errors' | 'extensions'
>

/**
 * Problems as the API answers them (built by the same toProblem), each under its code. The document
 * holds each once, in `components.examples` (openapi plugin), and the error responses refer to them.
 */
export const problemExamples: Record<string, { summary: string; value: Problem }> = {}
const problemExample = (example: ProblemExample) => {
  const { summary, code, detail, instance, ...opts } = example
  const name = code.replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase())
  problemExamples[name] = { summary, value: toProblem(new AppError(code, detail, opts), exampleId('req'), instance) }
  return [code, { $ref: `#/components/examples/${name}` }] as const
}
const exampleRefs = (...examples: ProblemExample[]) => Object.fromEntries(examples.map(problemExample))

const validationFailed: ProblemExample = {
  summary: 'A field fails validation',
  code: 'validation_failed',
  detail: 'The request has 2 invalid fields.',
  instance: '/v1/products',
  errors: [
    { pointer: '/body/list_price/amount', detail: 'must be integer' },
    { pointer: '/body/commission_rate', detail: 'must be <= 1' },
  ],
}

export const ProblemSchema = named(
  'Problem',
  Type.Object(
    {
      type: Type.String({ format: 'uri' }),
      title: Type.String(),
      status: Type.Integer(),
      detail: Type.String(),
      code: StringEnum(Object.keys(problemTypes) as ProblemCode[]),
      instance: Type.Optional(Type.String()),
      request_id: Type.Optional(Type.String()),
      errors: Type.Optional(Type.Array(ref(FieldErrorSchema))),
    },
    { additionalProperties: true, description: 'RFC 9457 problem details' },
  ),
  toProblem(
    new AppError('validation_failed', validationFailed.detail, validationFailed),
    exampleId('req'),
    validationFailed.instance,
  ),
)

const problemResponse = (description: string, examples: ReturnType<typeof exampleRefs>) => ({
  description,
  content: { 'application/problem+json': { schema: ref(ProblemSchema), examples } },
})

const productPath = `/v1/products/${exampleId('prd')}`

/** The shared error responses every operation spreads into its `response` map, each with what it looks like. */
export const errorResponses = {
  400: problemResponse(
    'The request is malformed or fails validation',
    exampleRefs(validationFailed, {
      summary: 'The body is not JSON',
      code: 'bad_request',
      detail: 'The body is not valid JSON.',
      instance: '/v1/products',
    }),
  ),
  401: problemResponse(
    'No valid access token',
    exampleRefs({
      summary: 'The token is missing, invalid or expired',
      code: 'unauthenticated',
      detail: 'The access token is invalid or expired.',
      instance: '/v1/products',
    }),
  ),
  403: problemResponse(
    'The token lacks a required scope',
    exampleRefs({
      summary: 'The token lacks the operation’s scope',
      code: 'insufficient_scope',
      detail: 'This operation needs the scope catalog:write.',
      instance: '/v1/products',
      extensions: { required_scope: 'catalog:write' },
    }),
  ),
  404: problemResponse(
    'The resource does not exist in the caller’s tenant',
    exampleRefs({
      summary: 'No such resource in this tenant',
      code: 'not_found',
      detail: notFound('product', exampleId('prd')).message,
      instance: productPath,
    }),
  ),
  409: problemResponse(
    'Conflicts with the current state, or an idempotent twin is still running',
    exampleRefs(
      {
        summary: 'Conflicts with the current state',
        code: 'conflict',
        detail: 'A product with external_id PUER-2019 exists already.',
        instance: '/v1/products',
        errors: [{ pointer: '/body/external_id', detail: 'is taken' }],
      },
      {
        summary: 'The first request with this Idempotency-Key is still running',
        code: 'idempotency_in_progress',
        detail: 'A request with this Idempotency-Key is still being processed; retry shortly.',
        instance: '/v1/products',
      },
    ),
  ),
  412: problemResponse(
    'If-Match does not match the current version',
    exampleRefs({
      summary: 'The resource changed since the ETag was read',
      code: 'precondition_failed',
      detail: 'The product has changed since version 3; fetch it again and retry with its new ETag.',
      instance: productPath,
    }),
  ),
  422: problemResponse(
    'The idempotency key was used with a different request, or the request breaks a rule',
    exampleRefs(
      {
        summary: 'The request breaks a rule',
        code: 'unprocessable',
        detail: 'The SKU price must be in the product’s currency CNY.',
        instance: `${productPath}/skus`,
        errors: [{ pointer: '/body/price/currency', detail: 'must be CNY' }],
      },
      {
        summary: 'The Idempotency-Key was used with another body',
        code: 'idempotency_key_reused',
        detail: 'This Idempotency-Key was used with a different request; use a new key for a new request.',
        instance: '/v1/products',
      },
    ),
  ),
  428: problemResponse(
    'If-Match is required for this update',
    exampleRefs({
      summary: 'The update was sent without If-Match',
      code: 'precondition_required',
      detail: 'This update needs If-Match with the ETag of the version you read, such as "3".',
      instance: productPath,
    }),
  ),
  429: problemResponse(
    'Rate limit exceeded',
    exampleRefs({
      summary: 'Too many requests in the window; see Retry-After',
      code: 'rate_limited',
      detail: 'Rate limit of 600 requests per 60 s exceeded; retry after 12 seconds.',
      instance: '/v1/products',
    }),
  ),
  500: problemResponse(
    'Unexpected error',
    exampleRefs({
      summary: 'Something broke on our side; quote the request_id',
      code: 'internal',
      detail: 'An unexpected error occurred. Quote the request id when you report it.',
      instance: '/v1/products',
    }),
  ),
} as const

export type ErrorStatus = keyof typeof errorResponses

/** Pick the shared error responses an operation can answer. */
export function errors(...statuses: ErrorStatus[]) {
  const all: ErrorStatus[] = [400, 401, 403, 429, 500, ...statuses]
  return Object.fromEntries([...new Set(all)].map((s) => [s, errorResponses[s]])) as Record<
    ErrorStatus,
    ReturnType<typeof problemResponse>
  >
}

export const PageQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'Page size, 1–200' })),
    cursor: Type.Optional(
      Type.String({ maxLength: 512, description: 'Opaque cursor from a previous page’s next_cursor' }),
    ),
  },
  { additionalProperties: false },
)

/**
 * A named list envelope: `{ data, next_cursor }`. Its example is a page holding the item's
 * example, with the cursor that page would carry.
 */
export function Page<T extends TSchema & { $id: string }>(item: T) {
  const example = exampleOf(item) as { id?: string } | undefined
  return named(
    `${item.$id}List`,
    Type.Object({
      data: Type.Array(ref(item)),
      next_cursor: Type.Union([Type.String(), Type.Null()], {
        description: 'Pass as `cursor` to get the next page; null on the last page',
      }),
    }),
    example && {
      data: [example as Static<T>],
      next_cursor: example.id ? encodeCursor(example.id) : null,
    },
  )
}

export const IdParams = (prefix: string) => Type.Object({ id: Id(prefix) }, { additionalProperties: false })

export const DateOnly = Type.String({ format: 'date', description: 'Calendar date, YYYY-MM-DD' })
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])
