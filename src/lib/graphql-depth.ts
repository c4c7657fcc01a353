import { GraphQLError, Kind, type ASTVisitor, type SelectionSetNode, type ValidationContext } from 'graphql'

/** Introspection entry points; they and everything under them are not counted. */
const INTROSPECTION = new Set(['__schema', '__type'])

/**
 * A validation rule that refuses operations nested deeper than `limit`. It counts levels as
 * mercurius' own `queryDepth` did (a field or inline fragment is a level, a fragment spread
 * is replaced by its fragment), except that introspection is skipped: the standard
 * introspection query is about 13 levels deep and must work for every authenticated caller,
 * and its cost is bounded by the schema, not by the data.
 */
export function depthLimit(limit: number) {
  return (context: ValidationContext): ASTVisitor => {
    function depthOf(selectionSet: SelectionSetNode | undefined, visiting: Set<string>): number {
      let deepest = 0
      for (const selection of selectionSet?.selections ?? []) {
        if (selection.kind === Kind.FIELD) {
          if (INTROSPECTION.has(selection.name.value)) continue
          deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet, visiting))
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          deepest = Math.max(deepest, 1 + depthOf(selection.selectionSet, visiting))
        } else {
          const name = selection.name.value
          // A cycle of fragments is reported by graphql-js' own NoFragmentCycles rule.
          const fragment = context.getFragment(name)
          if (!fragment || visiting.has(name)) continue
          visiting.add(name)
          deepest = Math.max(deepest, depthOf(fragment.selectionSet, visiting))
          visiting.delete(name)
        }
      }
      return deepest
    }
    return {
      OperationDefinition(operation) {
        const depth = depthOf(operation.selectionSet, new Set())
        if (depth > limit)
          context.reportError(
            new GraphQLError(
              `The ${operation.name ? `operation ${operation.name.value}` : 'query'} is ${depth} levels deep; the limit is ${limit} (introspection is not counted).`,
              { nodes: operation },
            ),
          )
      },
    }
  }
}
