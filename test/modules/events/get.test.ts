import t from 'tap'
import { buildTestApp, createTenant } from '../../helper.js'

/** GET /v1/events/{id} reads through the one-round-trip tenant read (inTenantRead). */
t.test('GET /v1/events/{id}', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app)
  const other = await createTenant(app)
  const created = await mcn.post('/v1/anchors', { name: 'Event source' })
  t.equal(created.statusCode, 201, created.body)
  const [listed] = (await mcn.get('/v1/events')).json().data
  t.ok(listed, 'creating an anchor wrote an event')

  t.test('answers the event as the list shows it', async (t) => {
    const res = await mcn.get(`/v1/events/${listed.id}`)
    t.equal(res.statusCode, 200, res.body)
    t.same(res.json(), listed)
  })

  t.test('another tenant’s event is 404, as is an unknown one', async (t) => {
    const res = await other.get(`/v1/events/${listed.id}`)
    t.equal(res.statusCode, 404)
    t.equal(res.json().code, 'not_found')
    t.equal((await mcn.get(`/v1/events/evt_01h455vb4pex5vsknk084sn02q`)).statusCode, 404)
  })

  t.test('many reads at once on a small pool all answer their own tenant', async (t) => {
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? other : mcn).get(`/v1/events/${listed.id}`)),
    )
    t.same(
      answers.map((r) => r.statusCode),
      Array.from({ length: 40 }, (_, i) => (i % 2 ? 404 : 200)),
    )
  })
})
