import ICAL from 'ical.js'
import t from 'tap'
import { buildTestApp, createTenant, type Caller } from '../../helper.js'
import { makeAnchor, makeProduct, makeSupplier } from '../catalog/builders.js'

const at = (day: number, hour: number, minute = 0) => new Date(Date.UTC(2030, 0, day, hour, minute)).toISOString()

async function schedule(mcn: Caller, body: Record<string, unknown>) {
  return mcn.post('/v1/sessions', { title: 'session', platform: 'douyin', room: 'room-1', ...body })
}
async function crewMember(mcn: Caller, name: string, roles: string[]) {
  const res = await mcn.post('/v1/crew-members', { name, roles })
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json()
}

t.test('sessions: bookings, conflicts, transitions, calendar queries and events', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app, { kind: 'mcn' })
  const host = await makeAnchor(mcn, { name: '小雨' })
  const guest = await makeAnchor(mcn, { name: '阿明' })
  const other = await makeAnchor(mcn, { name: '小美' })
  const resting = await makeAnchor(mcn, { name: '老王' })
  t.equal((await mcn.patch(`/v1/anchors/${resting.id}`, { status: 'inactive' })).statusCode, 200)
  const writer = await crewMember(mcn, '阿杰', ['copywriter', 'room_controller'])
  const service = await crewMember(mcn, '小芳', ['customer_service'])

  t.equal((await mcn.post('/v1/crew-members', { name: 'x', roles: ['juggler'] })).statusCode, 400)
  t.equal((await mcn.post('/v1/crew-members', { name: 'x', roles: [] })).statusCode, 400)

  const created = await schedule(mcn, {
    title: '普洱专场',
    planned_start: at(1, 10),
    planned_end: at(1, 12),
    host_anchor_id: host.id,
    guest_anchor_ids: [guest.id],
    crew: [
      { crew_member_id: writer.id, role: 'copywriter' },
      { crew_member_id: service.id, role: 'customer_service' },
    ],
  })
  t.equal(created.statusCode, 201, created.body)
  const s1 = created.json()
  t.equal(created.headers.etag, '"1"')
  t.match(s1, {
    id: /^ses_/,
    status: 'scheduled',
    started_at: null,
    anchors: [
      { anchor_id: host.id, role: 'host' },
      { anchor_id: guest.id, role: 'guest' },
    ],
    crew: [
      { crew_member_id: writer.id, role: 'copywriter' },
      { crew_member_id: service.id, role: 'customer_service' },
    ],
  })
  t.same((await mcn.get(`/v1/sessions/${s1.id}`)).json(), s1)

  // Bad input changes nothing.
  const refused = async (body: Record<string, unknown>, status: number, match: Record<string, unknown>) => {
    const res = await schedule(mcn, body)
    t.equal(res.statusCode, status, res.body)
    t.match(res.json(), match)
    return res.json()
  }
  const later = { planned_start: at(2, 10), planned_end: at(2, 12) }
  await refused({ ...later, planned_end: at(2, 9), host_anchor_id: other.id }, 422, {
    errors: [{ pointer: '/body/planned_end' }],
  })
  await refused({ ...later, host_anchor_id: 'anc_01h00000000000000000000000' }, 422, {
    errors: [{ pointer: '/body/host_anchor_id' }],
  })
  await refused({ ...later, host_anchor_id: other.id, guest_anchor_ids: [other.id] }, 422, {
    errors: [{ pointer: '/body/guest_anchor_ids/0' }],
  })
  const inactive = await refused({ ...later, host_anchor_id: other.id, guest_anchor_ids: [resting.id] }, 409, {
    code: 'conflict',
    anchor_id: resting.id,
    anchor_status: 'inactive',
  })
  t.match(inactive.detail, resting.id)
  await refused(
    { ...later, host_anchor_id: other.id, crew: [{ crew_member_id: service.id, role: 'copywriter' }] },
    422,
    { errors: [{ pointer: '/body/crew/0/role' }] },
  )

  // Overlaps with the same anchor or crew member are refused, naming the session that holds the time.
  const anchorClash = await refused(
    { planned_start: at(1, 11), planned_end: at(1, 13), host_anchor_id: guest.id },
    409,
    {
      code: 'conflict',
      conflicting_session_id: s1.id,
      anchor_id: guest.id,
    },
  )
  t.match(anchorClash.detail, s1.id)
  await refused(
    {
      planned_start: at(1, 9),
      planned_end: at(1, 10, 30),
      host_anchor_id: other.id,
      crew: [{ crew_member_id: writer.id, role: 'room_controller' }],
    },
    409,
    { conflicting_session_id: s1.id, crew_member_id: writer.id },
  )
  // Back to back is no overlap.
  const next = await schedule(mcn, { planned_start: at(1, 12), planned_end: at(1, 14), host_anchor_id: host.id })
  t.equal(next.statusCode, 201, next.body)
  const s2 = next.json()
  t.equal((await mcn.get('/v1/sessions?limit=50')).json().data.length, 2, 'the refused schedules left nothing behind')

  // Rescheduling runs into the same constraint; the session is unchanged.
  const moved = await mcn.patch(`/v1/sessions/${s2.id}`, { planned_start: at(1, 11) }, { 'if-match': '"1"' })
  t.equal(moved.statusCode, 409, moved.body)
  t.match(moved.json(), { conflicting_session_id: s1.id })
  t.equal((await mcn.get(`/v1/sessions/${s2.id}`)).json().planned_start, at(1, 12))
  const retitled = await mcn.patch(
    `/v1/sessions/${s2.id}`,
    { title: '夜场', planned_end: at(1, 15), crew: [{ crew_member_id: writer.id, role: 'room_controller' }] },
    { 'if-match': '"1"' },
  )
  t.equal(retitled.statusCode, 200, retitled.body)
  t.match(retitled.json(), { title: '夜场', planned_end: at(1, 15), version: 2, crew: [{ crew_member_id: writer.id }] })
  t.equal((await mcn.patch(`/v1/sessions/${s2.id}`, { title: 'stale' }, { 'if-match': '"1"' })).statusCode, 412)

  // Transitions: only the legal ones, each recording its time; the rest answer 409 with what is allowed.
  const move = (id: string, status: string, headers?: Record<string, string>) =>
    mcn.post(`/v1/sessions/${id}/status`, { status }, headers)
  const ended = await move(s1.id, 'ended')
  t.equal(ended.statusCode, 409)
  t.match(ended.json(), { code: 'conflict', session_status: 'scheduled', allowed_statuses: ['live', 'cancelled'] })
  t.equal((await move(s1.id, 'live', { 'if-match': '"7"' })).statusCode, 412)
  const live = await move(s1.id, 'live', { 'if-match': '"1"' })
  t.equal(live.statusCode, 200, live.body)
  t.match(live.json(), { status: 'live', version: 2, started_at: /^20/, ended_at: null })
  t.equal(live.headers.etag, '"2"')
  t.match((await move(s1.id, 'live')).json(), { session_status: 'live', allowed_statuses: ['ended'] })
  t.match((await move(s1.id, 'cancelled')).json(), { allowed_statuses: ['ended'] })
  t.equal(
    (await mcn.patch(`/v1/sessions/${s1.id}`, { title: 'too late' })).statusCode,
    409,
    'a live session is not rescheduled',
  )
  const done = await move(s1.id, 'ended')
  t.equal(done.statusCode, 200)
  t.match(done.json(), { status: 'ended', version: 3, ended_at: /^20/ })
  t.ok(done.json().ended_at >= done.json().started_at)
  const final = (await move(s1.id, 'cancelled')).json()
  t.match(final, { session_status: 'ended', allowed_statuses: [] })
  t.match(final.detail, 'final')

  const cancelled = await move(s2.id, 'cancelled')
  t.match(cancelled.json(), { status: 'cancelled', cancelled_at: /^20/ })
  t.match((await move(s2.id, 'live')).json(), { session_status: 'cancelled', allowed_statuses: [] })
  // A cancelled session frees its people.
  const rebooked = await schedule(mcn, { planned_start: at(1, 13), planned_end: at(1, 14), host_anchor_id: host.id })
  t.equal(rebooked.statusCode, 201, rebooked.body)
  const s3 = rebooked.json()
  const s4 = (
    await schedule(mcn, {
      planned_start: at(5, 20),
      planned_end: at(5, 22),
      host_anchor_id: other.id,
      crew: [{ crew_member_id: writer.id, role: 'copywriter' }],
    })
  ).json()

  // Calendar queries: overlap with [from, to), by anchor and by crew member, paginated.
  const ids = async (query: string) => {
    const res = await mcn.get(`/v1/sessions?${query}`)
    t.equal(res.statusCode, 200, res.body)
    return res.json().data.map((s: { id: string }) => s.id)
  }
  t.same(await ids(`anchor_id=${host.id}`), [s3.id, s2.id, s1.id])
  t.same(await ids(`anchor_id=${guest.id}`), [s1.id])
  t.same(await ids(`anchor_id=${host.id}&from=${at(1, 12)}`), [s3.id, s2.id], 'ends after from')
  t.same(await ids(`anchor_id=${host.id}&to=${at(1, 12)}`), [s1.id], 'starts before to')
  t.same(
    await ids(`from=${at(1, 11, 59)}&to=${at(1, 12, 1)}`),
    [s3.id, s2.id, s1.id].filter((id) => id !== s3.id),
  )
  t.same(await ids(`from=${at(5, 0)}`), [s4.id])
  t.same(await ids(`crew_member_id=${writer.id}`), [s4.id, s2.id, s1.id])
  t.same(await ids(`crew_member_id=${writer.id}&status=cancelled`), [s2.id])
  t.equal((await mcn.get(`/v1/sessions?from=${at(2, 0)}&to=${at(1, 0)}`)).statusCode, 400)
  const first = (await mcn.get(`/v1/sessions?anchor_id=${host.id}&limit=2`)).json()
  t.equal(first.data.length, 2)
  const second = (await mcn.get(`/v1/sessions?anchor_id=${host.id}&limit=2&cursor=${first.next_cursor}`)).json()
  t.same(
    second.data.map((s: { id: string }) => s.id),
    [s1.id],
  )
  t.equal(second.next_cursor, null)
  const schedule2 = await mcn.get(`/v1/crew-members/${writer.id}/schedule?from=${at(3, 0)}`)
  t.same(
    schedule2.json().data.map((s: { id: string }) => s.id),
    [s4.id],
  )
  t.equal((await mcn.get('/v1/crew-members/crw_01h00000000000000000000000/schedule')).statusCode, 404)

  // Another tenant sees none of it and cannot book across tenants.
  const rival = await createTenant(app, { kind: 'mcn' })
  t.equal((await rival.get(`/v1/sessions/${s1.id}`)).statusCode, 404)
  t.same((await rival.get(`/v1/sessions?anchor_id=${host.id}`)).json().data, [])
  t.equal((await schedule(rival, { ...later, host_anchor_id: host.id })).statusCode, 422)

  const events = (await mcn.get('/v1/events?limit=200')).json().data as {
    type: string
    resource: { id: string; version: number }
    data: { status: string }
  }[]
  const of = (id: string) =>
    events.filter((e) => e.resource.id === id).map((e) => [e.type, e.resource.version, e.data.status])
  t.same(of(s1.id).reverse(), [
    ['session.scheduled', 1, 'scheduled'],
    ['session.started', 2, 'live'],
    ['session.ended', 3, 'ended'],
  ])
  t.same(of(s2.id).reverse(), [
    ['session.scheduled', 1, 'scheduled'],
    ['session.updated', 2, 'scheduled'],
    ['session.cancelled', 3, 'cancelled'],
  ])
})

