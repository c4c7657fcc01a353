import t from 'tap'
import { callbackOutcome, canMove, isLastAttempt } from '../../../src/modules/media/rules.js'
import { ladderFor } from '../../../src/modules/media/ffmpeg.js'
import type { MediaState } from '../../../src/modules/media/tables.js'

t.test('transitions', async (t) => {
  const cases: [MediaState, MediaState, boolean][] = [
    ['pending', 'submitted', true],
    ['pending', 'processing', true],
    ['pending', 'failed', true],
    ['pending', 'ready', false],
    ['submitted', 'processing', true],
    ['submitted', 'ready', true],
    ['processing', 'ready', true],
    ['processing', 'submitted', false],
    ['ready', 'failed', false],
    ['failed', 'ready', false],
    ['ready', 'ready', false],
  ]
  for (const [from, to, ok] of cases) t.equal(canMove(from, to), ok, `${from} → ${to}`)
})

t.test('callback outcomes', async (t) => {
  const cases: [MediaState, MediaState, string][] = [
    ['submitted', 'processing', 'apply'],
    ['submitted', 'ready', 'apply'],
    ['processing', 'processing', 'ignore'],
    ['ready', 'ready', 'ignore'],
    ['ready', 'processing', 'ignore'],
    ['ready', 'failed', 'ignore'],
    ['failed', 'ready', 'ignore'],
    ['pending', 'ready', 'refuse'],
  ]
  for (const [current, reported, outcome] of cases)
    t.equal(callbackOutcome(current, reported), outcome, `${current} + ${reported}`)
})

t.test('attempts and the rendition ladder', async (t) => {
  t.notOk(isLastAttempt(1, 3))
  t.ok(isLastAttempt(3, 3))
  t.same(
    ladderFor(1080).map((r) => r.name),
    ['720p', '360p'],
  )
  t.same(
    ladderFor(480).map((r) => r.name),
    ['360p'],
  )
  t.same(
    ladderFor(240).map((r) => r.name),
    ['360p'],
    'at least one rendition',
  )
})
