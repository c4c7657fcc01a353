import type { FastifyInstance } from 'fastify'
import { createTenant, type Caller } from './helper.js'
import type { Ctx } from '../src/lib/context.js'
import { inTenant } from '../src/db/tenancy.js'
import { emit } from '../src/lib/outbox.js'
import { JobResourcePayload, startJob } from '../src/modules/jobs/service.js'
import { defineJob } from '../src/lib/jobs.js'

/**
 * One creator per id prefix: makes a resource of that kind in the owner's tenant (through
 * the public API where one exists, else the service) and returns its id. The shared
 * security suite (test/security.test.ts) calls every `{id}` route with another tenant's
 * token and these ids; a route whose prefix has no creator here fails that suite, so
 * every new resource adds one.
 */
export interface FixtureEnv {
  app: FastifyInstance
}
export type FixtureCreator = (owner: Caller, env: FixtureEnv) => Promise<string>

/** A context for the caller's tenant, for fixtures that have no public create route. */
export function serviceCtx(app: FastifyInstance, caller: Caller): Ctx {
  return {
    tenantId: caller.organizationId,
    actor: { clientId: caller.clientId, organizationId: caller.organizationId, organizationKind: 'mcn', scopes: [] },
    requestId: 'fixture',
    log: app.log,
    db: app.db,
    queues: app.queues,
  }
}

/** A job resource that stays queued: no worker is registered for it. */
const fixtureJob = defineJob({
  queue: 'analytics',
  name: 'fixture.noop',
  payload: JobResourcePayload,
  handler: async () => undefined,
})

const created = async (
  res: { statusCode: number; body: string; json(): any },
  pick: (b: any) => string = (b) => b.id,
) => {
  if (res.statusCode >= 300) throw new Error(`fixture create failed: ${res.statusCode} ${res.body}`)
  return pick(res.json())
}

async function providerApp(app: FastifyInstance): Promise<string> {
  const provider = await createTenant(app, { kind: 'provider' })
  return created(
    await provider.post('/v1/apps', { name: 'fixture app', requested_scopes: ['events:read'] }),
    (b) => b.app.id,
  )
}

