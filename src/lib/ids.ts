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

export function newId(kind: IdKind): string {
  return newTypeId(idPrefixOf(kind))
}

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'
const RANDOM_POOL = 4096
const pool = new Uint8Array(RANDOM_POOL)
let poolAt = RANDOM_POOL
const uuid = new Uint8Array(16)
let lastMs = -1
let sequence = 0

/**
 * A TypeID (`prefix_` + a UUIDv7 in Crockford base32), as typeid-js makes it, for a fraction
 * of its cost: every request gets one, and typeid-js validates the prefix and decodes its own
 * output again each time. Monotonic within the process (RFC 9562 §6.2 method 1): the 12
 * `rand_a` bits are a counter that starts at a random value below 2048 each millisecond, and a
 * full counter borrows the next millisecond. The 62 `rand_b` bits come from a pool refilled by
 * the CSPRNG. The prefix is the caller's, already checked where it is declared.
 */
export function newTypeId(prefix: string): string {
  let ms = Date.now()
  if (ms > lastMs) {
    lastMs = ms
    sequence = randomByte() | ((randomByte() & 0x07) << 8)
  } else {
    ms = lastMs
    if (++sequence > 0xfff) {
      ms = ++lastMs
      sequence = 0
    }
  }
  // 48-bit big-endian milliseconds; the division keeps the top 16 bits exact beyond 2^32.
  const high = Math.floor(ms / 0x100000000)
  uuid[0] = high >>> 8
  uuid[1] = high
  uuid[2] = ms >>> 24
  uuid[3] = ms >>> 16
  uuid[4] = ms >>> 8
  uuid[5] = ms
  uuid[6] = 0x70 | (sequence >>> 8)
  uuid[7] = sequence
  uuid[8] = 0x80 | (randomByte() & 0x3f)
  for (let i = 9; i < 16; i++) uuid[i] = randomByte()
  return `${prefix}_${encode(uuid)}`
}

function randomByte(): number {
  if (poolAt === RANDOM_POOL) {
    randomFillSync(pool)
    poolAt = 0
  }
  return pool[poolAt++]!
}

/** 128 bits as 26 base32 digits, the first holding the top 3 bits (TypeID's encoding). */
function encode(b: Uint8Array): string {
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
