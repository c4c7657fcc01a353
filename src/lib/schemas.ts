import { Type, type Static, type TSchema } from 'typebox'
import { problemTypes, type ProblemCode } from './errors.js'

/**
 * Named, reusable schemas. Each has an `$id`, is registered once with `app.addSchema`
 * (see plugins/schemas.ts) and referenced with `ref()`, so the OpenAPI document and the
 * SDK carry real names instead of `def-0`.
 */
const registry = new Map<string, TSchema>()

export function named<T extends TSchema>(id: string, schema: T): T & { $id: string } {
  if (registry.has(id)) throw new Error(`schema ${id} is declared twice`)
  const withId = { ...schema, $id: id } as T & { $id: string }
  registry.set(id, withId)
  return withId
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
)

export const FieldErrorSchema = named(
  'FieldError',
  Type.Object({
    pointer: Type.String({ description: 'JSON Pointer to the offending input, e.g. /body/title' }),
    detail: Type.String(),
  }),
)

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
)

const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref(ProblemSchema) } },
})

/** The shared error responses every operation spreads into its `response` map. */
export const errorResponses = {
  400: problemResponse('The request is malformed or fails validation'),
  401: problemResponse('No valid access token'),
  403: problemResponse('The token lacks a required scope'),
  404: problemResponse('The resource does not exist in the caller’s tenant'),
  409: problemResponse('Conflicts with the current state, or an idempotent twin is still running'),
  412: problemResponse('If-Match does not match the current version'),
  422: problemResponse('The idempotency key was used with a different request, or the request breaks a rule'),
  428: problemResponse('If-Match is required for this update'),
  429: problemResponse('Rate limit exceeded'),
  500: problemResponse('Unexpected error'),
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

/** A named list envelope: `{ data, next_cursor }`. */
export function Page<T extends TSchema & { $id: string }>(item: T) {
  return named(
    `${item.$id}List`,
    Type.Object({
      data: Type.Array(ref(item)),
      next_cursor: Type.Union([Type.String(), Type.Null()], {
        description: 'Pass as `cursor` to get the next page; null on the last page',
      }),
    }),
  )
}

export const IdParams = (prefix: string) => Type.Object({ id: Id(prefix) }, { additionalProperties: false })

export const DateOnly = Type.String({ format: 'date', description: 'Calendar date, YYYY-MM-DD' })
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])
