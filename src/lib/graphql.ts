import type { Ctx } from './context.js'
import type { MercuriusContext } from 'mercurius'

declare module 'mercurius' {
  interface MercuriusContext {
    /** The same context REST handlers pass to services. */
    ctx: Ctx
  }
}

export type GraphQLContext = MercuriusContext

export { graphqlType, loaderField, queryField, type GraphQLContribution } from './graphql-schema.js'
