import t from 'tap'
import { buildTestApp, createTenant, type Caller } from '../../helper.js'
import { makeAnchor } from '../catalog/builders.js'

const at = (hour: number, minute = 0) => new Date(Date.UTC(2030, 0, 1, hour, minute)).toISOString()
const schedule = (mcn: Caller, body: Record<string, unknown>) =>
  mcn.post('/v1/sessions', { title: 'race', platform: 'douyin', ...body })

t.test('concurrent schedules of one person: the database lets exactly one through', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app, { kind: 'mcn' })
  const anchor = await makeAnchor(mcn, { name: '小雨' })
  const crew = (await mcn.post('/v1/crew-members', { name: '阿杰', roles: ['room_controller'] })).json()

  const outcome = async (bodies: Record<string, unknown>[]) => {
    const results = await Promise.all(bodies.map((b) => schedule(mcn, b)))
    const won = results.filter((r) => r.statusCode === 201)
    const lost = results.filter((r) => r.statusCode === 409)
    t.equal(won.length, 1, `exactly one of ${bodies.length} wins: ${results.map((r) => r.statusCode)}`)
    t.equal(lost.length, bodies.length - 1, 'every other one is a conflict, never a 5xx')
    const winner = won[0]!.json().id
    for (const r of lost) t.equal(r.json().conflicting_session_id, winner, 'the refusal names the winner')
    return winner
  }

  // Eight overlapping intervals of the same anchor, all at once.
  await outcome(
    Array.from({ length: 8 }, (_, i) => ({
      planned_start: at(10, i * 5),
      planned_end: at(12),
      host_anchor_id: anchor.id,
    })),
  )
  // The same crew member under different hosts.
  const hosts = await Promise.all(Array.from({ length: 6 }, (_, i) => makeAnchor(mcn, { name: `host ${i}` })))
  await outcome(
    hosts.map((h, i) => ({
      planned_start: at(14, i),
      planned_end: at(16),
      host_anchor_id: h.id,
      crew: [{ crew_member_id: crew.id, role: 'room_controller' }],
    })),
  )
  // Two anchors swapping host and guest: one wins, the other is refused (no deadlock, no 5xx).
  const [p, q] = [hosts[0]!, hosts[1]!]
  for (let round = 0; round < 5; round++)
    await outcome([
      {
        planned_start: at(18 + round, 0),
        planned_end: at(18 + round, 30),
        host_anchor_id: p.id,
        guest_anchor_ids: [q.id],
      },
      {
        planned_start: at(18 + round, 10),
        planned_end: at(18 + round, 40),
        host_anchor_id: q.id,
        guest_anchor_ids: [p.id],
      },
    ])
  t.equal((await mcn.get(`/v1/sessions?anchor_id=${anchor.id}`)).json().data.length, 1)
  t.equal((await mcn.get(`/v1/sessions?crew_member_id=${crew.id}`)).json().data.length, 1)
})