export const fixtures: Record<string, FixtureCreator> = {
  // An organization is its own tenant: the owner's organization is the resource another must not see.
  org: async (owner) => owner.organizationId,
  cli: async (owner) =>
    created(await owner.post('/v1/clients', { name: 'fixture client', scopes: ['events:read'] }), (b) => b.client.id),
  app: async (_owner, { app }) => providerApp(app),
  ins: async (owner, { app }) => created(await owner.post('/v1/installations', { app_id: await providerApp(app) })),
  // Events are written by state changes; the outbox service writes one directly here.
  evt: async (owner, { app }) =>
    inTenant(serviceCtx(app, owner), (tx) =>
      emit(tx, 'fixture.happened', { type: 'fixture', id: 'fx_1', version: 1 }, { secret: 'owner-data' }),
    ),
  job: async (owner, { app }) => (await startJob(serviceCtx(app, owner), fixtureJob)).id,
  // Catalog, governance, supply pools and anchors (issue #4).
  sup: (owner) => fixtureSupplier(owner),
  prd: (owner) => fixtureProduct(owner),
  sku: async (owner) =>
    created(
      await owner.post(`/v1/products/${await fixtureProduct(owner)}/skus`, {
        code: 'fixture-sku',
        price: { amount: 1000, currency: 'CNY' },
        stock: 1,
      }),
    ),
  crt: (owner) => fixtureCriteria(owner),
  apl: async (owner) =>
    created(
      await owner.post(`/v1/suppliers/${await fixtureSupplier(owner)}/applications`, {
        criteria_id: await fixtureCriteria(owner),
      }),
    ),
  insp: async (owner) =>
    created(
      await owner.post('/v1/inspections', {
        product_id: await fixtureProduct(owner),
        inspected_on: '2026-01-01',
        result: 'pass',
        score: 90,
        notes: 'owner-data',
      }),
    ),
  srv: async (owner) =>
    created(
      await owner.post('/v1/surveys', {
        supplier_id: await fixtureSupplier(owner),
        surveyed_on: '2026-01-01',
        respondents: 10,
        ratings: { quality: 5, description_match: 5, logistics: 5, service: 5 },
      }),
    ),
  pool: (owner) => fixturePool(owner),
  pitm: async (owner) =>
    created(
      await owner.post(`/v1/supply-pools/${await fixturePool(owner)}/items`, {
        product_id: await fixtureProduct(owner),
      }),
    ),
  anc: async (owner) => created(await owner.post('/v1/anchors', { name: 'owner-data anchor' })),
  crw: (owner) => fixtureCrewMember(owner),
  ses: (owner) => fixtureSession(owner),
  med: async (owner) =>
    created(
      await owner.post(`/v1/sessions/${await fixtureSession(owner)}/media`, {
        kind: 'recording',
        source_url: 'https://93.184.215.14/owner-data.mp4',
      }),
    ),
  slot: async (owner) => {
    const pool = await fixturePool(owner)
    const product = await fixtureProduct(owner)
    await created(await owner.post(`/v1/supply-pools/${pool}/items`, { product_id: product }))
    return created(
      await owner.post(`/v1/sessions/${await fixtureSession(owner)}/slots`, {
        product_id: product,
        pool_id: pool,
        planned_minute: 0,
        duration_minutes: 10,
        live_price: { amount: 800, currency: 'CNY' },
      }),
    )
  },
  // Orders (issue #12): an order and the pseudonymous buyer it names.
  ord: async (owner) => created(await fixtureOrder(owner)),
  buy: async (owner) => created(await fixtureOrder(owner), (b) => b.buyer_id),
  // After-sales (issue #12): a refund and a dispute on a paid order.
  rfd: async (owner) =>
    created(
      await owner.post(`/v1/orders/${await created(await fixtureOrder(owner, 'paid'))}/refunds`, {
        reason: 'damaged',
        amount: 100,
      }),
    ),
  dsp: async (owner) =>
    created(
      await owner.post('/v1/disputes', {
        order_id: await created(await fixtureOrder(owner, 'paid')),
        evidence: { text: 'owner-data evidence', urls: [] },
      }),
    ),
  // A review of the line of a delivered order.
  rev: async (owner) =>
    created(
      await owner.post('/v1/reviews', {
        order_item_id: await created(await fixtureOrder(owner, 'delivered'), (b) => b.items[0].id),
        rating: 4,
        text: 'owner-data review',
      }),
    ),
  // Interaction (issue #13).
  bwd: async (owner) => created(await owner.post('/v1/moderation/blocked-words', { word: 'owner-data word' })),
  // Acquisition (issue #13).
  cmp: (owner) => fixtureCampaign(owner),
  plc: async (owner) =>
    created(
      await owner.post(`/v1/campaigns/${await fixtureCampaign(owner)}/placements`, {
        session_id: await fixtureSession(owner),
        kind: 'boost',
        cost: { amount: 100, currency: 'CNY' },
        starts_at: '2030-01-01T10:00:00Z',
        ends_at: '2030-01-01T11:00:00Z',
      }),
    ),
  lnk: async (owner) =>
    created(
      await owner.post(`/v1/campaigns/${await fixtureCampaign(owner)}/links`, {
        target: { type: 'product', id: await fixtureProduct(owner) },
        label: 'owner-data',
      }),
    ),
  con: async (owner) =>
    created(
      await owner.post('/v1/consultations', {
        product_id: await fixtureProduct(owner),
        buyer: { platform: 'douyin', ref: 'owner-data buyer' },
        text: 'owner-data question',
        channel: 'other',
      }),
    ),
  // Live tools (issue #13 item 4).
  qst: async (owner) =>
    created(
      await owner.post(`/v1/sessions/${await fixtureSession(owner)}/questions`, {
        buyer: { platform: 'douyin', ref: 'owner-data buyer' },
        text: 'owner-data question',
      }),
    ),
  pol: async (owner) =>
    created(
      await owner.post(`/v1/sessions/${await fixtureSession(owner)}/polls`, {
        question: 'owner-data poll',
        options: ['a', 'b'],
        open: true,
      }),
    ),
  cpn: async (owner) =>
    created(
      await owner.post('/v1/coupons', {
        session_id: await fixtureSession(owner),
        name: 'owner-data coupon',
        discount: { percent: 10 },
        total_limit: 5,
      }),
    ),
  drw: async (owner) =>
    created(
      await owner.post(`/v1/sessions/${await fixtureSession(owner)}/draws`, {
        prize: 'owner-data prize',
        winners_count: 1,
      }),
    ),
  // Settlements (issue #12 item 6): a contract, and a statement (its row exists from the close request on).
  ctr: async (owner) =>
    created(
      await owner.post(
        `/v1/anchors/${await created(await owner.post('/v1/anchors', { name: 'owner-data signed' }))}/contracts`,
        {
          mcn_share_rate: 0.3,
          starts_on: '2026-01-01',
          note: 'owner-data contract',
        },
      ),
    ),
  stl: async (owner) => {
    const period = `${2000 + ++fixtureSettlements}-01`
    await created(await owner.post('/v1/settlements', { period }))
    return created(await owner.get(`/v1/settlements?period=${period}`), (b) => b.data[0].id)
  },
  // A public address literal: the address check passes without DNS.
  wep: async (owner) =>
    created(
      await owner.post('/v1/webhook-endpoints', {
        url: 'https://93.184.215.14/owner-data',
        event_types: ['*'],
        description: 'owner-data',
      }),
      (b) => b.endpoint.id,
    ),
}

