/**
 * GraphQL types generated from the named TypeBox schemas REST validates and documents,
 * so the two surfaces cannot drift: a field added to `Product` appears in both.
 *
 * Mapping (JSON Schema as TypeBox emits it → GraphQL):
 * - `integer` → Int, `number` → Float, `boolean` → Boolean, `string` → String; a property
 *   named `id` → ID. Money amounts are integers in minor units and map to Int: the amounts
 *   exposed are prices and commissions, far below Int's 2^31 − 1 fen (about ¥21 million), and
 *   an amount that ever exceeded it fails with a field error instead of returning a wrong number.
 * - A string enum → a GraphQL enum named after the owning type and field (`SupplyPoolAccess`),
 *   or after the name a module registers for a shared enum (`BrandTier`). An enum whose values
 *   are not GraphQL names (scopes such as `catalog:read`) stays String, so clients see the same
 *   strings as REST; its values are listed in the description.
 * - Required and not a union with null → non-null; optional or nullable → nullable. Arrays →
 *   lists of non-null items.
 * - A `$ref` or an object with an `$id` → the object type of that name (list envelopes such as
 *   `ProductList` included); an anonymous nested object → a type named after its owner and field
 *   (`ReputationComponents`; array items take the singular, `InspectionDefect`).
 * - `Type.Unknown()`, records and unions of several types → the `JSON` scalar (nullable for
 *   Unknown, which admits null).
 */
import {
  GraphQLBoolean,
  GraphQLEnumType,
  GraphQLFloat,
  GraphQLID,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLSchema,
  GraphQLString,
  valueFromASTUntyped,
  type GraphQLFieldConfig,
  type GraphQLFieldConfigArgumentMap,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLNullableType,
  type GraphQLType,
  type GraphQLOutputType,
} from 'graphql'
import type { Static, TObject, TSchema } from 'typebox'
import type { MercuriusContext } from 'mercurius'
import type { Ctx } from './context.js'
import type { Scope } from './scopes.js'
import { namedSchemas } from './schemas.js'
import { assertScope } from './scopes.js'

/** A TypeBox schema as the JSON Schema it is at runtime. */
type Json = { [key: string]: unknown }
function json(schema: TSchema): Json {
  // TypeBox schemas are plain JSON Schema objects at runtime; its static types do not say so.
  return schema as unknown as Json
}
export type NamedSchema = TSchema & { $id: string }

/** A Query field: its result type and arguments come from TypeBox schemas, its answer from a service. */
export interface QueryFieldDef {
  type: NamedSchema
  /** By-id lookups are nullable, so a not-found error leaves the rest of the response intact. */
  nullable?: boolean
  /** Each property becomes an argument, with the property's type, default and description. */
  args?: TObject
  /**
   * A cursor-paginated list: the args schema's `limit` and `cursor` are offered as `first` and
   * `after` (GraphQL's usual names) and handed back to `resolve` as `limit` and `cursor`.
   */
  page?: boolean
  /** Checked before `resolve`; only fields on the builder's public list may leave it out. */
  scope?: Scope
  description?: string
  resolve: (ctx: Ctx, args: never) => unknown
}

/** A field added to a generated object type and answered by a batching loader. */
export interface LoaderDef {
  type: NamedSchema
  nullable?: boolean
  scope?: Scope
  description?: string
  /** Gets the parent objects of one batch; answers one value per parent, in the same order. */
  load: (ctx: Ctx, parents: never[]) => Promise<unknown[]>
}

/** What a module contributes to the GraphQL schema; declared in its `resolvers.ts`. */
export interface GraphQLContribution {
  /** Named schemas exposed as object types even when no field reaches them. */
  types?: NamedSchema[]
  /** Names for enums shared by several types (matched by their values), e.g. `{ BrandTier }`. */
  enums?: Record<string, TSchema>
  query: Record<string, QueryFieldDef>
  /** Per generated type name, the fields answered by a loader. */
  loaders?: Record<string, Record<string, LoaderDef>>
}

