import t from 'tap'
import { allowedNext, canApply, transitionRefusal, type SessionAction } from '../../../src/modules/scheduling/rules.js'
import type { SessionStatus } from '../../../src/modules/scheduling/tables.js'

t.test('session transitions: scheduled → live → ended, scheduled → cancelled, nothing else', async (t) => {
  const table: [SessionAction, SessionStatus, boolean][] = [
    ['start', 'scheduled', true],
    ['start', 'live', false],
    ['start', 'ended', false],
    ['start', 'cancelled', false],
    ['end', 'scheduled', false],
    ['end', 'live', true],
    ['end', 'ended', false],
    ['end', 'cancelled', false],
    ['cancel', 'scheduled', true],
    ['cancel', 'live', false],
    ['cancel', 'ended', false],
    ['cancel', 'cancelled', false],
  ]
  for (const [action, status, legal] of table) t.equal(canApply(action, status), legal, `${action} from ${status}`)
  t.same(allowedNext('scheduled'), ['live', 'cancelled'])
  t.same(allowedNext('live'), ['ended'])
  t.same(allowedNext('ended'), [])
  t.same(allowedNext('cancelled'), [])
  t.equal(
    transitionRefusal('end', 'scheduled'),
    'The session is scheduled and cannot become ended; from scheduled it may only become live or cancelled.',
  )
  t.equal(transitionRefusal('cancel', 'ended'), 'The session is ended and cannot become cancelled; ended is final.')
})
