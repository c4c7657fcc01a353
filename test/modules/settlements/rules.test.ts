import t from 'tap'
import {
  bookingPeriod,
  largestRemainder,
  nextPeriod,
  periodOf,
  proportion,
  reversal,
} from '../../../src/modules/settlements/rules.js'

t.test('periodOf is the UTC month', async (t) => {
  for (const [at, period] of [
    ['2026-01-31T23:59:59.999Z', '2026-01'],
    ['2026-01-31T16:30:00-08:00', '2026-02'],
    ['2026-12-01T00:00:00Z', '2026-12'],
  ])
    t.equal(periodOf(at!), period, at)
})

t.test('nextPeriod and bookingPeriod skip closed months', async (t) => {
  t.equal(nextPeriod('2026-11'), '2026-12')
  t.equal(nextPeriod('2026-12'), '2027-01')
  const cases: [string, string[], string][] = [
    ['2026-03', [], '2026-03'],
    ['2026-03', ['2026-02'], '2026-03'],
    ['2026-03', ['2026-03'], '2026-04'],
    ['2026-12', ['2026-12', '2027-01'], '2027-02'],
  ]
  for (const [period, closed, expected] of cases)
    t.equal(bookingPeriod(period, new Set(closed)), expected, `${period} with ${closed.join(',') || 'none'} closed`)
})

t.test('largestRemainder: parts add up exactly, in proportion, leftovers to the largest remainders', async (t) => {
  const cases: [number, number[], number[]][] = [
    [100, [1, 1, 1], [34, 33, 33]],
    [10, [5, 3, 2], [5, 3, 2]],
    [7, [2872, 2872, 5744], [2, 2, 3]],
    [1, [1, 2], [0, 1]],
    [5, [0, 4, 0], [0, 5, 0]],
    [9, [0, 0], [0, 0]],
    [0, [3, 4], [0, 0]],
  ]
  for (const [total, weights, expected] of cases) {
    const parts = largestRemainder(total, weights)
    t.same(parts, expected, `${total} over ${weights.join(',')}`)
    if (weights.some((w) => w > 0))
      t.equal(
        parts.reduce((a, b) => a + b, 0),
        total,
      )
  }
})

t.test('proportion rounds half away from zero exactly', async (t) => {
  const cases: [number, number, number, number][] = [
    [1149, 300, 5744, 60],
    [1149, 2872, 5744, 575],
    [1, 1, 2, 1],
    [3, 1, 2, 2],
    [0, 5, 9, 0],
    [5, 3, 0, 0],
  ]
  for (const [v, n, d, expected] of cases) t.equal(proportion(v, n, d), expected, `${v}×${n}/${d}`)
})

t.test('reversal: cumulative, never beyond the line, all of it when fully reversed', async (t) => {
  const line = {
    amount: 5744,
    commission: 1149,
    mcnShare: 345,
    reversedAmount: 0,
    reversedCommission: 0,
    reversedMcnShare: 0,
  }
  const first = reversal(line, 300)
  t.same(first, { amount: 300, commission: 60, mcnShare: 18 })
  const after = {
    ...line,
    reversedAmount: 300,
    reversedCommission: first.commission,
    reversedMcnShare: first.mcnShare,
  }
  t.same(reversal(after, 300), { amount: 300, commission: 60, mcnShare: 18 }, 'round(1149×600/5744) − 60')
  t.same(reversal(after, 99999), { amount: 5444, commission: 1089, mcnShare: 327 }, 'capped at what is left')
  t.same(
    reversal({ ...line, reversedAmount: 5744, reversedCommission: 1149, reversedMcnShare: 345 }, 10),
    { amount: 0, commission: 0, mcnShare: 0 },
    'nothing left: nothing reversed',
  )
})
