/**
 * Recomputes a Showrunner lucky draw from its proof, independently of the server: nothing here
 * comes from src/, only node:crypto, so anyone can check a draw with this one file.
 *
 *   npx tsx examples/verify-draw.ts proof.json
 *   SHOWRUNNER_TOKEN=… npx tsx examples/verify-draw.ts https://api.example.com/v1/draws/drw_…/proof
 *
 * It checks that SHA-256(seed) is the commitment published before the draw opened, that the
 * entries are sorted, unique and match their fingerprint, and that showrunner-draw-v1 over the
 * seed and the entries gives exactly the published winners (docs/live-tools.md).
 */
import { createHash, createHmac } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

export interface DrawProof {
  draw_id: string
  algorithm: string
  status: string
  commitment: string
  seed: string | null
  winners_count: number
  entries_final: boolean
  entries: { id: string; buyer_id: string }[]
  entries_sha256: string | null
  winners: string[]
}

export interface Verdict {
  ok: boolean
  problems: string[]
  winners: string[]
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex')

/** showrunner-draw-v1, written from its specification. */
export function recomputeWinners(seedHex: string, entryIds: string[], winnersCount: number): string[] {
  const seed = Buffer.from(seedHex, 'hex')
  const remaining = [...entryIds]
  const winners: string[] = []
  const k = Math.min(winnersCount, remaining.length)
  for (let i = 0; i < k; i++) {
    const m = BigInt(remaining.length)
    const accept = ((1n << 64n) / m) * m
    let j = 0
    for (;;) {
      const x = createHmac('sha256', seed).update(`draw:${i}:${j}`).digest().readBigUInt64BE(0)
      if (x < accept) {
        winners.push(remaining.splice(Number(x % m), 1)[0] as string)
        break
      }
      j++
    }
  }
  return winners
}

export function verifyDrawProof(proof: DrawProof): Verdict {
  const problems: string[] = []
  if (proof.algorithm !== 'showrunner-draw-v1') problems.push(`unknown algorithm ${proof.algorithm}`)
  if (proof.seed === null) return { ok: false, problems: [...problems, 'the seed is not revealed yet'], winners: [] }
  if (!/^[0-9a-f]{64}$/.test(proof.seed)) problems.push('the seed is not 32 bytes of hex')
  if (sha256(Buffer.from(proof.seed, 'hex')) !== proof.commitment)
    problems.push('commitment mismatch: SHA-256(seed) is not the published commitment')
  const ids = proof.entries.map((e) => e.id)
  for (let i = 1; i < ids.length; i++)
    if (!((ids[i - 1] as string) < (ids[i] as string))) problems.push(`entries are not sorted and unique at ${i}`)
  const buyers = new Set(proof.entries.map((e) => e.buyer_id))
  if (buyers.size !== ids.length) problems.push('a buyer has more than one entry')
  if (proof.entries_sha256 !== sha256(ids.map((id) => `${id}\n`).join('')))
    problems.push('the entry list does not match its fingerprint entries_sha256')
  const winners = recomputeWinners(proof.seed, ids, proof.winners_count)
  if (JSON.stringify(winners) !== JSON.stringify(proof.winners))
    problems.push(
      `winners differ: recomputed ${winners.join(', ') || '(none)'}, published ${proof.winners.join(', ') || '(none)'}`,
    )
  return { ok: problems.length === 0, problems, winners }
}

async function load(source: string): Promise<DrawProof> {
  if (!/^https?:\/\//.test(source)) return JSON.parse(readFileSync(source, 'utf8')) as DrawProof
  const token = process.env.SHOWRUNNER_TOKEN
  const res = await fetch(source, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  if (!res.ok) throw new Error(`GET ${source} answered ${res.status}: ${await res.text()}`)
  return (await res.json()) as DrawProof
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const source = process.argv[2]
  if (!source) {
    console.error('usage: verify-draw.ts <proof.json | proof URL>')
    process.exit(2)
  }
  const verdict = verifyDrawProof(await load(source))
  if (verdict.ok) console.log(`verified: winners ${verdict.winners.join(', ') || '(none)'}`)
  else for (const p of verdict.problems) console.error(`NOT VERIFIED: ${p}`)
  process.exit(verdict.ok ? 0 : 1)
}
