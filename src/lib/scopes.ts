/**
 * Scopes per resource and verb. Each module declares its own in its module definition
 * (src/modules/types.ts `defineModule`); routes declare the ones they need, and a route
 * that names an undeclared scope stops the app at boot.
 */
import type { Actor, Ctx } from './context.js'
import { AppError } from './errors.js'

const declared = new Map<string, { description: string; by: string }>()

/**
 * Every declared scope, sorted. A live array: schemas that list the scopes (identity's
 * ScopeName) keep a reference to it, and it is complete once the module list is imported.
 */
export const allScopes: string[] = []

export type Scope = string

export function declareScopes(by: string, scopes: Record<string, string>): void {
  for (const [scope, description] of Object.entries(scopes)) {
    if (!/^[a-z][a-z_-]*:(read|write)$/.test(scope)) throw new Error(`${by} declares a malformed scope ${scope}`)
    const other = declared.get(scope)
    if (other) throw new Error(`scope ${scope} is declared by ${other.by} and ${by}`)
    declared.set(scope, { description, by })
    allScopes.push(scope)
  }
  allScopes.sort()
}

/** Scope → description, for the OpenAPI security scheme. */
export function scopeDescriptions(): Record<string, string> {
  return Object.fromEntries(allScopes.map((s) => [s, declared.get(s)!.description]))
}

export function isScope(s: string): s is Scope {
  return declared.has(s)
}

export function hasScope(actor: Actor, scope: string): boolean {
  return actor.scopes.includes(scope)
}

export function assertScope(ctx: Ctx, scope: string): void {
  if (!hasScope(ctx.actor, scope))
    throw new AppError('insufficient_scope', `This operation needs the scope ${scope}.`, {
      extensions: { required_scope: scope },
    })
}

/** The `security` requirement for a route: an OAuth2 bearer token carrying these scopes. */
export function requireScopes(...required: Scope[]) {
  return [{ oauth2: required }]
}
