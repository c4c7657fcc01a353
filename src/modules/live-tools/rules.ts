import { createHash, createHmac } from 'node:crypto'

/** The name and version of the winner-selection algorithm, as docs/live-tools.md specifies it. */
export const DRAW_ALGORITHM = 'showrunner-draw-v1' as const

const TWO_64 = 1n << 64n

export const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex')

/** The entry ids in the order the algorithm uses: ascending by code unit (ids are ASCII). */
export function sortEntryIds(ids: readonly string[]): string[] {
  return [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

/** SHA-256 of the sorted entry ids, each followed by a newline: the frozen entry list's fingerprint. */
export function entriesDigest(sortedIds: readonly string[]): string {
  return sha256Hex(sortedIds.map((id) => `${id}\n`).join(''))
}

/**
 * showrunner-draw-v1: for winner i = 0 … k-1 (k = min(winners, entries)), with m entries still in
 * the running, take attempt j = 0, 1, …: x = the first 8 bytes, big-endian, of
 * HMAC-SHA256(key = seed, message = "draw:<i>:<j>"); accept x when x < floor(2^64 / m) * m (so
 * every index is equally likely: no modulo bias), and the winner is remaining[x mod m], removed
 * before the next i. Deterministic, so anyone holding the seed and the entry list gets the same winners.
 */
export function drawWinners(seed: Buffer, entryIds: readonly string[], winners: number): string[] {
  const remaining = sortEntryIds(entryIds)
  const picked: string[] = []
  const k = Math.min(winners, remaining.length)
  for (let i = 0; i < k; i++) {
    const m = BigInt(remaining.length)
    const limit = (TWO_64 / m) * m
    for (let j = 0; ; j++) {
      const x = createHmac('sha256', seed).update(`draw:${i}:${j}`).digest().readBigUInt64BE(0)
      if (x < limit) {
        picked.push(remaining.splice(Number(x % m), 1)[0]!)
        break
      }
    }
  }
  return picked
}
