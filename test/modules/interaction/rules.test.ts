import t from 'tap'
import { matchBlocked, normalizeText, validateEvent } from '../../../src/modules/interaction/rules.js'

const now = Date.parse('2026-12-02T12:00:00Z')
const base = { event_id: 'e1', occurred_at: '2026-12-02T11:59:00Z', viewer: { platform: 'douyin', ref: 'v1' } }

t.test('validateEvent', async (t) => {
  const cases: [string, unknown, string[] | null][] = [
    ['a like', { ...base, type: 'like' }, null],
    ['a like with a count', { ...base, type: 'like', count: 20 }, null],
    ['a like with a zero count', { ...base, type: 'like', count: 0 }, ['count:range']],
    ['a comment', { ...base, type: 'comment', text: '好' }, null],
    ['a comment without text', { ...base, type: 'comment' }, ['text:required']],
    ['a comment too long', { ...base, type: 'comment', text: 'x'.repeat(501) }, ['text:format']],
    ['a gift', { ...base, type: 'gift', gift: { value: { amount: 100, currency: 'CNY' } } }, null],
    [
      'a gift in a float',
      { ...base, type: 'gift', gift: { value: { amount: 1.5, currency: 'CNY' } } },
      ['gift.value:format'],
    ],
    ['a gift without value', { ...base, type: 'gift' }, ['gift:required']],
    ['an unknown field', { ...base, type: 'join', text: 'hi' }, ['text:unknown']],
    ['an unknown type', { ...base, type: 'dance' }, ['type:format']],
    ['no event id', { ...base, event_id: undefined, type: 'share' }, ['event_id:required']],
    ['a time too old', { ...base, type: 'follow', occurred_at: '2026-11-20T00:00:00Z' }, ['occurred_at:range']],
    ['a time ahead', { ...base, type: 'follow', occurred_at: '2026-12-02T12:10:00Z' }, ['occurred_at:range']],
    ['not RFC 3339', { ...base, type: 'follow', occurred_at: '2026/12/02' }, ['occurred_at:format']],
    [
      'a viewer with extra keys',
      { ...base, type: 'leave', viewer: { platform: 'x', ref: 'y', name: 'z' } },
      ['viewer:format'],
    ],
    ['an array', [], [':type']],
  ]
  for (const [name, input, expected] of cases) {
    const r = validateEvent(input, now)
    if (expected === null) t.ok('event' in r, name)
    else t.same('problems' in r ? r.problems.map((p) => `${p.field}:${p.code}`) : [], expected, name)
  }
})

t.test('normalizeText and matchBlocked fold width and case', async (t) => {
  const cases: [string, string[], string | undefined][] = [
    ['加ＶＸ', ['vx'], 'vx'],
    ['加Vx', ['vx'], 'vx'],
    ['ｶﾀｶﾅ', [normalizeText('カタカナ')], 'カタカナ'],
    ['私信微信', ['微信'], '微信'],
    ['好看', ['微信', 'vx'], undefined],
    ['STRASSE', [normalizeText('strasse')], 'strasse'],
  ]
  for (const [text, words, expected] of cases) t.equal(matchBlocked(text, words), expected, text)
})
