import fs from 'node:fs'
import t from 'tap'
import {
  buildSchema,
  graphql,
  getIntrospectionQuery,
  getNamedType,
  GraphQLEnumType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  parse,
  printSchema,
  specifiedRules,
  validate,
  type GraphQLOutputType,
  type GraphQLSchema,
} from 'graphql'
import { Type } from 'typebox'
import { modules } from '../../src/modules/index.js'
import { graphqlSchemaFor, PUBLIC_FIELDS, QUERY_DEPTH_LIMIT } from '../../src/plugins/graphql.js'
import { buildGraphQLSchema, graphqlType, loaderField, queryField } from '../../src/lib/graphql-schema.js'
import { depthLimit } from '../../src/lib/graphql-depth.js'
import { Money, namedSchemas, PageQuery, ref } from '../../src/lib/schemas.js'
import { Viewer } from '../../src/modules/identity/resolvers.js'
import { generateGraphqlSchema, graphqlSchemaPath } from '../../scripts/openapi.js'

type Json = Record<string, any>
const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/

/** Every named TypeBox schema by $id, plus the GraphQL-only Viewer. */
const sources = new Map<string, Json>([...namedSchemas(), Viewer].map((s: Json) => [s.$id as string, s]))
const loaderFields = new Map<string, Map<string, string>>()
for (const m of modules)
  for (const [type, fields] of Object.entries(m.graphql?.loaders ?? {}))
    for (const [field, def] of Object.entries(fields))
      loaderFields.set(type, (loaderFields.get(type) ?? new Map()).set(field, def.type.$id))

/**
 * Compares every GraphQL object type with the TypeBox schema it stands for, field by field,
 * written independently of the generator: names, scalar kind or enum values, lists, nullability.
 */
function differences(schema: GraphQLSchema): string[] {
  const found: string[] = []
  const visited = new Set<string>()
  const deref = (s: Json): Json => (typeof s.$ref === 'string' ? sources.get(s.$ref)! : s)
  const isUnknown = (s: Json) => s.type === undefined && !s.$ref && !s.enum && !s.anyOf && s.const === undefined

  function compareType(where: string, gql: GraphQLOutputType, raw: Json, required: boolean) {
    let s = raw
    let nullable = !required
    if (Array.isArray(s.anyOf) && s.anyOf.some((v: Json) => v.type === 'null')) {
      nullable = true
      const rest = s.anyOf.filter((v: Json) => v.type !== 'null')
      s = rest.length === 1 ? rest[0] : { anyOf: rest }
    }
    if (isUnknown(s)) nullable = true
    if (nullable === gql instanceof GraphQLNonNull)
      found.push(`${where}: ${nullable ? 'nullable' : 'non-null'} in TypeBox, ${gql} in GraphQL`)
    const inner = gql instanceof GraphQLNonNull ? gql.ofType : gql
    s = deref(s)
    if (s.type === 'array') {
      if (!(inner instanceof GraphQLList)) return void found.push(`${where}: an array in TypeBox, ${gql} in GraphQL`)
      return compareType(`${where}[]`, inner.ofType, s.items, true)
    }
    if (inner instanceof GraphQLList) return void found.push(`${where}: a list in GraphQL only`)
    const named = getNamedType(inner)
    const expected = Array.isArray(s.enum)
      ? s.enum.every((v: string) => GRAPHQL_NAME.test(v))
        ? 'enum'
        : 'String'
      : s.type === 'object' && s.properties && !s.patternProperties
        ? 'object'
        : isUnknown(s) || s.type === 'object' || s.anyOf
          ? 'JSON'
          : s.type === 'integer'
            ? 'Int'
            : s.type === 'number'
              ? 'Float'
              : s.type === 'boolean'
                ? 'Boolean'
                : s.type === 'string' || s.const !== undefined
                  ? where.endsWith('.id')
                    ? 'ID'
                    : 'String'
                  : `unsupported ${JSON.stringify(s)}`
    if (expected === 'enum') {
      if (!(named instanceof GraphQLEnumType))
        return void found.push(`${where}: an enum in TypeBox, ${named} in GraphQL`)
      const values = named.getValues().map((v) => v.value)
      if (JSON.stringify(values) !== JSON.stringify(s.enum))
        found.push(`${where}: values ${s.enum} in TypeBox, ${values} in GraphQL`)
      return
    }
    if (expected === 'object') {
      if (!(named instanceof GraphQLObjectType))
        return void found.push(`${where}: an object in TypeBox, ${named} in GraphQL`)
      if (s.$id && named.name !== s.$id) found.push(`${where}: ${s.$id} in TypeBox, ${named.name} in GraphQL`)
      return compareObject(named, s)
    }
    if (named.name !== expected) found.push(`${where}: ${expected} in TypeBox, ${named.name} in GraphQL`)
  }

  function compareObject(type: GraphQLObjectType, s: Json) {
    if (visited.has(type.name)) return
    visited.add(type.name)
    const fields = type.getFields()
    const loaders = loaderFields.get(type.name) ?? new Map<string, string>()
    for (const name of Object.keys(s.properties)) if (!fields[name]) found.push(`${type.name}.${name}: in TypeBox only`)
    for (const [name, field] of Object.entries(fields)) {
      if (loaders.has(name)) {
        if (getNamedType(field.type).name !== loaders.get(name))
          found.push(`${type.name}.${name}: not the loader's type`)
        continue
      }
      const property = s.properties[name]
      if (!property) found.push(`${type.name}.${name}: in GraphQL only`)
      else compareType(`${type.name}.${name}`, field.type, property, (s.required ?? []).includes(name))
    }
  }

  for (const type of Object.values(schema.getTypeMap()))
    if (type instanceof GraphQLObjectType && sources.has(type.name)) compareObject(type, sources.get(type.name)!)
  for (const type of Object.values(schema.getTypeMap()))
    if (
      type instanceof GraphQLObjectType &&
      type.name !== 'Query' &&
      !type.name.startsWith('__') &&
      !visited.has(type.name)
    )
      found.push(`${type.name}: no TypeBox schema stands for it`)
  return found
}