async function fixtureSupplier(owner: Caller) {
  return created(
    await owner.post('/v1/suppliers', {
      name: 'owner-data supplier',
      kind: 'brand',
      brand_tier: 'mature',
      status: 'admitted',
    }),
  )
}
let fixtureOrders = 0
let fixtureSettlements = 0
async function fixtureOrder(owner: Caller, status?: 'paid' | 'delivered') {
  return owner.post('/v1/orders', {
    ...(status && { status, paid_at: '2026-01-01T10:05:00Z' }),
    platform: 'douyin',
    external_order_id: `owner-data-${++fixtureOrders}-${Date.now()}`,
    anchor_id: await created(await owner.post('/v1/anchors', { name: 'owner-data buyer’s anchor' })),
    buyer: { ref: 'owner-data buyer' },
    currency: 'CNY',
    items: [{ product_id: await fixtureProduct(owner), quantity: 1, unit_price: 1000 }],
    placed_at: '2026-01-01T10:00:00Z',
  })
}
async function fixtureProduct(owner: Caller) {
  return created(
    await owner.post('/v1/products', {
      supplier_id: await fixtureSupplier(owner),
      title: 'owner-data product',
      category: 'beauty',
      list_price: { amount: 1000, currency: 'CNY' },
      commission_rate: 0.1,
    }),
  )
}
async function fixturePool(owner: Caller) {
  return created(await owner.post('/v1/supply-pools', { name: 'owner-data pool' }))
}
/** A fresh host and crew member each time, so fixture sessions never conflict. */
async function fixtureSession(owner: Caller) {
  return created(
    await owner.post('/v1/sessions', {
      title: 'owner-data session',
      platform: 'douyin',
      planned_start: '2030-01-01T10:00:00Z',
      planned_end: '2030-01-01T12:00:00Z',
      host_anchor_id: await created(await owner.post('/v1/anchors', { name: 'owner-data host' })),
      crew: [{ crew_member_id: await fixtureCrewMember(owner), role: 'copywriter' }],
    }),
  )
}
async function fixtureCampaign(owner: Caller) {
  return created(
    await owner.post('/v1/campaigns', {
      name: 'owner-data campaign',
      goal: 'followers',
      channel: 'other',
      budget: { amount: 1000, currency: 'CNY' },
      starts_at: '2030-01-01T00:00:00Z',
      ends_at: '2030-02-01T00:00:00Z',
    }),
  )
}
async function fixtureCrewMember(owner: Caller) {
  return created(await owner.post('/v1/crew-members', { name: 'owner-data crew', roles: ['copywriter'] }))
}
async function fixtureCriteria(owner: Caller) {
  return created(await owner.post('/v1/admission-criteria', { name: 'owner-data criteria' }))
}
const fakeId = (prefix: string) => `${prefix}_01h00000000000000000000000`

