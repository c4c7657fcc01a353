import t from 'tap'
import {
  countStrikes,
  movesAllowed,
  reviewTiers,
  tierScore,
  type TierCandidate,
  type TierRules,
} from '../../../src/modules/anchor-governance/rules.js'
import type { Tier } from '../../../src/modules/anchor-governance/tables.js'

const NOW = new Date('2026-12-01T00:00:00Z')
const daysBefore = (d: number) => new Date(NOW.getTime() - d * 86_400_000)

t.test(
  'strikes: weights inside the rolling window, from the last reinstatement, suspend at the threshold',
  async (t) => {
    const policy = { windowDays: 30, threshold: 6 }
    const v = (id: string, weight: number, daysAgo: number, recordedDaysAgo = daysAgo) => ({
      id,
      weight,
      occurredAt: daysBefore(daysAgo),
      recordedAt: daysBefore(recordedDaysAgo),
    })
    const cases: {
      name: string
      violations: ReturnType<typeof v>[]
      reinstated?: Date
      strikes: number
      counted: string[]
      suspend: boolean
    }[] = [
      { name: 'no violations', violations: [], strikes: 0, counted: [], suspend: false },
      {
        name: 'below the threshold',
        violations: [v('a', 1, 1), v('b', 3, 2)],
        strikes: 4,
        counted: ['a', 'b'],
        suspend: false,
      },
      {
        name: 'exactly the threshold suspends',
        violations: [v('a', 3, 1), v('b', 3, 29)],
        strikes: 6,
        counted: ['a', 'b'],
        suspend: true,
      },
      {
        name: 'above the threshold suspends',
        violations: [v('a', 6, 0), v('b', 1, 3)],
        strikes: 7,
        counted: ['a', 'b'],
        suspend: true,
      },
      {
        name: 'outside the window does not count',
        violations: [v('a', 6, 31), v('b', 3, 5)],
        strikes: 3,
        counted: ['b'],
        suspend: false,
      },
      {
        name: 'at the window edge does not count',
        violations: [v('a', 6, 30)],
        strikes: 0,
        counted: [],
        suspend: false,
      },
      {
        name: 'a future violation does not count yet',
        violations: [v('a', 6, -1)],
        strikes: 0,
        counted: [],
        suspend: false,
      },
      {
        name: 'recorded before the reinstatement does not count',
        violations: [v('a', 3, 10), v('b', 3, 8), v('c', 1, 2)],
        reinstated: daysBefore(5),
        strikes: 1,
        counted: ['c'],
        suspend: false,
      },
      {
        name: 'occurred before but recorded after the reinstatement counts',
        violations: [v('a', 6, 10, 1)],
        reinstated: daysBefore(5),
        strikes: 6,
        counted: ['a'],
        suspend: true,
      },
      {
        name: 'fractional weights add up',
        violations: [v('a', 0.1, 1), v('b', 0.2, 1)],
        strikes: 0.3,
        counted: ['a', 'b'],
        suspend: false,
      },
    ]
    for (const c of cases)
      t.same(
        countStrikes(c.violations, policy, NOW, c.reinstated ?? null),
        { strikes: c.strikes, counted: c.counted, suspend: c.suspend },
        c.name,
      )
  },
)

const rules = (over: Partial<TierRules> = {}): TierRules => ({
  window_days: 90,
  currency: 'CNY',
  thresholds: {
    head: { min_gmv: 1000, min_repurchase_rate: null, max_strikes: 2, min_audience_growth: null },
    waist: { min_gmv: 100, min_repurchase_rate: null, max_strikes: 5, min_audience_growth: null },
  },
  weights: { gmv: 0.8, repurchase_rate: 0, strikes: 0.2, audience_growth: 0 },
  strike_ceiling: 10,
  max_moves_per_review: { share: 0.5, minimum: 1 },
  support_weights: { head: 1, waist: 1.1, tail: 1.3, niche_category: 1.2 },
  ...over,
})
const anchor = (id: string, tier: Tier, gmv: number, strikes = 0, suspended = false): TierCandidate => ({
  id,
  tier,
  suspended,
  measures: { gmv, repurchase_rate: null, strikes, audience_growth: null },
})
const moves = (r: ReturnType<typeof reviewTiers>) => r.moves.map((m) => `${m.id}:${m.from}>${m.to}`).sort()
const held = (r: ReturnType<typeof reviewTiers>) => r.held.map((h) => `${h.id}:${h.tier}>${h.wanted}`).sort()
const ranks = (r: ReturnType<typeof reviewTiers>) => r.ranking.map((x) => `${x.tier}#${x.rank}:${x.id}`)