/** A typed Query field: `resolve` receives the arguments as the args schema describes them. */
export function queryField<A extends TObject = TObject>(def: {
  type: NamedSchema
  nullable?: boolean
  args?: A
  page?: boolean
  scope?: Scope
  description?: string
  resolve: (ctx: Ctx, args: Static<A>) => unknown
}): QueryFieldDef {
  return def
}

/** A typed loader field: `load` receives the parents as their schema describes them. */
export function loaderField<P extends TSchema>(
  _parent: P,
  def: {
    type: NamedSchema
    nullable?: boolean
    scope?: Scope
    description?: string
    load: (ctx: Ctx, parents: Static<P>[]) => Promise<unknown[]>
  },
): LoaderDef {
  return def
}

/**
 * A schema named for GraphQL only. It is not registered with `named()`, so REST's OpenAPI
 * document does not list it.
 */
export function graphqlType<T extends TSchema>(id: string, schema: T): T & { $id: string } {
  return { ...schema, $id: id }
}

export const JSONScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value, as REST answers it',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
})

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/

const pascal = (s: string) =>
  s
    .split(/[^0-9A-Za-z]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('')
const singular = (s: string) => (s.endsWith('s') && !s.endsWith('ss') ? s.slice(0, -1) : s)

const isNull = (s: Json) => s.type === 'null'
const variants = (s: Json) => (Array.isArray(s.anyOf) ? (s.anyOf as Json[]) : undefined)
/** The schema without its `| null` branch, and whether it had one. */
function withoutNull(s: Json): { core: Json; nullable: boolean } {
  const anyOf = variants(s)
  if (!anyOf || !anyOf.some(isNull)) return { core: s, nullable: false }
  const rest = anyOf.filter((v) => !isNull(v))
  return { core: rest.length === 1 ? rest[0]! : { anyOf: rest }, nullable: true }
}
const isObject = (s: Json) => s.type === 'object' && typeof s.properties === 'object' && !s.patternProperties
/** `Type.Unknown()`: no constraint at all, so null is one of its values. */
const isUnknown = (s: Json) =>
  s.type === undefined && s.$ref === undefined && s.enum === undefined && s.const === undefined && !variants(s)
const isJson = (s: Json) => isUnknown(s) || (s.type === 'object' && !isObject(s)) || variants(s) !== undefined
const enumValues = (s: Json) =>
  Array.isArray(s.enum) && s.enum.every((v) => typeof v === 'string') ? (s.enum as string[]) : undefined

export interface BuiltGraphQLSchema {
  schema: GraphQLSchema
  /** Mercurius loaders, each wrapped with its scope check. */
  loaders: Record<string, Record<string, (queries: { obj: unknown }[], context: MercuriusContext) => Promise<unknown>>>
}

/**
 * Builds the executable schema. Fails closed: a Query field or loader without a declared scope
 * throws, naming it, unless the field is on `publicFields`.
 */
export function buildGraphQLSchema(
  contributions: GraphQLContribution[],
  opts: { publicFields: string[] },
): BuiltGraphQLSchema {
  const byId = new Map<string, Json>()
  for (const s of namedSchemas()) byId.set(json(s).$id as string, json(s))
  const extraNamed = (s: NamedSchema) => {
    const known = byId.get(s.$id)
    if (known && known !== json(s)) throw new Error(`GraphQL: two different schemas are named ${s.$id}`)
    byId.set(s.$id, json(s))
  }
  for (const c of contributions) {
    for (const t of c.types ?? []) extraNamed(t)
    for (const f of Object.values(c.query)) extraNamed(f.type)
    for (const fields of Object.values(c.loaders ?? {})) for (const l of Object.values(fields)) extraNamed(l.type)
  }

  const enumNames = new Map<string, string>()
  for (const c of contributions)
    for (const [name, schema] of Object.entries(c.enums ?? {})) {
      const values = enumValues(json(schema))
      if (!values) throw new Error(`GraphQL: enum ${name} is not a string enum`)
      const key = JSON.stringify(values)
      const known = enumNames.get(key)
      if (known && known !== name) throw new Error(`GraphQL: enum values ${key} are named both ${known} and ${name}`)
      enumNames.set(key, name)
    }

  const loaderFields = new Map<string, Record<string, LoaderDef>>()
  for (const c of contributions)
    for (const [typeName, fields] of Object.entries(c.loaders ?? {})) {
      const all = loaderFields.get(typeName) ?? {}
      for (const [field, def] of Object.entries(fields)) {
        if (all[field]) throw new Error(`GraphQL: ${typeName}.${field} is declared twice`)
        if (!def.scope) throw new Error(`GraphQL: loader ${typeName}.${field} declares no scope`)
        all[field] = def
      }
      loaderFields.set(typeName, all)
    }

  const named = new Map<string, GraphQLNamedType>([['JSON', JSONScalar]])
  const anonymous = new WeakMap<Json, GraphQLObjectType>()
  /** The schema each object type was made from, so one name never stands for two shapes. */
  const origin = new Map<string, Json>()
  const anonymousInputs = new WeakMap<Json, GraphQLInputObjectType>()
  const claim = <T extends GraphQLNamedType>(type: T): T => {
    if (named.has(type.name)) throw new Error(`GraphQL: the type name ${type.name} is produced twice`)
    named.set(type.name, type)
    return type
  }
  const resolveRef = (s: Json): Json => {
    if (typeof s.$ref !== 'string') return s
    const target = byId.get(s.$ref)
    if (!target) throw new Error(`GraphQL: no named schema ${s.$ref}`)
    return target
  }

  function enumType(values: string[], name: string, description?: string): GraphQLEnumType {
    const existing = named.get(name)
    if (existing) {
      if (
        existing instanceof GraphQLEnumType &&
        JSON.stringify(existing.getValues().map((v) => v.value)) === JSON.stringify(values)
      )
        return existing
      throw new Error(`GraphQL: the type name ${name} is produced twice`)
    }
    return claim(
      new GraphQLEnumType({
        name,
        description,
        values: Object.fromEntries(values.map((v) => [v, { value: v }])),
      }),
    )
  }

  /** The GraphQL type of a leaf or nested schema, before nullability. */
  function baseType(raw: Json, owner: string, field: string, input: boolean): GraphQLNullableType {
    const s = resolveRef(raw)
    const values = enumValues(s)
    if (values) {
      if (!values.every((v) => GRAPHQL_NAME.test(v))) return GraphQLString
      const name = enumNames.get(JSON.stringify(values)) ?? `${owner}${pascal(field)}`
      return enumType(values, name, s.description as string | undefined)
    }
    if (s.type === 'array') {
      const item = s.items as Json
      const { core, nullable } = withoutNull(item)
      const t = baseType(core, owner, singular(field), input)
      return new GraphQLList(nullable || isUnknown(core) ? t : new GraphQLNonNull(t))
    }
    if (isObject(s)) {
      const name = (s.$id as string | undefined) ?? `${owner}${pascal(field)}`
      // Input and output types cannot share a name: inputs take an `Input` suffix.
      return input ? inputObject(s, name) : objectType(s, name)
    }
    if (isJson(s)) return JSONScalar
    if (s.type === 'integer') return GraphQLInt
    if (s.type === 'number') return GraphQLFloat
    if (s.type === 'boolean') return GraphQLBoolean
    if (s.type === 'string') return field === 'id' ? GraphQLID : GraphQLString
    throw new Error(`GraphQL: ${owner}.${field} has a schema GraphQL cannot express: ${JSON.stringify(s)}`)
  }

  /** Nullability from the parent's `required` list and a `| null` branch. */
  function fieldType(raw: Json, required: boolean, owner: string, field: string, input: boolean): GraphQLType {
    const { core, nullable } = withoutNull(raw)
    const t = baseType(core, owner, field, input)
    // Unknown admits null, so such a field is nullable whatever its parent says.
    const canBeNull = !required || nullable || isUnknown(core)
    return canBeNull ? t : new GraphQLNonNull(t)
  }
  // baseType only builds object types for outputs and input objects for inputs, so the
  // narrowing below holds by construction (graphql-js has one GraphQLType for both).
  const outputField = (raw: Json, required: boolean, owner: string, field: string) =>
    fieldType(raw, required, owner, field, false) as GraphQLOutputType
  const inputField = (raw: Json, required: boolean, owner: string, field: string) =>
    fieldType(raw, required, owner, field, true) as GraphQLInputType

  function describe(s: Json): string | undefined {
    const { core } = withoutNull(s)
    const d = (s.description ?? core.description) as string | undefined
    const v = enumValues(core.type === 'array' ? resolveRef(withoutNull(core.items as Json).core) : resolveRef(core))
    if (v && !v.every((x) => GRAPHQL_NAME.test(x))) return [d, `One of: ${v.join(', ')}.`].filter(Boolean).join(' ')
    return d
  }

  function objectType(s: Json, name: string): GraphQLObjectType {
    const seen = anonymous.get(s) ?? (origin.get(name) === s ? named.get(name) : undefined)
    if (seen) return seen as GraphQLObjectType
    const required = new Set((s.required as string[] | undefined) ?? [])
    const properties = s.properties as Record<string, Json>
    const type: GraphQLObjectType = claim(
      new GraphQLObjectType({
        name,
        description: s.description as string | undefined,
        fields: () => {
          const fields: Record<string, GraphQLFieldConfig<unknown, unknown>> = {}
          for (const [field, schema] of Object.entries(properties))
            fields[field] = {
              type: outputField(schema, required.has(field), name, field),
              description: describe(schema),
            }
          for (const [field, def] of Object.entries(loaderFields.get(name) ?? {})) {
            if (fields[field]) throw new Error(`GraphQL: loader ${name}.${field} hides a schema field`)
            fields[field] = { type: outputOf(def), description: def.description }
          }
          return fields
        },
      }),
    )
    origin.set(name, s)
    if (!s.$id) anonymous.set(s, type)
    return type
  }

  function inputObject(s: Json, base: string): GraphQLInputObjectType {
    const name = `${base}Input`
    const seen = anonymousInputs.get(s) ?? (origin.get(name) === s ? named.get(name) : undefined)
    if (seen) return seen as GraphQLInputObjectType
    const required = new Set((s.required as string[] | undefined) ?? [])
    const type = claim(
      new GraphQLInputObjectType({
        name,
        description: s.description as string | undefined,
        fields: () =>
          Object.fromEntries(
            Object.entries(s.properties as Record<string, Json>).map(([field, schema]) => [
              field,
              {
                type: inputField(schema, required.has(field) && schema.default === undefined, base, field),
                defaultValue: schema.default,
                description: describe(schema),
              },
            ]),
          ),
      }),
    )
    origin.set(name, s)
    anonymousInputs.set(s, type)
    return type
  }

  function outputOf(def: { type: NamedSchema; nullable?: boolean }): GraphQLOutputType {
    const s = byId.get(def.type.$id)!
    if (!isObject(s)) throw new Error(`GraphQL: ${def.type.$id} is not an object schema`)
    const t = objectType(s, def.type.$id)
    return def.nullable ? t : new GraphQLNonNull(t)
  }

  function argsOf(fieldName: string, def: QueryFieldDef) {
    const schema: Json = def.args ? json(def.args) : { properties: {}, required: [] }
    let properties = schema.properties as Record<string, Json>
    let renamed: Record<string, string> = {}
    if (def.page) {
      const { limit, cursor, ...filters } = properties
      if (!limit || !cursor)
        throw new Error(`GraphQL: Query.${fieldName} is a page but its args have no limit and cursor`)
      properties = { first: limit, after: cursor, ...filters }
      renamed = { first: 'limit', after: 'cursor' }
    }
    const required = new Set((schema.required as string[] | undefined) ?? [])
    // A page's filters are named after its items' type, so `products(status:)` takes the
    // same ProductStatus enum as `Product.status`.
    const items = (byId.get(def.type.$id)?.properties as Record<string, Json> | undefined)?.data?.items as Json
    const owner = def.page && typeof items?.$ref === 'string' ? items.$ref : `${pascal(fieldName)}Args`
    const args: GraphQLFieldConfigArgumentMap = {}
    for (const [arg, s] of Object.entries(properties)) {
      const isRequired = required.has(renamed[arg] ?? arg) && s.default === undefined
      args[arg] = {
        type: inputField(s, isRequired, owner, arg),
        defaultValue: s.default,
        description: describe(s),
      }
    }
    /** GraphQL's arguments as the service takes them: REST's names, nulls dropped, integers clamped. */
    const toService = (given: Record<string, unknown>) => {
      const out: Record<string, unknown> = {}
      for (const [arg, value] of Object.entries(given)) {
        if (value === null || value === undefined) continue
        const s = properties[arg]!
        // Out-of-range page sizes are clamped, as REST clients get from `limit`'s bounds.
        const clamped =
          typeof value === 'number' && s.type === 'integer'
            ? Math.min(Math.max(value, (s.minimum as number) ?? -Infinity), (s.maximum as number) ?? Infinity)
            : value
        out[renamed[arg] ?? arg] = clamped
      }
      return out
    }
    return { args, toService }
  }

  const publicFields = new Set(opts.publicFields)
  const queryFields: Record<string, GraphQLFieldConfig<unknown, MercuriusContext>> = {}
  for (const c of contributions)
    for (const [name, def] of Object.entries(c.query)) {
      if (queryFields[name]) throw new Error(`GraphQL: Query.${name} is declared twice`)
      if (!def.scope && !publicFields.has(name))
        throw new Error(`GraphQL: Query.${name} declares no scope and is not on the public list`)
      const { args, toService } = argsOf(name, def)
      // queryField typed `resolve` by the args schema, which the arguments built from it satisfy.
      const resolve = def.resolve as (ctx: Ctx, args: unknown) => unknown
      const scope = def.scope
      queryFields[name] = {
        type: outputOf(def),
        args,
        description: def.description,
        resolve: (_root, given, context) => {
          if (scope) assertScope(context.ctx, scope)
          return resolve(context.ctx, toService(given as Record<string, unknown>))
        },
      }
    }
  for (const name of publicFields)
    if (!queryFields[name]) throw new Error(`GraphQL: public field Query.${name} does not exist`)

  const query = new GraphQLObjectType({ name: 'Query', fields: queryFields })
  const types = contributions.flatMap((c) => c.types ?? []).map((t) => objectType(byId.get(t.$id)!, t.$id))
  const schema = new GraphQLSchema({ query, types })
  // Building the type map runs every `fields` thunk, so a loader on an unknown type is caught now.
  for (const typeName of loaderFields.keys())
    if (!(schema.getType(typeName) instanceof GraphQLObjectType))
      throw new Error(`GraphQL: loaders are declared on ${typeName}, which is not an object type`)

  const loaders: BuiltGraphQLSchema['loaders'] = {}
  for (const [typeName, fields] of loaderFields) {
    loaders[typeName] = {}
    for (const [field, def] of Object.entries(fields)) {
      // loaderField typed `load` by the parent's schema, which is what the parent type was built from.
      const load = def.load as (ctx: Ctx, parents: unknown[]) => Promise<unknown[]>
      const scope = def.scope!
      loaders[typeName][field] = async (queries, context) => {
        assertScope(context.ctx, scope)
        return load(
          context.ctx,
          queries.map((q) => q.obj),
        )
      }
    }
  }
  return { schema, loaders }
}
