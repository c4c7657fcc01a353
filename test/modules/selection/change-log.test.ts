import t from 'tap'
import postgres from 'postgres'
import { sql } from 'drizzle-orm'
import { inTenant } from '../../../src/db/tenancy.js'
import { systemCtx, type Ctx, type TxCtx } from '../../../src/lib/context.js'
import { publish } from '../../../src/lib/hooks.js'
import { productsChanged } from '../../../src/modules/catalog/index.js'
import { readSelectionVersion, trimSelectionChanges } from '../../../src/modules/selection/state.js'
import { buildTestApp, createTenant } from '../../helper.js'
import { addToPool, makeAnchor, makePool, makeProduct, makeSupplier } from '../catalog/builders.js'

/** A transaction held open until `release` is called; `ready` resolves once `work` has run in it. */
function openTransaction(ctx: Ctx, work: (tx: TxCtx) => Promise<void>) {
  let release!: () => void
  const released = new Promise<void>((r) => (release = r))
  let ready!: () => void
  const worked = new Promise<void>((r) => (ready = r))
  const done = inTenant(ctx, async (tx) => {
    await work(tx)
    ready()
    await released
  })
  return { ready: Promise.race([worked, done]), release, done }
}

t.test(
  'selection change log: writers of one tenant do not wait on each other, and no commit goes unseen',
  async (t) => {
    const { app, databaseUrl } = await buildTestApp(t, { workers: false })
    const owner = postgres(databaseUrl, { max: 1, onnotice: () => {} })
    t.teardown(() => owner.end())
    const mcn = await createTenant(app, { kind: 'mcn' })
    const s = await makeSupplier(mcn)
    const p1 = await makeProduct(mcn, s.id, { title: 'Alpha serum', category: 'beauty', commission_rate: 0.1 })
    const p2 = await makeProduct(mcn, s.id, { title: 'Beta cream', category: 'beauty', commission_rate: 0.2 })
    const pool = await makePool(mcn)
    await addToPool(mcn, pool.id, [p1.id, p2.id])
    const anchor = await makeAnchor(mcn, { categories: ['beauty'] })
    const ctx: Ctx = {
      ...systemCtx('test', { id: mcn.organizationId, kind: 'mcn' }),
      db: app.db,
      queues: app.queues,
      log: app.log,
    }
    const version = () => inTenant(ctx, (tx) => readSelectionVersion(tx))
    const recommend = async () => {
      const res = await mcn.get(`/v1/anchors/${anchor.id}/recommendations`)
      t.equal(res.statusCode, 200)
      return res.json() as { data: { product_id: string; commission_rate: number }[] }
    }

    await t.test('a second writer runs its whole selection write while the first is still open', async (t) => {
      // The first writer changes p1 and re-indexes it (the selection hook logs the change), then stays open.
      const first = openTransaction(ctx, async (tx) => {
        await tx.tx.execute(sql`update products set commission_rate = 0.9 where id = ${p1.id}`)
        await publish(tx, productsChanged, { productIds: [p1.id] })
      })
      await first.ready
      const before = await version()
      // Under the old single counter row this waited for the first writer's commit: here a
      // lock wait fails the write at once instead of hanging.
      await inTenant(ctx, async (tx) => {
        await tx.tx.execute(sql`set local lock_timeout = '1s'`)
        await tx.tx.execute(sql`update products set commission_rate = 0.3 where id = ${p2.id}`)
        await publish(tx, productsChanged, { productIds: [p2.id] })
      })
      const afterSecond = await version()
      t.ok(afterSecond > before, 'the second commit is counted')

      // A recommendation computed now sees p2's change but not p1's, and is cached at this version.
      const mid = await recommend()
      t.equal(mid.data.find((r) => r.product_id === p1.id)!.commission_rate, 0.1)
      t.equal(mid.data.find((r) => r.product_id === p2.id)!.commission_rate, 0.3)
      t.same(await recommend(), mid, 'answered from the cache')

      // The first writer started earlier (its log id is the smaller) but commits later: the
      // watermark still moves, so the cached answer is not served again.
      first.release()
      await first.done
      t.ok((await version()) > afterSecond, 'the later commit of the earlier writer is counted')
      const after = await recommend()
      t.equal(after.data.find((r) => r.product_id === p1.id)!.commission_rate, 0.9)
      t.equal(after.data[0]!.product_id, p1.id)
    })

    await t.test('a trim empties the log into the tenant’s count without moving the watermark', async (t) => {
      const [{ n: logged }] = await owner<{ n: number }[]>`
      select count(*)::int as n from selection_changes where tenant_id = ${mcn.organizationId}`
      t.ok(logged > 0)
      const before = await version()
      // A writer still open keeps its row: it is not visible to the trim, and is counted when it commits.
      const open = openTransaction(ctx, (tx) => publish(tx, productsChanged, { productIds: [p2.id] }))
      await open.ready
      const trimmed = await inTenant(ctx, (tx) => trimSelectionChanges(tx, Number.MAX_SAFE_INTEGER))
      t.equal(trimmed, logged)
      t.equal(await version(), before, 'the same number of committed changes')
      open.release()
      await open.done
      t.equal(await version(), before + 1)
      const rows = await owner<{ n: number }[]>`
      select count(*)::int as n from selection_changes where tenant_id = ${mcn.organizationId}`
      t.equal(rows[0]!.n, 1, 'only the late commit is left in the log')
    })

    await t.test('other tenants’ logs are neither trimmed nor counted', async (t) => {
      const other = await createTenant(app, { kind: 'mcn' })
      const os = await makeSupplier(other)
      await makeProduct(other, os.id, { title: 'Other', category: 'food' })
      const otherCtx: Ctx = { ...ctx, ...systemCtx('test', { id: other.organizationId, kind: 'mcn' }) }
      const otherVersion = await inTenant(otherCtx, (tx) => readSelectionVersion(tx))
      t.ok(otherVersion > 0)
      const mine = await version()
      await inTenant(ctx, (tx) => trimSelectionChanges(tx, Number.MAX_SAFE_INTEGER))
      t.equal(await inTenant(otherCtx, (tx) => readSelectionVersion(tx)), otherVersion)
      t.equal(await version(), mine)
    })
  },
)
