import { randomFillSync } from 'node:crypto'

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

/*
 * The UUIDv7s are made here rather than by typeid-js: an ingest batch needs a thousand at once,
 * and typeid-js spends ~5 µs on each (a UUID object, a 16-byte array, the encode, then a decode
 * to validate what it just encoded). Same layout as typeid-js' generator (uuid's v7, RFC 9562
 * §6.2 method 1): 48 bits of Unix milliseconds, then a 31-bit counter that starts at a random
 * value each millisecond and is incremented for every id (on overflow the millisecond field is
 * moved on), then 59 random bits. So ids of one process are strictly increasing, also inside one
 * millisecond, and every suffix is one typeid-js parses back to the same UUID.
 */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'
const RANDOM_POOL = 4096
const pool = Buffer.allocUnsafe(RANDOM_POOL)
let poolAt = RANDOM_POOL
let lastMs = 0
let counter = 0

/** Where ten fresh random bytes start in a pool refilled 4 KiB at a time. */
function randomAt(): number {
  if (poolAt + 10 > RANDOM_POOL) {
    randomFillSync(pool)
    poolAt = 0
  }
  const at = poolAt
  poolAt += 10
  return at
}

function uuidV7Suffix(): string {
  const now = Date.now()
  const r = randomAt()
  if (now > lastMs) {
    lastMs = now
    counter = pool.readUInt32BE(r) & 0x7fffffff
  } else if (++counter > 0x7fffffff) {
    counter = 0
    lastMs++
  }
  const b = uuidBytes
  const ms = lastMs
  b[0] = (ms / 0x10000000000) & 0xff
  b[1] = (ms / 0x100000000) & 0xff
  b[2] = (ms / 0x1000000) & 0xff
  b[3] = (ms / 0x10000) & 0xff
  b[4] = (ms / 0x100) & 0xff
  b[5] = ms & 0xff
  // version 7, then the counter's top 12 bits; the variant, then its low 19 bits; then random.
  b[6] = 0x70 | ((counter >>> 27) & 0x0f)
  b[7] = (counter >>> 19) & 0xff
  b[8] = 0x80 | ((counter >>> 13) & 0x3f)
  b[9] = (counter >>> 5) & 0xff
  b[10] = ((counter << 3) & 0xf8) | (pool[r + 4]! & 0x07)
  b[11] = pool[r + 5]!
  b[12] = pool[r + 6]!
  b[13] = pool[r + 7]!
  b[14] = pool[r + 8]!
  b[15] = pool[r + 9]!
  return base32(b)
}
const uuidBytes = new Uint8Array(16)

/** TypeID's base32: 26 characters for 128 bits, the first holding the top 2 bits (so 0–7). */
function base32(b: Uint8Array): string {
  const a = ALPHABET
  return (
    a[(b[0]! & 224) >> 5]! +
    a[b[0]! & 31]! +
    a[(b[1]! & 248) >> 3]! +
    a[((b[1]! & 7) << 2) | ((b[2]! & 192) >> 6)]! +
    a[(b[2]! & 62) >> 1]! +
    a[((b[2]! & 1) << 4) | ((b[3]! & 240) >> 4)]! +
    a[((b[3]! & 15) << 1) | ((b[4]! & 128) >> 7)]! +
    a[(b[4]! & 124) >> 2]! +
    a[((b[4]! & 3) << 3) | ((b[5]! & 224) >> 5)]! +
    a[b[5]! & 31]! +
    a[(b[6]! & 248) >> 3]! +
    a[((b[6]! & 7) << 2) | ((b[7]! & 192) >> 6)]! +
    a[(b[7]! & 62) >> 1]! +
    a[((b[7]! & 1) << 4) | ((b[8]! & 240) >> 4)]! +
    a[((b[8]! & 15) << 1) | ((b[9]! & 128) >> 7)]! +
    a[(b[9]! & 124) >> 2]! +
    a[((b[9]! & 3) << 3) | ((b[10]! & 224) >> 5)]! +
    a[b[10]! & 31]! +
    a[(b[11]! & 248) >> 3]! +
    a[((b[11]! & 7) << 2) | ((b[12]! & 192) >> 6)]! +
    a[(b[12]! & 62) >> 1]! +
    a[((b[12]! & 1) << 4) | ((b[13]! & 240) >> 4)]! +
    a[((b[13]! & 15) << 1) | ((b[14]! & 128) >> 7)]! +
    a[(b[14]! & 124) >> 2]! +
    a[((b[14]! & 3) << 3) | ((b[15]! & 224) >> 5)]! +
    a[b[15]! & 31]!
  )
}

export function newId(kind: IdKind): string {
  return `${idPrefixOf(kind)}_${uuidV7Suffix()}`
}

/** A TypeID with a prefix no module declares (request ids), from the same sequence. */
export function newTypeId(prefix: string): string {
  return `${prefix}_${uuidV7Suffix()}`
}

/** `n` new ids of one kind, in increasing order. */
export function newIds(kind: IdKind, n: number): string[] {
  const prefix = `${idPrefixOf(kind)}_`
  const ids = new Array<string>(n)
  for (let i = 0; i < n; i++) ids[i] = prefix + uuidV7Suffix()
  return ids
}
