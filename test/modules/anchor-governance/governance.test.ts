import t from 'tap'
import { systemCtx } from '../../../src/lib/context.js'
import { tierReview } from '../../../src/modules/anchor-governance/jobs.js'
import { buildTestApp, createTenant, waitForJob, type Caller } from '../../helper.js'
import { daysAgo, importSales, makeAnchor, makeProduct, makeSupplier } from '../catalog/builders.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const standard = (over: Record<string, unknown> = {}) => ({
  title: 'Anchor standards',
  rules: [
    { code: 'price_misstatement', description: 'A live price other than the planned one', severity: 'minor' },
    { code: 'false_claims', description: 'Unsupported claims about a product', severity: 'major' },
    { code: 'counterfeit_goods', description: 'Selling counterfeit goods', severity: 'critical' },
  ],
  severity_weights: { minor: 1, major: 3, critical: 6 },
  strike_window_days: 90,
  suspension_threshold: 6,
  ...over,
})

async function events(c: Caller, type: string) {
  const res = await c.get(`/v1/events?type=${type}&limit=200`)
  if (res.statusCode !== 200) throw new Error(`events answered ${res.statusCode}: ${res.body}`)
  return res.json().data as { type: string; resource: { type: string; id: string; version: number }; data: any }[]
}

async function review(c: Caller) {
  const res = await c.post('/v1/anchor-tier-reviews')
  if (res.statusCode !== 202) throw new Error(`tier review answered ${res.statusCode}: ${res.body}`)
  if (!String(res.headers.location).startsWith('/v1/jobs/job_')) throw new Error('no Location to the job')
  return waitForJob(c, res.json().id)
}