t.test('every GraphQL object type matches its TypeBox schema field by field', async (t) => {
  const { schema } = graphqlSchemaFor(modules)
  t.same(differences(schema), [])
  for (const name of ['Product', 'Supplier', 'SupplierContact', 'ReputationComponents', 'RecommendationList', 'Viewer'])
    t.ok(schema.getType(name), `${name} is exposed`)
  t.equal(String(schema.getQueryType()!.getFields().viewer!.type), 'Viewer!')

  // The comparison itself catches drift: each of these edits to the SDL is reported.
  const sdl = printSchema(schema)
  const drifted = {
    'Int → Float': sdl.replace('amount: Int!', 'amount: Float!'),
    'enum → String': sdl.replace('status: SupplierStatus!', 'status: String!'),
    'non-null → nullable': sdl.replace('micro: Boolean!', 'micro: Boolean'),
    'list → single': sdl.replace('contacts: [SupplierContact!]!', 'contacts: SupplierContact!'),
    'field removed': sdl.replace('client_id: String!', ''),
    'field renamed': sdl.replace('tenant_id: String!', 'tenantId: String!'),
  }
  for (const [change, text] of Object.entries(drifted)) {
    t.not(text, sdl, `${change} edits the SDL`)
    t.ok(differences(buildSchema(text)).length, `${change} is reported`)
  }
})

t.test('the committed SDL is what the modules produce', async (t) => {
  t.equal(fs.readFileSync(graphqlSchemaPath, 'utf8'), generateGraphqlSchema(), 'run `npm run openapi` and commit')
})

t.test('a field or loader without a scope cannot be declared', async (t) => {
  const unscoped = queryField({ type: Money, resolve: () => ({ amount: 1, currency: 'CNY' }) })
  t.throws(
    () => buildGraphQLSchema([{ query: { price: unscoped } }], { publicFields: [] }),
    /Query\.price declares no scope/,
  )
  t.throws(
    () => graphqlSchemaFor([...modules, { name: 'leaky', graphql: { query: { leakyPrice: unscoped } } }]),
    /Query\.leakyPrice declares no scope/,
    'the app schema refuses it too',
  )
  t.ok(buildGraphQLSchema([{ query: { price: unscoped } }], { publicFields: ['price'] }), 'unless listed as public')
  t.throws(
    () => buildGraphQLSchema([{ query: {} }], { publicFields: ['price'] }),
    /public field Query\.price does not exist/,
  )
  const Tagged = graphqlType('Tagged', Type.Object({ id: Type.String() }))
  t.throws(
    () =>
      buildGraphQLSchema(
        [
          {
            query: { tagged: queryField({ type: Tagged, scope: 'catalog:read', resolve: () => ({ id: 'x' }) }) },
            loaders: { Tagged: { price: loaderField(Tagged, { type: Money, load: async (_ctx, all) => all }) } },
          },
        ],
        { publicFields: [] },
      ),
    /loader Tagged\.price declares no scope/,
  )
  t.same(PUBLIC_FIELDS, ['viewer'])
})

