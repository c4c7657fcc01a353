import type { Caller } from './helper.js'

/**
 * One creator per id prefix: makes a resource of that kind in the caller's tenant through
 * the public API and returns its id. The shared security suite (test/security.test.ts)
 * uses these to call every `{id}` route with another tenant's ids; a route whose prefix
 * has no creator here fails that suite, so every new resource must add one.
 */
export type FixtureCreator = (owner: Caller) => Promise<string>

export const fixtures: Record<string, FixtureCreator> = {}

export function registerFixture(prefix: string, create: FixtureCreator): void {
  fixtures[prefix] = create
}