t.test('tier review: ranking inside tiers, one step per review, limited per review', async (t) => {
  const cases: {
    name: string
    anchors: TierCandidate[]
    rules?: Partial<TierRules>
    moves: string[]
    held?: string[]
    ranking?: string[]
  }[] = [
    {
      name: 'a tail anchor meeting head moves only to waist (no jumping two tiers)',
      anchors: [anchor('a', 'tail', 5000)],
      moves: ['a:tail>waist'],
      ranking: ['waist#1:a'],
    },
    {
      name: 'a head anchor meeting nothing moves only to waist',
      anchors: [anchor('a', 'head', 0)],
      moves: ['a:head>waist'],
    },
    {
      name: 'an anchor meeting exactly its own tier stays',
      anchors: [anchor('a', 'waist', 100), anchor('b', 'head', 1000, 2), anchor('c', 'tail', 99)],
      moves: [],
    },
    {
      name: 'too many strikes demote a head anchor whatever its GMV',
      anchors: [anchor('a', 'head', 1_000_000, 3)],
      moves: ['a:head>waist'],
    },
    {
      name: 'per-review limit: only the best-ranked promotions go, the rest are held',
      anchors: [anchor('a', 'tail', 150), anchor('b', 'tail', 900), anchor('c', 'tail', 400), anchor('d', 'tail', 0)],
      rules: { max_moves_per_review: { share: 0.25, minimum: 1 } },
      moves: ['b:tail>waist'],
      held: ['a:tail>waist', 'c:tail>waist'],
      ranking: ['waist#1:b', 'tail#1:c', 'tail#2:a', 'tail#3:d'],
    },
    {
      name: 'per-review limit: the worst-ranked demotions go first',
      anchors: [
        anchor('a', 'waist', 50),
        anchor('b', 'waist', 10),
        anchor('c', 'waist', 500),
        anchor('d', 'waist', 90),
      ],
      rules: { max_moves_per_review: { share: 0.5, minimum: 0 } },
      moves: ['a:waist>tail', 'b:waist>tail'],
      held: ['d:waist>tail'],
    },
    {
      name: 'promotions and demotions are limited separately per tier',
      anchors: [anchor('a', 'waist', 5000), anchor('b', 'waist', 0), anchor('c', 'tail', 200), anchor('d', 'head', 0)],
      rules: { max_moves_per_review: { share: 0, minimum: 1 } },
      moves: ['a:waist>head', 'b:waist>tail', 'c:tail>waist', 'd:head>waist'],
    },
    {
      name: 'a suspended anchor is not promoted but can be demoted',
      anchors: [anchor('a', 'tail', 5000, 0, true), anchor('b', 'head', 0, 0, true)],
      moves: ['b:head>waist'],
      held: ['a:tail>waist'],
    },
    {
      name: 'a minimum of 0 with a small share holds everyone',
      anchors: [anchor('a', 'tail', 5000)],
      rules: { max_moves_per_review: { share: 0.5, minimum: 0 } },
      moves: [],
      held: ['a:tail>waist'],
    },
    {
      name: 'ties in score rank by GMV, then by fewer strikes, then by id',
      anchors: [
        anchor('b', 'tail', 5000, 0),
        anchor('a', 'tail', 5000, 0),
        anchor('c', 'tail', 1000, 0),
        anchor('d', 'tail', 9999, 1),
      ],
      rules: { max_moves_per_review: { share: 0, minimum: 0 } },
      moves: [],
      held: ['a:tail>waist', 'b:tail>waist', 'c:tail>waist', 'd:tail>waist'],
      ranking: ['tail#1:a', 'tail#2:b', 'tail#3:c', 'tail#4:d'],
    },
    {
      name: 'a threshold on a measure not measured is not applied',
      anchors: [anchor('a', 'tail', 200)],
      rules: {
        thresholds: {
          head: { min_gmv: 1000, min_repurchase_rate: 0.3, max_strikes: 2, min_audience_growth: 0.1 },
          waist: { min_gmv: 100, min_repurchase_rate: 0.1, max_strikes: 5, min_audience_growth: 0.05 },
        },
      },
      moves: ['a:tail>waist'],
    },
  ]
  for (const c of cases) {
    const r = reviewTiers(c.anchors, rules(c.rules))
    t.same(moves(r), c.moves, `${c.name}: moves`)
    t.same(held(r), c.held ?? [], `${c.name}: held`)
    if (c.ranking) t.same(ranks(r), c.ranking, `${c.name}: ranking after the review`)
  }
})