/**
 * A valid body for mutating `{id}` routes, so the suite reaches the handler (and its 404)
 * instead of stopping at validation. Keyed by operationId.
 */
export const sampleBodies: Record<string, unknown> = {
  rotateClientSecret: { overlap_seconds: 0 },
  createOrganizationClient: { name: 'intruder client' },
  applyForAdmission: { criteria_id: fakeId('crt') },
  createSku: { code: 'intruder-sku', price: { amount: 1, currency: 'CNY' }, stock: 1 },
  addPoolItem: { product_id: fakeId('prd') },
  createPoolGrant: { organization_id: fakeId('org') },
  revokePoolGrant: { organization_id: fakeId('org') },
  updateWebhookEndpoint: { description: 'intruder' },
  replayWebhookMessages: { since: '2026-01-01T00:00:00Z' },
  updateInstallation: { scopes: ['events:read'] },
  recordAnchorViolation: { rule_code: 'false_claims', evidence: { text: 'intruder' } },
  reinstateAnchor: { reason: 'intruder' },
  changeSessionStatus: { status: 'cancelled' },
  pinSessionProduct: { product_id: fakeId('prd') },
  shelveSessionProduct: { product_id: fakeId('prd'), on_shelf: true },
  createSlot: {
    product_id: fakeId('prd'),
    pool_id: fakeId('pool'),
    planned_minute: 0,
    duration_minutes: 10,
    live_price: { amount: 1, currency: 'CNY' },
  },
  reorderRunOfShow: { slot_ids: [] },
  createPlacement: {
    session_id: fakeId('ses'),
    kind: 'boost',
    cost: { amount: 1, currency: 'CNY' },
    starts_at: '2030-01-01T10:00:00Z',
    ends_at: '2030-01-01T11:00:00Z',
  },
  createTrackedLink: { target: { type: 'product', id: fakeId('prd') } },
  claimConsultation: { agent_kind: 'ai' },
  answerConsultation: { text: 'intruder' },
  closeConsultation: {},
  askSessionQuestion: { buyer: { platform: 'douyin', ref: 'intruder' }, text: 'intruder' },
  createSessionPoll: { question: 'intruder', options: ['a', 'b'] },
  createSessionDraw: { prize: 'intruder', winners_count: 1 },
  answerQuestion: { text: 'intruder' },
  castPollVote: { buyer: { platform: 'douyin', ref: 'intruder' }, option: 0 },
  claimCoupon: { buyer: { platform: 'douyin', ref: 'intruder' } },
  enterDraw: { buyer: { platform: 'douyin', ref: 'intruder' } },
  ingestInteractions: { events: [{}] },
  createContract: { mcn_share_rate: 0.1, starts_on: '2030-01-01' },
  updateContract: { note: 'intruder' },
  requestRefund: { reason: 'damaged', amount: 1 },
  refuseRefund: { reason: 'intruder' },
  shipRefundReturn: { tracking_number: 'intruder' },
  answerDispute: { evidence: { text: 'intruder', urls: [] } },
  replyToDispute: { evidence: { text: 'intruder', urls: [] } },
  decideDispute: { outcome: 'side_with_merchant' },
  registerMedia: { kind: 'recording', source_url: 'https://93.184.215.14/intruder.mp4' },
}

/**
 * Routes that answer another organization on purpose, with the reason. Everything else
 * must answer 404 to a foreign id.
 */
export const sharedByDesign: Record<string, string> = {
  getApp: 'published apps are a marketplace every organization can read before installing',
  decideDispute:
    'the platform organization decides any tenant’s escalated dispute (第三方介入); every other caller gets 403 before the id is looked up, so the answer says nothing about the dispute (the leak checks above still run)',
}