t.test('live product control: pins, shelf and the timeline', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app, { kind: 'mcn' })
  const anchor = await makeAnchor(mcn, { name: '小雨' })
  const supplier = await makeSupplier(mcn)
  const tea = await makeProduct(mcn, supplier.id, { title: '普洱' })
  const cup = await makeProduct(mcn, supplier.id, { title: '茶杯' })
  const sku = (
    await mcn.post(`/v1/products/${tea.id}/skus`, { code: '357g', price: { amount: 9900, currency: 'CNY' }, stock: 5 })
  ).json()
  const session = (
    await schedule(mcn, { planned_start: at(1, 10), planned_end: at(1, 12), host_anchor_id: anchor.id })
  ).json()
  const pin = (body: Record<string, unknown>) => mcn.post(`/v1/sessions/${session.id}/pin`, body)
  const shelf = (body: Record<string, unknown>) => mcn.post(`/v1/sessions/${session.id}/shelf`, body)

  const early = await pin({ product_id: tea.id })
  t.equal(early.statusCode, 409, 'nothing is pinned before the session is live')
  t.match(early.json(), { session_status: 'scheduled' })
  t.equal((await mcn.post(`/v1/sessions/${session.id}/status`, { status: 'live' })).statusCode, 200)

  t.equal((await pin({ product_id: 'prd_01h00000000000000000000000' })).statusCode, 422)
  t.match((await pin({ product_id: cup.id, sku_id: sku.id })).json(), { errors: [{ pointer: '/body/sku_id' }] })
  const first = await pin({ product_id: tea.id, sku_id: sku.id })
  t.equal(first.statusCode, 201, first.body)
  t.match(first.json(), { kind: 'pin', product_id: tea.id, sku_id: sku.id, ended_at: null })
  const on = await shelf({ product_id: cup.id, on_shelf: true })
  t.equal(on.statusCode, 200, on.body)
  t.equal((await shelf({ product_id: cup.id, on_shelf: true })).statusCode, 409, 'already on shelf')
  t.equal((await shelf({ product_id: tea.id, on_shelf: false })).statusCode, 409, 'not on shelf')
  const second = (await pin({ product_id: cup.id })).json()
  const off = await shelf({ product_id: cup.id, on_shelf: false })
  t.match(off.json(), { id: on.json().id, ended_at: /^20/ })
  await shelf({ product_id: tea.id, sku_id: sku.id, on_shelf: true })

  const during = (await mcn.get(`/v1/sessions/${session.id}/timeline`)).json().data
  t.same(
    during.map((s: { kind: string; product_id: string; ended_at: string | null }) => [
      s.kind,
      s.product_id,
      s.ended_at === null,
    ]),
    [
      ['pin', tea.id, false],
      ['shelf', cup.id, false],
      ['pin', cup.id, true],
      ['shelf', tea.id, true],
    ],
  )
  t.equal(during[0].ended_at, second.started_at, 'the new pin replaces the old at the same instant')

  const ended = (await mcn.post(`/v1/sessions/${session.id}/status`, { status: 'ended' })).json()
  const after = (await mcn.get(`/v1/sessions/${session.id}/timeline`)).json()
  t.equal(after.session_id, session.id)
  t.ok(
    after.data.every((s: { ended_at: string | null }) => s.ended_at !== null),
    'ending the session ends whatever was still shown',
  )
  t.equal(after.data[2].ended_at, ended.ended_at)
  t.equal((await pin({ product_id: tea.id })).statusCode, 409, 'nothing is pinned after the end')

  const pinned = (await mcn.get('/v1/events?type=session.product_pinned')).json().data
  t.same(
    pinned.map((e: { data: { product_id: string } }) => e.data.product_id),
    [cup.id, tea.id],
  )
  t.match(pinned[1], { resource: { type: 'session_showing', id: first.json().id } })
})