t.test('depth limit: field and inline-fragment levels count, introspection does not', async (t) => {
  // A self-referencing type, so queries of any depth are valid.
  const Node = graphqlType(
    'Node',
    Type.Object({ id: Type.String(), parent: Type.Union([Type.Unsafe({ $ref: 'Node' }), Type.Null()]) }),
  )
  const { schema } = buildGraphQLSchema(
    [{ query: { node: queryField({ type: Node, scope: 'catalog:read', resolve: () => null }) } }],
    { publicFields: [] },
  )
  const errorsOf = (query: string) =>
    validate(schema, parse(query), [...specifiedRules, depthLimit(QUERY_DEPTH_LIMIT)]).map((e) => e.message)
  const nested = (levels: number) => `{ node ${'{ parent '.repeat(levels - 2)}{ id }${' }'.repeat(levels - 2)} }`
  t.same(errorsOf(nested(8)), [], '8 levels pass')
  t.match(errorsOf(nested(9)), [/is 9 levels deep; the limit is 8/], '9 levels are refused')
  t.match(
    errorsOf(
      `query Deep { node { ...P } } fragment P on Node { parent { parent { parent { parent { parent { parent { parent { id } } } } } } } }`,
    ),
    [/operation Deep is 9 levels deep/],
    'fragment spreads are followed',
  )
  t.same(errorsOf(getIntrospectionQuery()), [], 'the standard introspection query passes')
  t.same(
    errorsOf(
      `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } }`,
    ),
    [],
    'however deep it goes',
  )
  t.match(errorsOf(`{ __typename ${nested(9).slice(1)}`), [/9 levels deep/], 'beside introspection, fields still count')
})

t.test(
  'arguments: pages as first/after, clamped to the schema’s bounds, objects as inputs, scope checked first',
  async (t) => {
    const Priced = graphqlType('Priced', Type.Object({ price: ref(Money), seen: Type.Unknown() }))
    const PricedList = graphqlType(
      'PricedList',
      Type.Object({ data: Type.Array(ref(Priced)), next_cursor: Type.Union([Type.String(), Type.Null()]) }),
    )
    const calls: unknown[] = []
    const { schema } = buildGraphQLSchema(
      [
        {
          types: [Priced],
          query: {
            priced: queryField({
              type: PricedList,
              args: Type.Object({ ...PageQuery.properties, price: Type.Optional(ref(Money)) }),
              page: true,
              scope: 'catalog:read',
              resolve: (_ctx, args) => {
                calls.push(args)
                return { data: args.price ? [{ price: args.price, seen: args }] : [], next_cursor: null }
              },
            }),
          },
        },
      ],
      { publicFields: [] },
    )
    const sdl = printSchema(schema)
    t.match(
      sdl,
      /priced\(\s+"""Page size, 1–200"""\s+first: Int = 50[\s\S]*after: String\s+price: MoneyInput\s+\): PricedList!/,
    )
    t.match(sdl, /input MoneyInput \{[\s\S]*amount: Int![\s\S]*currency: String!\s+\}/)

    const run = (scopes: string[], source: string) =>
      // Only the actor's scopes are read before the resolver runs; the rest of Ctx is not needed here.
      graphql({ schema, source, contextValue: { ctx: { actor: { scopes } } as never } })
    const answered = await run(
      ['catalog:read'],
      '{ priced(first: 1000, after: null, price: { amount: 5, currency: "CNY" }) { data { price { amount } seen } } }',
    )
    t.equal(answered.errors, undefined)
    t.same(calls, [{ limit: 200, price: { amount: 5, currency: 'CNY' } }], 'REST’s names, nulls dropped, first clamped')
    t.same(answered.data, { priced: { data: [{ price: { amount: 5 }, seen: calls[0] }] } })
    await run(['catalog:read'], '{ priced(first: 0) { next_cursor } }')
    t.same(calls[1], { limit: 1 })

    const refused = await run(['events:read'], '{ priced { next_cursor } }')
    t.match(refused.errors, [{ message: /needs the scope catalog:read/ }])
    t.equal(calls.length, 2, 'the resolver did not run')
  },
)