t.test('a move carries its rank, score and the reasons in words', async (t) => {
  const r = reviewTiers([anchor('a', 'tail', 5000), anchor('b', 'tail', 10)], rules())
  t.equal(r.moves.length, 1)
  const [m] = r.moves
  t.match(m, { id: 'a', from: 'tail', to: 'waist', direction: 'promotion', rankInTier: 1, score: 100 })
  t.same(m!.reasons, [
    'ranked 1 of 2 in tail with score 100',
    'GMV (CNY minor units, last 90 days) 5,000 meets the waist minimum 100',
    'strikes 0 are within the waist maximum 5',
  ])
  const notMeasured = reviewTiers(
    [anchor('a', 'tail', 5000)],
    rules({
      thresholds: {
        head: { min_gmv: 1000, min_repurchase_rate: null, max_strikes: 2, min_audience_growth: null },
        waist: { min_gmv: 100, min_repurchase_rate: 0.2, max_strikes: null, min_audience_growth: null },
      },
    }),
  )
  t.same(notMeasured.moves[0]!.reasons.slice(1), [
    'GMV (CNY minor units, last 90 days) 5,000 meets the waist minimum 100',
    'repurchase rate is not measured yet, so the waist minimum 0.2 is not applied',
  ])
  const demoted = reviewTiers([anchor('a', 'head', 50, 4)], rules())
  t.same(demoted.moves[0]!.reasons, [
    'ranked 1 of 1 in head with score 16',
    'GMV (CNY minor units, last 90 days) 50 is below the head minimum 1,000',
    'strikes 4 exceed the head maximum 2',
  ])
})

t.test('score and per-review allowance', async (t) => {
  const r = rules()
  const scores: [number, number, number][] = [
    // gmv, strikes → score (gmv capped at the head minimum, strikes scaled to the ceiling)
    [0, 0, 20],
    [1000, 0, 100],
    [5000, 0, 100],
    [500, 0, 60],
    [1000, 10, 80],
    [1000, 20, 80],
    [0, 5, 10],
  ]
  for (const [gmv, strikes, score] of scores)
    t.equal(
      tierScore({ gmv, repurchase_rate: null, strikes, audience_growth: null }, r),
      score,
      `gmv ${gmv}, strikes ${strikes}`,
    )
  const allowances: [size: number, share: number, minimum: number, allowed: number][] = [
    [0, 0.1, 1, 0],
    [1, 0.1, 1, 1],
    [10, 0.1, 1, 1],
    [25, 0.1, 1, 2],
    [25, 0.2, 0, 5],
    [3, 0, 5, 3],
    [100, 0, 0, 0],
  ]
  for (const [size, share, minimum, allowed] of allowances)
    t.equal(
      movesAllowed(size, rules({ max_moves_per_review: { share, minimum } })),
      allowed,
      `${size} anchors, share ${share}, minimum ${minimum}`,
    )
})
