import t from 'tap'
import {
  canMove,
  CODE_ALPHABET,
  creditedTo,
  creditFor,
  DAY_MS,
  randomCode,
  roi,
  statusRefusal,
  type CodedTouch,
} from '../../../src/modules/acquisition/rules.js'

const H = 3_600_000
const day = (n: number) => n * DAY_MS

t.test('campaign status moves', async (t) => {
  const cases: [from: 'draft' | 'active' | 'ended', to: 'draft' | 'active' | 'ended', ok: boolean][] = [
    ['draft', 'active', true],
    ['draft', 'ended', true],
    ['active', 'ended', true],
    ['active', 'draft', false],
    ['ended', 'active', false],
    ['ended', 'draft', false],
    ['active', 'active', true],
  ]
  for (const [from, to, ok] of cases) t.equal(canMove(from, to), ok, `${from} → ${to}`)
  t.match(statusRefusal('ended', 'active'), /ended is final/)
  t.match(statusRefusal('active', 'draft'), /may only become ended/)
})

t.test('which code gets credit for one conversion, per model', async (t) => {
  const week = day(7)
  const at = day(30)
  const touches: CodedTouch[] = [
    { code: 'old', at: at - day(8) }, // outside the 7-day window
    { code: 'a', at: at - day(5) },
    { code: 'b', at: at - day(2) },
    { code: 'a', at: at - H },
    { code: 'late', at: at + H }, // after the conversion
  ]
  const cases: [
    name: string,
    conversion: { at: number; code: string | null },
    list: CodedTouch[],
    model: 'last_touch' | 'first_touch' | 'linear',
    expected: { code: string; weight: number }[],
  ][] = [
    [
      'last touch takes the latest in the window',
      { at, code: null },
      touches,
      'last_touch',
      [{ code: 'a', weight: 1 }],
    ],
    [
      'first touch takes the earliest in the window',
      { at, code: null },
      touches,
      'first_touch',
      [{ code: 'a', weight: 1 }],
    ],
    [
      'linear splits among the touches in the window',
      { at, code: null },
      touches,
      'linear',
      [
        { code: 'a', weight: 2 / 3 },
        { code: 'b', weight: 1 / 3 },
      ],
    ],
    [
      'the conversion’s own code is the last touch',
      { at, code: 'c' },
      touches,
      'last_touch',
      [{ code: 'c', weight: 1 }],
    ],
    [
      'first touch ignores the conversion’s code when earlier touches exist',
      { at, code: 'c' },
      touches,
      'first_touch',
      [{ code: 'a', weight: 1 }],
    ],
    ['no touch in the window: organic', { at, code: null }, [{ code: 'old', at: at - day(8) }], 'last_touch', []],
    ['no touch, but the conversion carried a code', { at, code: 'c' }, [], 'first_touch', [{ code: 'c', weight: 1 }]],
    [
      'a touch exactly at the window’s edge counts',
      { at, code: null },
      [{ code: 'edge', at: at - week }],
      'last_touch',
      [{ code: 'edge', weight: 1 }],
    ],
    [
      'a touch that is the conversion itself is counted once',
      { at, code: 'f' },
      [
        { code: 'v', at: at - H },
        { code: 'f', at },
      ],
      'linear',
      [
        { code: 'v', weight: 0.5 },
        { code: 'f', weight: 0.5 },
      ],
    ],
    [
      'simultaneous touches: the one given later wins last touch',
      { at, code: null },
      [
        { code: 'x', at: at - H },
        { code: 'y', at: at - H },
      ],
      'last_touch',
      [{ code: 'y', weight: 1 }],
    ],
  ]
  for (const [name, conversion, list, model, expected] of cases) {
    const got = creditFor(conversion, list, model, week)
    t.same(
      got.map((c) => ({ code: c.code, weight: Math.round(c.weight * 1e9) / 1e9 })),
      expected.map((c) => ({ code: c.code, weight: Math.round(c.weight * 1e9) / 1e9 })),
      name,
    )
  }
})

t.test('credit summed over buyers for a campaign’s codes', async (t) => {
  const touchesOf = (buyer: string): CodedTouch[] =>
    ({
      b1: [{ code: 'mine', at: day(1) }],
      b2: [
        { code: 'mine', at: day(1) },
        { code: 'theirs', at: day(2) },
      ],
    })[buyer] ?? []
  const conversions = [
    { buyer: 'b1', at: day(3), code: null, value: 1000 },
    { buyer: 'b2', at: day(3), code: null, value: 3000 },
    { buyer: 'b3', at: day(3), code: null, value: 5000 },
  ]
  const mine = new Set(['mine'])
  t.same(creditedTo(mine, conversions, touchesOf, 'last_touch', day(7)), { count: 1, value: 1000 })
  t.same(creditedTo(mine, conversions, touchesOf, 'first_touch', day(7)), { count: 2, value: 4000 })
  t.same(creditedTo(mine, conversions, touchesOf, 'linear', day(7)), { count: 1.5, value: 2500 })
  t.same(creditedTo(mine, conversions, touchesOf, 'first_touch', day(1)), { count: 0, value: 0 }, 'a shorter window')
})

t.test('ROI and codes', async (t) => {
  t.equal(roi(4953_00, 1200_00), 4.1275)
  t.equal(roi(100, 0), null)
  t.equal(roi(0, 100), 0)
  const code = randomCode(new Uint8Array([0, 1, 2, 255, 30, 31, 62, 100]))
  t.equal(code.length, 8)
  t.ok([...code].every((c) => CODE_ALPHABET.includes(c)))
  t.notOk(/[01ilo]/.test(CODE_ALPHABET), 'no look-alike characters')
})
