import { sql } from 'drizzle-orm'
import t from 'tap'
import { buildTestApp, createTenant, type Caller } from '../../helper.js'
import { daysAgo, makeAnchor, makeProduct, makeSupplier, review as runSupplierReview } from '../catalog/builders.js'
import { orderBody } from '../orders/builders.js'
import { ok, world, type World } from './builders.js'

const fake = (prefix: string) => `${prefix}_01h00000000000000000000000`

t.test('reviews per order line', async (t) => {
  const { app } = await buildTestApp(t, { workers: true })
  const mcn = await createTenant(app, { kind: 'mcn' })
  const other = await createTenant(app, { kind: 'mcn' })
  const w = await world(mcn)
  const supplierId = (await ok(await mcn.get(`/v1/products/${w.product}`), 200)).supplier_id as string

  const order = async (c: Caller, wd: World, status: string, line: Record<string, unknown> = {}) =>
    ok(await c.post('/v1/orders', orderBody(wd, { status, paid_at: '2026-01-01T10:06:00Z' }, line)))
  const post = (c: Caller, body: Record<string, unknown>, headers?: Record<string, string>) =>
    c.post('/v1/reviews', body, headers)
  const list = async (c: Caller, query = '') => (await ok(await c.get(`/v1/reviews?limit=200${query}`), 200)).data
  const summary = async (c: Caller, path: string) => c.get(`${path}/review-summary`)

  t.test('a completed order’s line: 201, the ids copied, an event, an idempotent replay', async (t) => {
    const o = await order(mcn, w, 'completed')
    const line = o.items[0]
    const res = await post(mcn, { order_item_id: line.id, rating: 5, text: '很好喝' }, { 'idempotency-key': 'rv-1' })
    const r = await ok(res)
    t.equal(res.headers.etag, '"1"')
    t.match(r, {
      id: /^rev_/,
      order_id: o.id,
      order_item_id: line.id,
      product_id: w.product,
      sku_id: null,
      supplier_id: supplierId,
      anchor_id: w.anchor,
      buyer_id: o.buyer_id,
      rating: 5,
      text: '很好喝',
      version: 1,
      created_at: /Z$/,
    })
    const replay = await post(mcn, { order_item_id: line.id, rating: 5, text: '很好喝' }, { 'idempotency-key': 'rv-1' })
    t.equal(replay.statusCode, 201)
    t.same(replay.json(), r, 'the replay answers the first review and stores no second')
    t.same(await ok(await mcn.get(`/v1/reviews/${r.id}`), 200), r)
    const events = (await ok(await mcn.get('/v1/events?type=review.created'), 200)).data
    t.match(
      events.filter((e: any) => e.resource.id === r.id),
      [{ type: 'review.created', resource: { type: 'review', id: r.id, version: 1 }, data: r }],
      'review.created carries the review',
    )

    t.test('a second review of the line: 409 naming the first, nothing stored', async (t) => {
      const again = await post(mcn, { order_item_id: line.id, rating: 1 })
      t.equal(again.statusCode, 409)
      t.match(again.headers['content-type'], /problem\+json/)
      t.match(again.json(), { code: 'conflict', review_id: r.id })
      t.match(again.json().detail, r.id)
      t.same(
        (await list(mcn, `&order_id=${o.id}`)).map((x: any) => x.rating),
        [5],
      )
    })

    t.test('two at once for one line: one review, the other 409 with its id', async (t) => {
      const twin = await order(mcn, w, 'delivered')
      const answers = await Promise.all([4, 2].map((rating) => post(mcn, { order_item_id: twin.items[0].id, rating })))
      const codes = answers.map((a) => a.statusCode).sort()
      t.same(codes, [201, 409])
      const won = answers.find((a) => a.statusCode === 201)!.json()
      t.equal(answers.find((a) => a.statusCode === 409)!.json().review_id, won.id)
      t.equal((await list(mcn, `&order_id=${twin.id}`)).length, 1)
    })
  })

  t.test('an order not yet delivered (or cancelled): 409 with its status, nothing stored', async (t) => {
    for (const status of ['created', 'paid', 'shipped', 'cancelled']) {
      const o = await order(mcn, w, status)
      const res = await post(mcn, { order_item_id: o.items[0].id, rating: 4 })
      t.equal(res.statusCode, 409, status)
      t.match(res.json(), { code: 'conflict', order_status: status })
      t.same(await list(mcn, `&order_id=${o.id}`), [], `${status}: no review`)
    }
  })

  t.test('an unknown line, or another tenant’s: 404 pointing at order_item_id', async (t) => {
    const res = await post(mcn, { order_item_id: fake('oit'), rating: 4 })
    t.equal(res.statusCode, 404)
    t.match(res.json(), { code: 'not_found', errors: [{ pointer: '/body/order_item_id' }] })
    const mine = await order(mcn, w, 'completed')
    const foreign = await post(other, { order_item_id: mine.items[0].id, rating: 1, text: 'sabotage' })
    t.equal(foreign.statusCode, 404, 'another MCN cannot review this MCN’s line')
    t.notMatch(foreign.body, mine.id, 'and learns nothing of the order')
    t.same(await list(mcn, `&order_id=${mine.id}`), [])
  })

  t.test('bad input: 400 with a pointer, nothing stored', async (t) => {
    const o = await order(mcn, w, 'completed')
    const line = o.items[0].id
    for (const [body, pointer] of [
      [{ order_item_id: line, rating: 0 }, '/body/rating'],
      [{ order_item_id: line, rating: 6 }, '/body/rating'],
      [{ order_item_id: line, rating: 3.5 }, '/body/rating'],
      [{ order_item_id: line }, '/body/rating'],
      [{ order_item_id: line, rating: 5, text: 'x'.repeat(2001) }, '/body/text'],
      [{ order_item_id: line, rating: 5, text: '' }, '/body/text'],
      [{ order_item_id: 'ord_not-a-line', rating: 5 }, '/body/order_item_id'],
      [{ order_item_id: line, rating: 5, supplier_id: supplierId }, '/body'],
    ] as const) {
      const res = await post(mcn, body)
      t.equal(res.statusCode, 400, JSON.stringify(body).slice(0, 80))
      t.match(res.headers['content-type'], /problem\+json/)
      t.ok(
        res.json().errors?.some((e: any) => e.pointer.startsWith(pointer)),
        `points at ${pointer}: ${res.body.slice(0, 200)}`,
      )
    }
    t.same(await list(mcn, `&order_id=${o.id}`), [], 'no review was stored')
    t.equal(
      (await post(mcn, { order_item_id: line, rating: 5, text: 'x'.repeat(2000) })).statusCode,
      201,
      '2000 is fine',
    )
  })

  t.test('lists by product, supplier, anchor and order, newest first; summaries', async (t) => {
    const tenant = await createTenant(app, { kind: 'mcn' })
    const w1 = await world(tenant)
    const supplier1 = (await ok(await tenant.get(`/v1/products/${w1.product}`), 200)).supplier_id as string
    const w2 = await world(tenant)
    const supplier2 = (await ok(await tenant.get(`/v1/products/${w2.product}`), 200)).supplier_id as string
    const rate = async (wd: World, rating: number) => {
      const o = await order(tenant, wd, 'delivered')
      return ok(await post(tenant, { order_item_id: o.items[0].id, rating }))
    }
    const a = await rate(w1, 5)
    const b = await rate(w1, 3)
    const c = await rate(w1, 5)
    const d = await rate(w2, 1)

    t.same(
      (await list(tenant)).map((r: any) => r.id),
      [d.id, c.id, b.id, a.id],
      'newest first',
    )
    t.same(
      (await list(tenant, `&product_id=${w1.product}`)).map((r: any) => r.id),
      [c.id, b.id, a.id],
    )
    t.same(
      (await list(tenant, `&supplier_id=${supplier2}`)).map((r: any) => r.id),
      [d.id],
    )
    t.same(
      (await list(tenant, `&anchor_id=${w1.anchor}`)).map((r: any) => r.id),
      [c.id, b.id, a.id],
    )
    t.same(
      (await list(tenant, `&order_id=${b.order_id}`)).map((r: any) => r.id),
      [b.id],
    )
    t.same(await list(tenant, `&product_id=${w1.product}&anchor_id=${w2.anchor}`), [], 'filters combine')
    const page1 = await ok(await tenant.get(`/v1/reviews?limit=3&product_id=${w1.product}`), 200)
    t.equal(page1.data.length, 3)
    t.equal(page1.next_cursor, null)
    const first = await ok(await tenant.get('/v1/reviews?limit=2'), 200)
    const second = await ok(await tenant.get(`/v1/reviews?limit=2&cursor=${first.next_cursor}`), 200)
    t.same(
      [...first.data, ...second.data].map((r: any) => r.id),
      [d.id, c.id, b.id, a.id],
      'cursor pages',
    )
    t.equal(second.next_cursor, null)
    t.equal((await tenant.get('/v1/reviews?product_id=sup_x')).statusCode, 400, 'a filter id of the wrong kind')

    const product = await ok(await summary(tenant, `/v1/products/${w1.product}`), 200)
    t.same(product, {
      subject: { type: 'product', id: w1.product },
      count: 3,
      average_rating: 4.33,
      distribution: { '1': 0, '2': 0, '3': 1, '4': 0, '5': 2 },
    })
    t.match(await ok(await summary(tenant, `/v1/suppliers/${supplier2}`), 200), {
      subject: { type: 'supplier', id: supplier2 },
      count: 1,
      average_rating: 1,
      distribution: { '1': 1, '5': 0 },
    })
    t.match(await ok(await summary(tenant, `/v1/suppliers/${supplier1}`), 200), { count: 3, average_rating: 4.33 })
    t.match(await ok(await summary(tenant, `/v1/anchors/${w1.anchor}`), 200), {
      subject: { type: 'anchor', id: w1.anchor },
      count: 3,
    })
    const quiet = await makeAnchor(tenant)
    t.same(await ok(await summary(tenant, `/v1/anchors/${quiet.id}`), 200), {
      subject: { type: 'anchor', id: quiet.id },
      count: 0,
      average_rating: null,
      distribution: { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 },
    })
    t.equal((await summary(tenant, `/v1/products/${fake('prd')}`)).statusCode, 404)

    t.test('isolation: another tenant sees none of it', async (t) => {
      t.equal((await other.get(`/v1/reviews/${a.id}`)).statusCode, 404)
      t.same(await list(other, `&product_id=${w1.product}`), [])
      for (const path of [`/v1/products/${w1.product}`, `/v1/suppliers/${supplier1}`, `/v1/anchors/${w1.anchor}`]) {
        const res = await summary(other, path)
        t.equal(res.statusCode, 404, path)
        t.notMatch(res.body, /"count"/)
      }
    })

    t.test('GraphQL: reviews and review', async (t) => {
      const gql = await tenant.post('/graphql', {
        query: `query($p: String!, $id: ID!) {
          reviews(product_id: $p, first: 2) { data { id rating supplier_id } next_cursor }
          review(id: $id) { id rating text }
        }`,
        variables: { p: w1.product, id: d.id },
      })
      const data = gql.json().data
      t.ok(data, `GraphQL: ${gql.body}`)
      t.same(
        data.reviews.data.map((r: any) => r.id),
        [c.id, b.id],
      )
      t.equal(data.reviews.data[0].supplier_id, supplier1)
      t.ok(data.reviews.next_cursor)
      t.same(data.review, { id: d.id, rating: 1, text: null })
      const foreign = (await other.post('/graphql', { query: `{ review(id: "${d.id}") { id } }` })).json()
      t.equal(foreign.data?.review ?? null, null, 'another tenant’s review is null')
    })
  })

  t.test('reviews move the supplier’s survey component and so its reputation', async (t) => {
    const tenant = await createTenant(app, { kind: 'mcn' })
    const surveyed = await makeSupplier(tenant, { name: 'Surveyed farm' })
    const reviewedOnly = await makeSupplier(tenant, { name: 'Reviewed only' })
    const silent = await makeSupplier(tenant, { name: 'Silent' })
    const tea = await makeProduct(tenant, surveyed.id, { category: 'tea' })
    const honey = await makeProduct(tenant, reviewedOnly.id, { category: 'food' })
    await makeProduct(tenant, silent.id)
    const anchor = await makeAnchor(tenant)
    await ok(
      await tenant.post('/v1/inspections', { product_id: tea.id, inspected_on: daysAgo(3), result: 'pass', score: 90 }),
    )
    await ok(
      await tenant.post('/v1/surveys', {
        product_id: tea.id,
        surveyed_on: daysAgo(2),
        respondents: 10,
        ratings: { quality: 5, description_match: 5, logistics: 5, service: 5 },
      }),
    )
    const reputation = async (id: string) => (await ok(await tenant.get(`/v1/suppliers/${id}`), 200)).reputation

    t.match((await runSupplierReview(tenant)).result, { scored: 1 })
    // inspections 90 (0.4), surveys 100 (0.3) → (36 + 30) / 0.7
    t.match(await reputation(surveyed.id), {
      score: 94.29,
      components: { inspections: 90, surveys: 100, survey_respondents: 10 },
    })

    const delivered = async (product: string, rating: number) => {
      const o = ok(
        await tenant.post('/v1/orders', {
          platform: 'douyin',
          external_order_id: `rep-${product}-${rating}-${Math.random()}`,
          anchor_id: anchor.id,
          buyer: { ref: `buyer-${Math.random()}` },
          currency: 'CNY',
          items: [{ product_id: product, quantity: 1, unit_price: 1000 }],
          placed_at: '2026-01-01T10:00:00Z',
          paid_at: '2026-01-01T10:01:00Z',
          status: 'delivered',
        }),
      )
      return ok(await tenant.post('/v1/reviews', { order_item_id: (await o).items[0].id, rating }))
    }
    await delivered(tea.id, 1)
    await delivered(tea.id, 1)
    const fourStars = await delivered(honey.id, 4)
    await delivered(honey.id, 5)

    const after = await runSupplierReview(tenant)
    t.match(after.result, { scored: 2 }, 'a supplier with only reviews now has a score')
    // surveys: (10 × 100 + 2 × 0) / 12 = 83.33; reputation (36 + 0.3 × 83.33) / 0.7
    t.match(await reputation(surveyed.id), {
      score: 87.14,
      components: { inspections: 90, surveys: 83.33, survey_respondents: 12 },
    })
    // 4 stars → 75, 5 stars → 100: surveys 87.5 is the whole score
    t.match(await reputation(reviewedOnly.id), {
      score: 87.5,
      components: { surveys: 87.5, survey_respondents: 2, inspections: null },
    })
    t.equal((await reputation(silent.id)).score, null, 'no data, still no score')

    t.test('within the policy’s window only', async (t) => {
      await ok(await tenant.patch('/v1/supplier-policy', { window_days: 7 }, { 'if-match': '"0"' }), 200)
      // As if the 4-star review were a month old: the survey signal keeps its reviews' dates.
      await app.db.execute(sql`update review_ratings set rated_on = current_date - 30 where id = ${fourStars.id}`)
      await runSupplierReview(tenant)
      t.match(await reputation(reviewedOnly.id), {
        score: 100,
        components: { surveys: 100, survey_respondents: 1 },
      })
    })
  })
})