t.test('iCalendar feeds: issued through the API, fetched with the token alone, parsed back', async (t) => {
  const { app } = await buildTestApp(t)
  const mcn = await createTenant(app, { kind: 'mcn' })
  const anchor = await makeAnchor(mcn, { name: '小雨' })
  const other = await makeAnchor(mcn, { name: '阿明' })
  const writer = await crewMember(mcn, '阿杰', ['copywriter'])
  const a = (
    await schedule(mcn, {
      title: '普洱专场',
      planned_start: at(1, 10),
      planned_end: at(1, 12),
      host_anchor_id: anchor.id,
      crew: [{ crew_member_id: writer.id, role: 'copywriter' }],
    })
  ).json()
  const b = (
    await schedule(mcn, {
      title: '取消的场',
      planned_start: at(2, 10),
      planned_end: at(2, 11),
      host_anchor_id: other.id,
      guest_anchor_ids: [anchor.id],
    })
  ).json()
  await mcn.post(`/v1/sessions/${b.id}/status`, { status: 'cancelled' })
  await schedule(mcn, { planned_start: at(3, 10), planned_end: at(3, 11), host_anchor_id: other.id })

  t.equal((await mcn.post('/v1/calendar-feeds', {})).statusCode, 400)
  t.equal((await mcn.post('/v1/calendar-feeds', { anchor_id: anchor.id, crew_member_id: writer.id })).statusCode, 400)
  t.equal((await mcn.post('/v1/calendar-feeds', { anchor_id: 'anc_01h00000000000000000000000' })).statusCode, 422)
  const issued = await mcn.post('/v1/calendar-feeds', { anchor_id: anchor.id })
  t.equal(issued.statusCode, 201, issued.body)
  const feed = issued.json()
  t.match(feed, { id: /^cal_/, subject_type: 'anchor', subject_id: anchor.id, version: 1 })
  const path = new URL(feed.url).pathname
  t.match(path, new RegExp(`^/calendars/${mcn.organizationId}/calt_[A-Za-z0-9_-]{43}\\.ics$`))

  const fetched = await app.inject({ method: 'GET', url: path })
  t.equal(fetched.statusCode, 200, fetched.body)
  t.match(fetched.headers['content-type'], /^text\/calendar/)
  const parsed = new ICAL.Component(ICAL.parse(fetched.body))
  const events = parsed.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v))
  t.same(
    events.map((e) => [e.uid, e.summary, e.startDate.toJSDate().toISOString(), e.endDate.toJSDate().toISOString()]),
    [
      [a.id, '普洱专场', at(1, 10), at(1, 12)],
      [b.id, '[cancelled] 取消的场', at(2, 10), at(2, 11)],
    ],
  )
  const statuses = parsed.getAllSubcomponents('vevent').map((v) => v.getFirstPropertyValue('status'))
  t.same(statuses, ['CONFIRMED', 'CANCELLED'])
  t.equal(events[1]!.sequence, 1, 'the cancellation bumps the sequence')
  t.match(events[0]!.description, 'Role: host')
  t.match(events[1]!.description, 'Role: guest')
  // The same session keeps its UID on the next fetch.
  const again = new ICAL.Component(ICAL.parse((await app.inject({ method: 'GET', url: path })).body))
  t.same(
    again.getAllSubcomponents('vevent').map((v) => v.getFirstPropertyValue('uid')),
    [a.id, b.id],
  )

  const crewFeed = (await mcn.post('/v1/calendar-feeds', { crew_member_id: writer.id })).json()
  const crewCal = new ICAL.Component(
    ICAL.parse((await app.inject({ method: 'GET', url: new URL(crewFeed.url).pathname })).body),
  )
  t.same(
    crewCal.getAllSubcomponents('vevent').map((v) => v.getFirstPropertyValue('uid')),
    [a.id],
  )

  // Rotation: a new token, the old URL is dead at once.
  const rotated = await mcn.post('/v1/calendar-feeds', { anchor_id: anchor.id })
  t.equal(rotated.statusCode, 200)
  t.match(rotated.json(), { id: feed.id, version: 2 })
  t.not(rotated.json().url, feed.url)
  t.equal((await app.inject({ method: 'GET', url: path })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: new URL(rotated.json().url).pathname })).statusCode, 200)
  t.equal(
    (await app.inject({ method: 'GET', url: `/calendars/${mcn.organizationId}/calt_${'A'.repeat(43)}.ics` }))
      .statusCode,
    404,
  )
  // The token opens only its own tenant's feed.
  const rival = await createTenant(app, { kind: 'mcn' })
  const token = new URL(rotated.json().url).pathname.split('/').pop()
  t.equal((await app.inject({ method: 'GET', url: `/calendars/${rival.organizationId}/${token}` })).statusCode, 404)
  t.equal((await app.inject({ method: 'GET', url: `/calendars/${mcn.organizationId}/nope.ics` })).statusCode, 400)
})
