import t from 'tap'
import {
  bigrams,
  NEAR_DUPLICATE_SIMILARITY,
  nearDuplicateSimilarity,
  titleGrams,
} from '../../../src/modules/selection/scoring.js'

/** Jaccard similarity the plain way, over sets. */
const similarity = (a: Uint32Array, b: Uint32Array) => {
  const x = new Set(a)
  const y = new Set(b)
  const common = [...x].filter((g) => y.has(g)).length
  return x.size && y.size ? common / (x.size + y.size - common) : 0
}

const pairs: [string, string][] = [
  ['', ''],
  ['a', 'a'],
  ['a', 'b'],
  ['ab', 'ab'],
  ['Lipstick Matte Red 01', 'Lipstick Matte Red 02'],
  ['Lipstick Matte Red 01', 'Lipstick Matte'],
  ['Lipstick Matte', 'Lipstick Matte Red Long Lasting Velvet 01'],
  ['玫瑰精华面霜 50ml', '玫瑰精华面霜 30ml'],
  ['玫瑰精华面霜', '蓝莓果干 500g'],
  ['abcd', 'abce'],
  ['abcdef', 'abc'],
  ['abcdefgh', 'abcd'],
  ['abcdefghij', 'abcd'],
  ['Organic Green Tea 250g', 'Organic Green Tea 500g'],
  ['Organic Green Tea 250g', 'Wireless Earbuds Pro'],
]

t.test('nearDuplicateSimilarity is the Jaccard similarity at or above the threshold, 0 below it', async (t) => {
  for (const [x, y] of pairs) {
    const a = bigrams(x)
    const b = bigrams(y)
    const sim = similarity(a, b)
    const expected = sim >= NEAR_DUPLICATE_SIMILARITY ? sim : 0
    t.equal(nearDuplicateSimilarity(a, b), expected, `${JSON.stringify(x)} ~ ${JSON.stringify(y)}`)
    t.equal(nearDuplicateSimilarity(b, a), expected, `${JSON.stringify(y)} ~ ${JSON.stringify(x)}`)
  }
})

t.test('nearDuplicateSimilarity agrees with similarity on random gram sets', async (t) => {
  // A small alphabet makes overlaps, and so values on both sides of the threshold, common.
  let seed = 7
  // mulberry32
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
  const title = () =>
    Array.from({ length: 1 + Math.floor(random() * 30) }, () => 'abcd'[Math.floor(random() * 4)]).join('')
  let above = 0
  let mismatches = 0
  for (let n = 0; n < 5000; n++) {
    const a = bigrams(title())
    const b = bigrams(title())
    const sim = similarity(a, b)
    if (sim >= NEAR_DUPLICATE_SIMILARITY) above++
    if (nearDuplicateSimilarity(a, b) !== (sim >= NEAR_DUPLICATE_SIMILARITY ? sim : 0)) mismatches++
  }
  t.equal(mismatches, 0)
  t.ok(above > 500 && above < 4500, `both sides of the threshold were tried (${above} of 5000 above)`)
})

t.test('titleGrams remembers bigrams', async (t) => {
  for (const [x] of pairs) {
    t.same([...titleGrams(x)], [...bigrams(x)])
    t.equal(titleGrams(x), titleGrams(x), 'the same array on a second call')
  }
})