t.test('standards, violations, strikes, suspension and reinstatement', async (t) => {
  const { app } = await buildTestApp(t, { workers: true })
  const platform = await createTenant(app, { kind: 'platform' })
  const mcn = await createTenant(app, { kind: 'mcn' })
  const other = await createTenant(app, { kind: 'mcn' })
  const anchor = await makeAnchor(mcn, { name: '小雨' })

  const none = await mcn.post(`/v1/anchors/${anchor.id}/violations`, {
    rule_code: 'false_claims',
    evidence: { text: 'x' },
  })
  t.equal(none.statusCode, 422, 'no standard published yet')
  t.equal((await mcn.get('/v1/anchor-standards/current')).statusCode, 404)

  const byMcn = await mcn.post('/v1/anchor-standards', standard())
  t.equal(byMcn.statusCode, 403, 'only the platform publishes standards')
  const dup = await platform.post(
    '/v1/anchor-standards',
    standard({
      rules: [
        { code: 'a', description: 'a', severity: 'minor' },
        { code: 'a', description: 'again', severity: 'major' },
      ],
    }),
  )
  t.equal(dup.statusCode, 422)
  t.same(dup.json().errors, [{ pointer: '/body/rules/1/code', detail: 'repeats the rule code a' }])

  const v1 = await platform.post(
    '/v1/anchor-standards',
    standard({
      title: 'v1',
      rules: [{ code: 'legacy_rule', description: 'Dropped in v2', severity: 'major' }],
    }),
  )
  t.equal(v1.statusCode, 201, v1.body)
  t.match(v1.json(), { id: /^astd_/, version: 1, published_by: platform.organizationId })
  await sleep(30)
  const betweenVersions = new Date().toISOString()
  await sleep(30)
  const v2 = await platform.post('/v1/anchor-standards', standard({ title: 'v2' }))
  t.equal(v2.statusCode, 201, v2.body)
  t.equal(v2.json().version, 2, 'a new version supersedes the last')

  // Every MCN reads the same standards.
  for (const c of [mcn, other]) {
    const list = (await c.get('/v1/anchor-standards')).json()
    t.same(
      list.data.map((s: { version: number }) => s.version),
      [2, 1],
    )
    t.equal((await c.get('/v1/anchor-standards/current')).json().id, v2.json().id)
  }

  const unknownRule = await mcn.post(`/v1/anchors/${anchor.id}/violations`, {
    rule_code: 'legacy_rule',
    evidence: { text: 'x' },
  })
  t.equal(unknownRule.statusCode, 422, 'a rule of an older version is not in force now')
  t.match(unknownRule.json().detail, /no rule legacy_rule; its rules are price_misstatement, false_claims/)
  const old = await mcn.post(`/v1/anchors/${anchor.id}/violations`, {
    rule_code: 'legacy_rule',
    evidence: { text: 'before v2' },
    occurred_at: betweenVersions,
  })
  t.equal(old.statusCode, 201, old.body)
  t.match(old.json(), { standard_id: v1.json().id, standard_version: 1, severity: 'major', strike_weight: 3 })
  const tooEarly = await mcn.post(`/v1/anchors/${anchor.id}/violations`, {
    rule_code: 'false_claims',
    evidence: { text: 'x' },
    occurred_at: '2020-01-01T00:00:00Z',
  })
  t.equal(tooEarly.statusCode, 422, 'no standard was in force then')
  const future = await mcn.post(`/v1/anchors/${anchor.id}/violations`, {
    rule_code: 'false_claims',
    evidence: { text: 'x' },
    occurred_at: new Date(Date.now() + 3_600_000).toISOString(),
  })
  t.equal(future.statusCode, 422)
  t.equal(
    (await other.post(`/v1/anchors/${anchor.id}/violations`, { rule_code: 'false_claims', evidence: { text: 'x' } }))
      .statusCode,
    404,
    'another MCN’s anchor is not found',
  )

  let standing = (await mcn.get(`/v1/anchors/${anchor.id}/standing`)).json()
  t.match(standing, { status: 'active', strikes: 3, suspension_threshold: 6, standard_version: 2, suspension: null })

  const minor = await mcn.post(`/v1/anchors/${anchor.id}/violations`, {
    rule_code: 'price_misstatement',
    evidence: { text: 'Said ¥59 on stream, the plan said ¥69', urls: ['https://evidence.example.com/clip/1.mp4'] },
    session_id: 'ses_01jdz3m8v0fx2k9a7r4c6t8y1w',
  })
  t.equal(minor.statusCode, 201, minor.body)
  t.match(minor.json(), {
    id: /^viol_/,
    anchor_id: anchor.id,
    standard_version: 2,
    severity: 'minor',
    strike_weight: 1,
    evidence: { text: 'Said ¥59 on stream, the plan said ¥69', urls: ['https://evidence.example.com/clip/1.mp4'] },
    session_id: 'ses_01jdz3m8v0fx2k9a7r4c6t8y1w',
    recorded_by: mcn.clientId,
  })
  standing = (await mcn.get(`/v1/anchors/${anchor.id}/standing`)).json()
  t.match(standing, { status: 'active', strikes: 4 }, 'below the threshold: still active')

  const major = await mcn.post(`/v1/anchors/${anchor.id}/violations`, {
    rule_code: 'false_claims',
    evidence: { text: 'Claimed organic without a certificate' },
  })
  t.equal(major.statusCode, 201)
  standing = (await mcn.get(`/v1/anchors/${anchor.id}/standing`)).json()
  t.match(standing, {
    status: 'suspended',
    strikes: 7,
    suspension: { state: 'in_force', strikes: 7, threshold: 6, standard_version: 2 },
  })
  t.same(
    [...standing.suspension.violation_ids].sort(),
    [old.json().id, minor.json().id, major.json().id].sort(),
    'the suspension names the violations that reached the threshold',
  )
  const suspended = (await mcn.get(`/v1/anchors/${anchor.id}`)).json()
  t.equal(suspended.status, 'suspended', 'the anchor’s own status shows the suspension')

  // A PATCH can neither set nor clear a suspension.
  const clear = await mcn.patch(`/v1/anchors/${anchor.id}`, { status: 'active' })
  t.equal(clear.statusCode, 409)
  t.match(clear.json().detail, /reinstatement/)
  const set = await mcn.patch(`/v1/anchors/${(await makeAnchor(mcn)).id}`, { status: 'suspended' })
  t.equal(set.statusCode, 422)
  t.same(set.json().errors[0].pointer, '/body/status')
  const rename = await mcn.patch(`/v1/anchors/${anchor.id}`, { name: '小雨 Xiaoyu' })
  t.equal(rename.statusCode, 200, 'other fields of a suspended anchor can change')
  t.equal(rename.json().status, 'suspended')

  // More strikes while suspended keep the one suspension in force.
  await mcn.post(`/v1/anchors/${anchor.id}/violations`, { rule_code: 'false_claims', evidence: { text: 'again' } })
  t.equal((await mcn.get(`/v1/anchors/${anchor.id}/suspensions`)).json().data.length, 1)

  const lifted = await mcn.post(`/v1/anchors/${anchor.id}/reinstatement`, { reason: 'Completed training' })
  t.equal(lifted.statusCode, 200, lifted.body)
  t.match(lifted.json(), {
    state: 'lifted',
    lifted_by: mcn.clientId,
    lift_reason: 'Completed training',
    lifted_at: String,
    version: 2,
  })
  t.equal((await mcn.get(`/v1/anchors/${anchor.id}`)).json().status, 'active', 'reinstated: active again')
  standing = (await mcn.get(`/v1/anchors/${anchor.id}/standing`)).json()
  t.match(standing, { status: 'active', strikes: 0, suspension: null }, 'a reinstated anchor starts from zero strikes')
  const again = await mcn.post(`/v1/anchors/${anchor.id}/reinstatement`, { reason: 'twice' })
  t.equal(again.statusCode, 409, 'only a suspended anchor can be reinstated')
  t.equal((await mcn.patch(`/v1/anchors/${anchor.id}`, { status: 'inactive' })).statusCode, 200)

  // Violations stay on record, listed per anchor.
  const list = (await mcn.get(`/v1/anchors/${anchor.id}/violations?limit=2`)).json()
  t.equal(list.data.length, 2)
  t.ok(list.next_cursor)
  const rest = (await mcn.get(`/v1/anchors/${anchor.id}/violations?cursor=${list.next_cursor}`)).json()
  t.equal(list.data.length + rest.data.length, 4)
  t.equal((await other.get(`/v1/anchors/${anchor.id}/violations`)).statusCode, 404)

  // A critical violation suspends at once; the reinstated, inactive anchor is suspended again.
  await mcn.post(`/v1/anchors/${anchor.id}/violations`, { rule_code: 'counterfeit_goods', evidence: { text: 'fake' } })
  t.equal((await mcn.get(`/v1/anchors/${anchor.id}`)).json().status, 'suspended')
  t.equal((await mcn.get(`/v1/anchors/${anchor.id}/suspensions`)).json().data.length, 2)

  const recorded = await events(mcn, 'anchor.violation_recorded')
  t.equal(recorded.length, 5)
  t.match(
    recorded.find((e) => e.resource.id === minor.json().id),
    {
      resource: { type: 'anchor_violation', version: 1 },
      data: { rule_code: 'price_misstatement', anchor_id: anchor.id },
    },
  )
  const suspendedEvents = await events(mcn, 'anchor.suspended')
  t.equal(suspendedEvents.length, 2)
  t.match(suspendedEvents.at(-1), { resource: { type: 'anchor_suspension', version: 1 }, data: { state: 'in_force' } })
  const reinstated = await events(mcn, 'anchor.reinstated')
  t.equal(reinstated.length, 1)
  t.match(reinstated[0], {
    resource: { type: 'anchor_suspension', id: lifted.json().id, version: 2 },
    data: { state: 'lifted', lift_reason: 'Completed training' },
  })
  t.ok(
    (await events(mcn, 'anchor.updated')).some((e) => e.data.id === anchor.id && e.data.status === 'suspended'),
    'the anchor’s own update event shows the suspension',
  )
  t.same(await events(other, 'anchor.suspended'), [], 'another MCN sees none of it')

  const gql = await mcn.post('/graphql', {
    query: `query($id: ID!) {
      anchors { data { id status standing { status tier strikes suspension { state strikes } } } }
      anchorViolations(id: $id, first: 10) { data { rule_code severity strike_weight } next_cursor }
      currentAnchorStandard { version }
    }`,
    variables: { id: anchor.id },
  })
  const data = gql.json().data
  t.ok(data, `GraphQL: ${gql.body}`)
  t.match(
    data.anchors.data.find((a: { id: string }) => a.id === anchor.id),
    {
      status: 'suspended',
      standing: { status: 'suspended', tier: 'tail', strikes: 6, suspension: { state: 'in_force' } },
    },
  )
  t.equal(data.anchorViolations.data.length, 5)
  t.equal(data.currentAnchorStandard.version, 2)
})

