import { createHash, createHmac } from 'node:crypto'
import t from 'tap'
import { drawWinners, entriesDigest, sortEntryIds } from '../../../src/modules/live-tools/rules.js'

const seed = Buffer.from('00'.repeat(31) + '01', 'hex')
const ids = (n: number) => Array.from({ length: n }, (_, i) => `den_${String(i).padStart(26, '0')}`)

t.test('drawWinners, table-driven', async (t) => {
  const cases: { name: string; entries: string[]; k: number; check: (w: string[]) => void }[] = [
    { name: 'no entries, no winners', entries: [], k: 3, check: (w) => t.same(w, []) },
    {
      name: 'fewer entries than winners: everyone wins once',
      entries: ids(2),
      k: 5,
      check: (w) => t.same([...w].sort(), ids(2)),
    },
    {
      name: 'winners are distinct entries',
      entries: ids(50),
      k: 10,
      check: (w) => {
        t.equal(new Set(w).size, 10)
        t.ok(w.every((x) => ids(50).includes(x)))
      },
    },
    {
      name: 'the first pick follows the spec: HMAC(seed, "draw:0:0") as uint64 mod m',
      entries: ids(7),
      k: 1,
      check: (w) => {
        const x = createHmac('sha256', seed).update('draw:0:0').digest().readBigUInt64BE(0)
        t.same(w, [ids(7)[Number(x % 7n)]])
      },
    },
  ]
  for (const c of cases) t.test(c.name, async () => c.check(drawWinners(seed, c.entries, c.k)))
})

t.test('the order of entries given does not matter, the seed does', async (t) => {
  const entries = ids(30)
  const reversed = [...entries].reverse()
  t.same(drawWinners(seed, reversed, 5), drawWinners(seed, entries, 5))
  const other = Buffer.alloc(32, 7)
  t.not(drawWinners(other, entries, 5).join(), drawWinners(seed, entries, 5).join())
})

t.test('entriesDigest is SHA-256 over sorted ids each ending in a newline', async (t) => {
  const sorted = sortEntryIds(['den_b', 'den_a'])
  t.same(sorted, ['den_a', 'den_b'])
  t.equal(entriesDigest(sorted), createHash('sha256').update('den_a\nden_b\n').digest('hex'))
  t.equal(entriesDigest([]), createHash('sha256').update('').digest('hex'))
})
