import type { Ctx } from './context.js'
import { assertScope } from '../plugins/auth.js'
import type { Scope } from './scopes.js'

import type { MercuriusContext } from 'mercurius'

declare module 'mercurius' {
  interface MercuriusContext {
    /** The same context REST handlers pass to services. */
    ctx: Ctx
  }
}

export type GraphQLContext = MercuriusContext

/**
 * A resolver that checks a scope, then calls the same service method REST calls.
 * GraphQL has no logic of its own.
 */
export function resolver<A, R>(scope: Scope, fn: (ctx: Ctx, args: A) => Promise<R> | R) {
  return (_root: unknown, args: A, context: GraphQLContext) => {
    assertScope(context.ctx, scope)
    return fn(context.ctx, args)
  }
}

/** Page arguments shared by list fields: `first` (1–200) and `after` (a cursor). */
export const pageArgs = (args: { first?: number | null; after?: string | null }) => ({
  limit: Math.min(Math.max(args.first ?? 50, 1), 200),
  cursor: args.after ?? undefined,
})