t.test('concurrent violations that together reach the threshold suspend once', async (t) => {
  const { app } = await buildTestApp(t)
  const platform = await createTenant(app, { kind: 'platform' })
  const mcn = await createTenant(app, { kind: 'mcn' })
  t.equal((await platform.post('/v1/anchor-standards', standard())).statusCode, 201)
  const anchor = await makeAnchor(mcn)
  const results = await Promise.all(
    Array.from({ length: 8 }, () =>
      mcn.post(`/v1/anchors/${anchor.id}/violations`, { rule_code: 'false_claims', evidence: { text: 'x' } }),
    ),
  )
  t.same(
    results.map((r) => r.statusCode),
    Array(8).fill(201),
  )
  const suspensions = (await mcn.get(`/v1/anchors/${anchor.id}/suspensions`)).json().data
  t.equal(suspensions.length, 1, 'one suspension')
  t.equal(suspensions[0].strikes, 6, 'at the violation that reached the threshold, not later')
  t.equal((await events(mcn, 'anchor.suspended')).length, 1)
})

t.test('tier reviews: ranking inside tiers, one step at a time, limited per review, with history', async (t) => {
  const { app } = await buildTestApp(t, { workers: true })
  const platform = await createTenant(app, { kind: 'platform' })
  const mcn = await createTenant(app, { kind: 'mcn' })
  await platform.post('/v1/anchor-standards', standard())

  const rules = await mcn.get('/v1/anchor-tier-rules')
  t.equal(rules.headers.etag, '"0"', 'defaults until changed')
  t.match(rules.json(), {
    window_days: 90,
    currency: 'CNY',
    support_weights: { tail: 1.3 },
    measured: { repurchase_rate: /^not measured/, audience_growth: /^not measured/ },
  })
  const bad = await mcn.patch('/v1/anchor-tier-rules', { thresholds: { waist: { min_gmv: 999_999_999 } } })
  t.equal(bad.statusCode, 422)
  const changed = await mcn.patch(
    '/v1/anchor-tier-rules',
    {
      thresholds: { head: { min_gmv: 100_000, max_strikes: 2 }, waist: { min_gmv: 10_000, max_strikes: 5 } },
      max_moves_per_review: { share: 0, minimum: 1 },
    },
    { 'if-match': '"0"' },
  )
  t.equal(changed.statusCode, 200, changed.body)
  t.equal((await mcn.patch('/v1/anchor-tier-rules', { window_days: 30 }, { 'if-match': '"0"' })).statusCode, 412)

  const product = await makeProduct(mcn, (await makeSupplier(mcn)).id, {
    list_price: { amount: 1000, currency: 'CNY' },
  })
  const a = await makeAnchor(mcn, { name: 'A' })
  const b = await makeAnchor(mcn, { name: 'B' })
  const c = await makeAnchor(mcn, { name: 'C' })
  const sale = (anchorId: string, amount: number, currency = 'CNY') => ({
    anchor_id: anchorId,
    product_id: product.id,
    quantity: 1,
    sold_on: daysAgo(2),
    amount,
    currency,
  })
  await importSales(mcn, [
    sale(a.id, 200_000),
    sale(b.id, 150_000),
    sale(c.id, 5_000),
    sale(c.id, 900_000, 'USD'), // another currency does not count
    { ...sale(c.id, 900_000), sold_on: daysAgo(200) }, // outside the window
  ])
  t.equal((await mcn.get(`/v1/anchors/${a.id}/standing`)).json().tier, 'tail', 'never reviewed: tail')

  const first = await review(mcn)
  t.match(first, { state: 'succeeded', kind: 'anchors.tier-review' })
  t.same(first.result.promoted, [a.id], 'one promotion per tier per review: the best-ranked')
  t.same(first.result.demoted, [])
  t.match(first.result.held, [{ anchor_id: b.id, tier: 'tail', wanted: 'waist', reason: /may be promoted per review/ }])
  const history = (await mcn.get(`/v1/anchors/${a.id}/tier-history`)).json().data
  t.match(history, [
    {
      id: /^tchg_/,
      anchor_id: a.id,
      review_id: first.id,
      from_tier: 'tail',
      to_tier: 'waist',
      direction: 'promotion',
      rank_in_tier: 1,
      measures: { gmv: 200_000, strikes: 0, repurchase_rate: null, audience_growth: null },
    },
  ])
  t.ok(
    history[0].reasons.some((r: string) => /meets the waist minimum 10,000/.test(r)),
    'with its reasons',
  )
  t.equal((await mcn.get(`/v1/anchors/${a.id}/standing`)).json().tier, 'waist', 'tail to waist, not straight to head')

  const tail = (await mcn.get('/v1/anchor-tier-ranking?tier=tail')).json()
  t.same(
    tail.data.map((r: { anchor_id: string; rank: number }) => [r.anchor_id, r.rank]),
    [
      [b.id, 1],
      [c.id, 2],
    ],
    'ranked inside the tier',
  )
  t.equal(tail.data[1].measures.gmv, 5_000)
  const page = (await mcn.get('/v1/anchor-tier-ranking?tier=tail&limit=1')).json()
  t.equal(page.data[0].anchor_id, b.id)
  const next = (await mcn.get(`/v1/anchor-tier-ranking?tier=tail&limit=1&cursor=${page.next_cursor}`)).json()
  t.same(
    next.data.map((r: { anchor_id: string }) => r.anchor_id),
    [c.id],
  )
  t.equal(next.next_cursor, null)

  const second = await review(mcn)
  t.same(second.result.promoted.sort(), [a.id, b.id].sort(), 'A waist to head, B tail to waist')
  t.equal((await mcn.get(`/v1/anchors/${a.id}/standing`)).json().tier, 'head')
  t.match((await mcn.get('/v1/anchor-tier-ranking?tier=head')).json().data, [{ anchor_id: a.id, rank: 1 }])

  // Strikes above the head maximum demote A one step; B, clean, takes the head slot.
  await mcn.post(`/v1/anchors/${a.id}/violations`, { rule_code: 'false_claims', evidence: { text: 'x' } })
  const third = await review(mcn)
  t.same(third.result.demoted, [a.id])
  t.same(third.result.promoted, [b.id])
  const aHistory = (await mcn.get(`/v1/anchors/${a.id}/tier-history`)).json().data
  t.same(
    aHistory.map((h: { from_tier: string; to_tier: string }) => `${h.from_tier}>${h.to_tier}`),
    ['head>waist', 'waist>head', 'tail>waist'],
  )
  t.ok(aHistory[0].reasons.includes('strikes 3 exceed the head maximum 2'))
  const aStanding = (await mcn.get(`/v1/anchors/${a.id}/standing`)).json()
  t.match(aStanding, { tier: 'waist', rank_in_tier: 1, support_weight: 1.15, strikes: 3 })

  const changes = await events(mcn, 'anchor.tier_changed')
  t.equal(changes.length, 5)
  t.match(
    changes.find((e) => e.data.anchor_id === a.id && e.data.direction === 'demotion'),
    { resource: { type: 'anchor_tier_change', version: 1 }, data: { from_tier: 'head', to_tier: 'waist' } },
  )
  t.equal((await mcn.get(`/v1/anchors/${c.id}/tier-history`)).json().data.length, 0)

  const gql = await mcn.post('/graphql', {
    query: `query($id: ID!) {
      anchorTierHistory(id: $id) { data { from_tier to_tier direction } }
      anchorTierRanking(tier: head) { data { anchor_id rank } }
    }`,
    variables: { id: a.id },
  })
  t.equal(gql.json().data?.anchorTierHistory.data.length, 3, gql.body)
  t.same(gql.json().data.anchorTierRanking.data, [{ anchor_id: b.id, rank: 1 }])
})

