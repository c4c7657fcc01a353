import t from 'tap'
import { buildTestApp, createTenant } from '../../helper.js'
import { daysAgo, importSales, makeAnchor, makeProduct, makeSupplier } from '../catalog/builders.js'

t.test('admission criteria: an application is admitted, or refused with each failed criterion', async (t) => {
  const { app } = await buildTestApp(t, { workers: true })
  const mcn = await createTenant(app, { kind: 'mcn' })

  const criteriaRes = await mcn.post('/v1/admission-criteria', {
    name: 'Food suppliers 2026',
    required_documents: ['business_license', 'food_permit'],
    min_inspection_score: 80,
    min_survey_score: 70,
    min_reputation: 75,
    max_return_rate: 0.1,
    max_dispute_rate: 0.02,
    allowed_kinds: ['farmer', 'factory'],
    allowed_brand_tiers: ['emerging', 'mature'],
  })
  t.equal(criteriaRes.statusCode, 201)
  t.equal(criteriaRes.headers.etag, '"1"')
  const criteria = criteriaRes.json()
  t.match(criteria, {
    id: /^crt_/,
    required_documents: ['business_license', 'food_permit'],
    min_reputation: 75,
    active: true,
  })

  // A farmer with good inspections, surveys and sales passes every rule.
  const farmer = await makeSupplier(mcn, {
    name: 'Hill farm',
    kind: 'farmer',
    micro: true,
    brand_tier: 'emerging',
    status: undefined,
    documents: ['business_license'],
  })
  t.equal(farmer.status, 'applied')
  const tea = await makeProduct(mcn, farmer.id, { title: 'Hill tea', category: 'food' })
  t.equal(
    (
      await mcn.post('/v1/inspections', {
        product_id: tea.id,
        inspected_on: daysAgo(3),
        result: 'pass',
        score: 92,
        defects: [],
      })
    ).statusCode,
    201,
  )
  t.equal(
    (
      await mcn.post('/v1/surveys', {
        product_id: tea.id,
        surveyed_on: daysAgo(2),
        respondents: 40,
        ratings: { quality: 5, description_match: 4.5, logistics: 4, service: 4.5 },
      })
    ).statusCode,
    201,
  )
  const anchor = await makeAnchor(mcn)
  await importSales(mcn, [
    { anchor_id: anchor.id, product_id: tea.id, quantity: 100, sold_on: daysAgo(5), returned_quantity: 3, disputes: 1 },
  ])

  const admitted = await mcn.post(`/v1/suppliers/${farmer.id}/applications`, {
    criteria_id: criteria.id,
    documents: ['food_permit'],
  })
  t.equal(admitted.statusCode, 201)
  t.match(admitted.json(), {
    id: /^apl_/,
    supplier_id: farmer.id,
    criteria_id: criteria.id,
    status: 'admitted',
    failures: [],
  })
  t.match(admitted.json().evidence, {
    inspection_score: 92,
    return_rate: 0.03,
    dispute_rate: 0.01,
    documents: ['business_license', 'food_permit'],
  })
  const after = (await mcn.get(`/v1/suppliers/${farmer.id}`)).json()
  t.equal(after.status, 'admitted')
  t.same(
    after.documents,
    ['business_license', 'food_permit'],
    'documents submitted with the application are kept on file',
  )
  const events = (await mcn.get('/v1/events?type=supplier.admitted')).json().data
  t.equal(events.length, 1)
  t.match(events[0], {
    resource: { type: 'supplier', id: farmer.id },
    data: { supplier_id: farmer.id, status: 'admitted' },
  })
  t.equal((await mcn.get(`/v1/supplier-applications/${admitted.json().id}`)).json().status, 'admitted')

  // Each rule on its own, and a supplier that breaks exactly it.
  const brokenBy: Record<
    string,
    {
      criteria: Record<string, unknown>
      supplier: Record<string, unknown>
      setup?: (supplierId: string) => Promise<void>
      actual: unknown
    }
  > = {
    required_documents: {
      criteria: { required_documents: ['food_permit'] },
      supplier: { documents: ['business_license'] },
      actual: ['business_license'],
    },
    min_inspection_score: {
      criteria: { min_inspection_score: 80 },
      supplier: {},
      setup: async (id) =>
        void (await mcn.post('/v1/inspections', {
          supplier_id: id,
          inspected_on: daysAgo(1),
          result: 'fail',
          score: 55,
          defects: [{ code: 'mould', severity: 'critical' }],
        })),
      actual: 55,
    },
    min_survey_score: {
      criteria: { min_survey_score: 70 },
      supplier: {},
      setup: async (id) =>
        void (await mcn.post('/v1/surveys', {
          supplier_id: id,
          surveyed_on: daysAgo(1),
          respondents: 10,
          ratings: { quality: 2, description_match: 2, logistics: 3, service: 3 },
        })),
      actual: 37.5,
    },
    min_reputation: { criteria: { min_reputation: 60 }, supplier: {}, actual: null },
    max_return_rate: {
      criteria: { max_return_rate: 0.1 },
      supplier: {},
      setup: async (id) => {
        const p = await makeProduct(mcn, id)
        await importSales(mcn, [
          { anchor_id: anchor.id, product_id: p.id, quantity: 50, sold_on: daysAgo(4), returned_quantity: 20 },
        ])
      },
      actual: 0.4,
    },
    max_dispute_rate: {
      criteria: { max_dispute_rate: 0.02 },
      supplier: {},
      setup: async (id) => {
        const p = await makeProduct(mcn, id)
        await importSales(mcn, [
          { anchor_id: anchor.id, product_id: p.id, quantity: 50, sold_on: daysAgo(4), disputes: 5 },
        ])
      },
      actual: 0.1,
    },
    allowed_kinds: { criteria: { allowed_kinds: ['farmer'] }, supplier: { kind: 'merchant' }, actual: 'merchant' },
    allowed_brand_tiers: {
      criteria: { allowed_brand_tiers: ['emerging'] },
      supplier: { brand_tier: 'premium' },
      actual: 'premium',
    },
  }
  for (const [criterion, c] of Object.entries(brokenBy)) {
    const crt = (await mcn.post('/v1/admission-criteria', { name: `only ${criterion}`, ...c.criteria })).json()
    const s = await makeSupplier(mcn, { name: `fails ${criterion}`, status: undefined, ...c.supplier })
    await c.setup?.(s.id)
    const res = await mcn.post(`/v1/suppliers/${s.id}/applications`, { criteria_id: crt.id })
    t.equal(res.statusCode, 201, criterion)
    const body = res.json()
    t.equal(body.status, 'refused', `${criterion}: refused`)
    t.same(
      body.failures.map((f: { criterion: string }) => f.criterion),
      [criterion],
      `${criterion}: the one failed criterion is listed`,
    )
    t.same(body.failures[0].actual, c.actual, `${criterion}: with what was measured`)
    t.equal(
      (await mcn.get(`/v1/suppliers/${s.id}`)).json().status,
      'applied',
      `${criterion}: the supplier stays applied`,
    )
  }

  // Every failure at once is listed, not just the first.
  const everything = await makeSupplier(mcn, {
    name: 'fails all',
    kind: 'brand',
    brand_tier: 'premium',
    status: undefined,
  })
  const all = (await mcn.post(`/v1/suppliers/${everything.id}/applications`, { criteria_id: criteria.id })).json()
  t.same(all.failures.map((f: { criterion: string }) => f.criterion).sort(), [
    'allowed_brand_tiers',
    'allowed_kinds',
    'min_inspection_score',
    'min_reputation',
    'min_survey_score',
    'required_documents',
  ])
  const history = (await mcn.get(`/v1/suppliers/${everything.id}/applications`)).json()
  t.equal(history.data.length, 1)

  // Inactive criteria refuse to be applied.
  const patched = await mcn.patch(`/v1/admission-criteria/${criteria.id}`, { active: false }, { 'if-match': '"1"' })
  t.equal(patched.statusCode, 200)
  t.equal(patched.headers.etag, '"2"')
  t.equal(
    (await mcn.patch(`/v1/admission-criteria/${criteria.id}`, { name: 'stale' }, { 'if-match': '"1"' })).statusCode,
    412,
  )
  const inactive = await mcn.post(`/v1/suppliers/${everything.id}/applications`, { criteria_id: criteria.id })
  t.equal(inactive.statusCode, 422)

  // Another tenant sees none of it.
  const other = await createTenant(app, { kind: 'mcn' })
  t.equal((await other.post(`/v1/suppliers/${farmer.id}/applications`, { criteria_id: criteria.id })).statusCode, 404)
  t.equal((await other.get(`/v1/admission-criteria/${criteria.id}`)).statusCode, 404)
  t.equal((await other.get('/v1/admission-criteria')).json().data.length, 0)
  const ownCriteria = (await other.post('/v1/admission-criteria', { name: 'mine' })).json()
  t.equal(
    (await mcn.post(`/v1/suppliers/${farmer.id}/applications`, { criteria_id: ownCriteria.id })).statusCode,
    404,
    "another tenant's criteria are not found",
  )
})
