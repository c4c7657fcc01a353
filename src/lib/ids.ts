import { typeid } from 'typeid-js'

/**
 * Resource ids are TypeIDs (`prd_01h…`): a prefix naming the kind, then a UUIDv7 in
 * base32, so ids sort by creation time and say what they point at. Each module declares
 * its kinds and prefixes in its module definition; a prefix belongs to one kind only.
 */
const prefixes = new Map<string, string>()
const owners = new Map<string, string>()

export type IdKind = string

export function declareIdPrefixes(by: string, kinds: Record<string, string>): void {
  for (const [kind, prefix] of Object.entries(kinds)) {
    if (!/^[a-z]{2,8}$/.test(prefix)) throw new Error(`${by} declares a malformed id prefix ${prefix}`)
    if (prefixes.has(kind)) throw new Error(`id kind ${kind} is declared twice (${by})`)
    const owner = owners.get(prefix)
    if (owner) throw new Error(`id prefix ${prefix} is declared by ${owner} and ${by}`)
    prefixes.set(kind, prefix)
    owners.set(prefix, by)
  }
}

export function idPrefixOf(kind: IdKind): string {
  const prefix = prefixes.get(kind)
  if (!prefix) throw new Error(`no module declares the id kind ${kind}`)
  return prefix
}

/** Prefix → the module that declared it (the security suite needs a fixture per prefix). */
export function declaredIdPrefixes(): Map<string, string> {
  return new Map(owners)
}

export function newId(kind: IdKind): string {
  return typeid(idPrefixOf(kind)).toString()
}