t.test('the weekly schedule starts one tier review job per tenant with anchors', async (t) => {
  const { app } = await buildTestApp(t, { workers: true })
  const withAnchors = await createTenant(app, { kind: 'mcn' })
  const without = await createTenant(app, { kind: 'mcn' })
  const anchor = await makeAnchor(withAnchors)
  t.same(tierReview.scheduleJob.schedule, { cron: '0 4 * * 1', payload: {} })
  const ctx = { ...systemCtx('schedule:test'), db: app.db, queues: app.queues, log: app.log }
  t.same(
    await tierReview.scheduleJob.handler(
      ctx,
      {},
      {
        id: 'tick',
        name: 'anchors.tier-review-all',
        queue: 'governance',
        attempt: 1,
        updateProgress: async () => {},
      },
    ),
    { tenants: 1 },
  )
  const jobs = (await withAnchors.get('/v1/jobs')).json().data
  t.equal(jobs.length, 1)
  t.match(await waitForJob(withAnchors, jobs[0].id), { kind: 'anchors.tier-review', state: 'succeeded' })
  t.match((await withAnchors.get(`/v1/anchors/${anchor.id}/standing`)).json(), { tier: 'tail', rank_in_tier: 1 })
  t.same((await without.get('/v1/jobs')).json().data, [])
})
