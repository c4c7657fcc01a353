import t from 'tap'
import { RATE_LIMIT_SLACK } from '../../src/lib/request-budget.js'
import { buildTestApp, callerFor, createTenant } from '../helper.js'
import { startApp, testAppConfig } from '../support/app.js'

const LIMIT = 40
const PROCESSES = 2

/** Windows are aligned to the clock (every process must agree on them): start clear of an edge. */
async function clearOfWindowEdge(windowSeconds: number, needMs = 5000) {
  const left = windowSeconds * 1000 - (Date.now() % (windowSeconds * 1000))
  if (left < needMs) await new Promise((r) => setTimeout(r, left + 50))
}

t.test('two processes share one budget: L ≤ accepted ≤ L + processes × slack', async (t) => {
  const config = { RATE_LIMIT_MAX: LIMIT, RATE_LIMIT_WINDOW_SECONDS: 60 }
  const { app, databaseUrl, config: first } = await buildTestApp(t, { config })
  // Same database and the same Redis namespace: a second API process of one deployment.
  const other = await startApp(
    testAppConfig(databaseUrl, { overrides: { ...config, QUEUE_PREFIX: first.QUEUE_PREFIX } }),
  )
  t.teardown(() => other.close())
  const caller = await createTenant(app)
  const elsewhere = callerFor(other.app, caller.token, caller)

  await clearOfWindowEdge(60)
  // Both processes at once, many requests in flight each, three times the budget in all.
  const statuses: number[] = []
  for (let round = 0; round < 6; round++) {
    const batch = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % PROCESSES ? elsewhere : caller).get('/v1/events')),
    )
    statuses.push(...batch.map((r) => r.statusCode))
  }
  const accepted = statuses.filter((s) => s === 200).length
  t.same([...new Set(statuses)].sort(), [200, 429], 'every answer is 200 or 429')
  t.ok(accepted >= LIMIT, `accepted ${accepted}: none refused before the budget of ${LIMIT} was used`)
  t.ok(
    accepted <= LIMIT + PROCESSES * RATE_LIMIT_SLACK,
    `accepted ${accepted} ≤ ${LIMIT} + ${PROCESSES} × ${RATE_LIMIT_SLACK}`,
  )

  const later = await caller.get('/v1/events')
  t.equal(later.statusCode, 429, 'once Redis has answered, each process refuses for the rest of the window')
  t.equal((await elsewhere.get('/v1/events')).statusCode, 429)
})

t.test('one process alone is exact', async (t) => {
  const { app } = await buildTestApp(t, { config: { RATE_LIMIT_MAX: LIMIT, RATE_LIMIT_WINDOW_SECONDS: 60 } })
  const caller = await createTenant(app)
  await clearOfWindowEdge(60)
  const statuses = await Promise.all(Array.from({ length: LIMIT * 2 }, () => caller.get('/v1/events')))
  t.equal(statuses.filter((r) => r.statusCode === 200).length, LIMIT)
})
