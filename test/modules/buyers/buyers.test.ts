import t from 'tap'
import postgres from 'postgres'
import { inTenant } from '../../../src/db/tenancy.js'
import { getBuyer, pseudonymizer, resolveBuyer, resolveBuyers } from '../../../src/modules/buyers/index.js'
import { serviceCtx } from '../../fixtures.js'
import { buildTestApp, createTenant } from '../../helper.js'

t.test('buyers are pseudonymous per tenant', async (t) => {
  const { app, databaseUrl } = await buildTestApp(t)
  const a = serviceCtx(app, await createTenant(app))
  const b = serviceCtx(app, await createTenant(app))
  const ref = { platform: 'douyin', ref: 'open-id-张三-13800138000' }

  const first = await inTenant(a, (ctx) => resolveBuyer(ctx, ref))
  const again = await inTenant(a, (ctx) => resolveBuyer(ctx, ref))
  t.match(first.id, /^buy_/)
  t.equal(again.id, first.id, 'the same reference is the same buyer in one tenant')
  t.not(
    (await inTenant(a, (ctx) => resolveBuyer(ctx, { platform: 'kuaishou', ref: ref.ref }))).id,
    first.id,
    'another platform is another buyer',
  )

  const inB = await inTenant(b, (ctx) => resolveBuyer(ctx, ref))
  t.not(inB.id, first.id, 'another tenant gets another id')
  const [pa, pb] = await Promise.all([inTenant(a, pseudonymizer), inTenant(b, pseudonymizer)])
  t.not(pa(ref.platform, ref.ref), pb(ref.platform, ref.ref), 'and another pseudonym: nothing links the two')
  t.equal(pa(ref.platform, ref.ref), pa(ref.platform, ref.ref), 'a pseudonym is stable')

  await t.rejects(
    inTenant(b, (ctx) => getBuyer(ctx, first.id)),
    { code: 'not_found' },
    "another tenant's buyer is not found",
  )
  t.same(await inTenant(a, (ctx) => getBuyer(ctx, first.id)), first)

  const owner = postgres(databaseUrl, { max: 1 })
  t.teardown(() => owner.end())
  const rows = await owner`select * from buyers`
  t.notOk(JSON.stringify(rows).includes(ref.ref), 'the platform reference is never stored in clear')
})

t.test('concurrent first sightings make one buyer', async (t) => {
  const { app } = await buildTestApp(t)
  const ctx = serviceCtx(app, await createTenant(app))
  const refs = Array.from({ length: 20 }, (_, i) => ({ platform: 'tiktok_shop', ref: `viewer-${i % 5}` }))
  const answers = await Promise.all(refs.map((ref) => inTenant(ctx, (tx) => resolveBuyer(tx, ref))))
  t.equal(new Set(answers.map((b) => b.id)).size, 5)
  const many = await inTenant(ctx, (tx) => resolveBuyers(tx, refs))
  t.equal(many.size, 5, 'one statement resolves a whole chunk')
  t.same(new Set([...many.values()].map((b) => b.id)), new Set(answers.map((b) => b.id)))
})
