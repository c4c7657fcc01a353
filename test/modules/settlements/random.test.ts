import t from 'tap'
import { largestRemainder } from '../../../src/modules/settlements/rules.js'
import { buildTestApp, createTenant, waitForJob } from '../../helper.js'
import { makeAnchor, makeProduct, makeSupplier } from '../catalog/builders.js'
import { completeRefund, ok, payOrder } from './builders.js'

/** mulberry32: a small seeded PRNG, so a failure replays exactly. */
function prng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = Math.imul(a ^ (a >>> 15), 1 | a)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}
const SEED = Number(process.env.SETTLEMENT_SEED ?? 20260112)

type Sums = { commission: number; mcn_share: number; anchor_net: number }
type Total = Sums & { adjustments: Sums }
const zero = (): Sums => ({ commission: 0, mcn_share: 0, anchor_net: 0 })
const zeroTotal = (): Total => ({ ...zero(), adjustments: zero() })
const month = (at: string) => at.slice(0, 7)
const nextMonth = (p: string) => {
  const [y, m] = p.split('-').map(Number) as [number, number]
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`
}

/**
 * The ledger's rules restated on their own, as the docs say them: the test keeps its own books
 * from the orders, cancellations and refunds it sends, and the API must agree to the unit.
 */
class Books {
  closed = new Set<string>()
  lines = new Map<
    string,
    { anchor: string; amount: number; c: number; s: number; revAmount: number; revC: number; revS: number }
  >()
  orders = new Map<string, string[]>()
  /** anchor → period → totals; and item → period → sums. */
  totals = new Map<string, Map<string, Total>>()
  items = new Map<string, Map<string, Sums>>()
  entries = new Map<string, number>()

  private book(anchor: string, item: string, at: string, c: number, s: number) {
    let period = month(at)
    while (this.closed.has(period)) period = nextMonth(period)
    const byPeriod = this.totals.get(anchor) ?? new Map<string, Total>()
    this.totals.set(anchor, byPeriod)
    const total = byPeriod.get(period) ?? zeroTotal()
    byPeriod.set(period, total)
    const add = (x: Sums) => {
      x.commission += c
      x.mcn_share += s
      x.anchor_net += c - s
    }
    add(total)
    if (period !== month(at)) add(total.adjustments)
    const itemPeriods = this.items.get(item) ?? new Map<string, Sums>()
    this.items.set(item, itemPeriods)
    const sums = itemPeriods.get(period) ?? zero()
    itemPeriods.set(period, sums)
    add(sums)
    this.entries.set(period, (this.entries.get(period) ?? 0) + 1)
  }

  sale(order: any, rate: number) {
    this.orders.set(
      order.id,
      order.items.map((i: any) => i.id),
    )
    for (const i of order.items) {
      const s = Math.round(i.commission_amount * rate)
      this.lines.set(i.id, {
        anchor: order.anchor_id,
        amount: i.amount,
        c: i.commission_amount,
        s,
        revAmount: 0,
        revC: 0,
        revS: 0,
      })
      this.book(order.anchor_id, i.id, order.paid_at, i.commission_amount, s)
    }
  }

  remaining = (item: string) => {
    const l = this.lines.get(item)!
    return l.amount - l.revAmount
  }

  reverse(item: string, amount: number, at: string) {
    const l = this.lines.get(item)!
    const take = Math.min(amount, l.amount - l.revAmount)
    const after = l.revAmount + take
    const c = after >= l.amount ? l.c : l.amount ? Math.round((l.c * after) / l.amount) : 0
    const s = after >= l.amount ? l.s : l.amount ? Math.round((l.s * after) / l.amount) : 0
    const dc = c - l.revC
    const ds = s - l.revS
    l.revAmount = after
    l.revC = c
    l.revS = s
    if (take || dc || ds) this.book(l.anchor, item, at, -dc, -ds)
  }

  cancel(orderId: string, at: string) {
    for (const item of this.orders.get(orderId)!) this.reverse(item, this.remaining(item), at)
  }

  refund(orderId: string, item: string | null, amount: number, at: string) {
    if (item) {
      this.reverse(item, amount, at)
      return
    }
    const items = this.orders.get(orderId)!
    const parts = largestRemainder(amount, items.map(this.remaining))
    for (const [k, i] of items.entries()) this.reverse(i, parts[k]!, at)
  }
}

t.test(
  'random orders, refunds and cancellations across periods: statements and earnings equal the ledger',
  async (t) => {
    const { app } = await buildTestApp(t, { workers: true })
    const mcn = await createTenant(app, { kind: 'mcn' })
    const rand = prng(SEED)
    const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1))
    const pick = <T>(xs: T[]): T => xs[int(0, xs.length - 1)]!
    t.comment(`seed ${SEED}`)

    const supplier = (await makeSupplier(mcn)).id
    const products = [
      (await makeProduct(mcn, supplier, { commission_rate: 0.2 })).id,
      (await makeProduct(mcn, supplier, { commission_rate: 0.15 })).id,
    ]
    const signed = (await makeAnchor(mcn)).id
    const free = (await makeAnchor(mcn)).id
    const anchors = [signed, free]
    await ok(
      await mcn.post(`/v1/anchors/${signed}/contracts`, {
        mcn_share_rate: 0.3,
        starts_on: '2024-01-01',
        ends_on: '2024-02-15',
      }),
    )
    await ok(await mcn.post(`/v1/anchors/${signed}/contracts`, { mcn_share_rate: 0.55, starts_on: '2024-02-16' }))
    const rateOn = (anchor: string, at: string) =>
      anchor !== signed ? 0 : at.slice(0, 10) <= '2024-02-15' ? 0.3 : 0.55

    const books = new Books()
    const paid: { order: any; at: number; cancelled: boolean }[] = []
    const iso = (ms: number) => new Date(ms).toISOString()

    async function sell(from: string, to: string, count: number) {
      for (let n = 0; n < count; n++) {
        const at = iso(int(Date.parse(from), Date.parse(to)))
        const anchor = pick(anchors)
        const items = Array.from({ length: int(1, 3) }, () => ({
          product_id: pick(products),
          quantity: int(1, 3),
          unit_price: int(50, 20000),
        }))
        const order = await payOrder(mcn, anchor, at, items)
        books.sale(order, rateOn(anchor, order.paid_at))
        paid.push({ order, at: Date.parse(at), cancelled: false })
      }
    }

    /** After-sales on some paid orders, at times after payment up to `until`. */
    async function aftersales(until: string, share: number) {
      for (const p of paid) {
        if (p.cancelled || rand() > share) continue
        const at = () => iso(int(p.at + 60_000, Math.max(p.at + 60_000, Date.parse(until))))
        if (rand() < 0.2) {
          const when = at()
          await ok(await mcn.post(`/v1/orders/${p.order.id}/cancel`, { at: when }), 200)
          books.cancel(p.order.id, when)
          p.cancelled = true
          continue
        }
        for (let k = int(1, 2); k > 0; k--) {
          const items: string[] = p.order.items.map((i: any) => i.id)
          const left = items.reduce((a, i) => a + books.remaining(i), 0)
          if (!left) break
          const line = rand() < 0.5 ? pick(items) : null
          const max = line ? books.remaining(line) : left
          if (!max) continue
          const amount = rand() < 0.15 ? max : int(1, max)
          const when = at()
          await completeRefund(app, mcn, { order_id: p.order.id, order_item_id: line, amount, completed_at: when })
          books.refund(p.order.id, line, amount, when)
        }
      }
    }

    const statements = new Map<string, any>()
    async function close(period: string) {
      const res = await mcn.post('/v1/settlements', { period })
      t.equal(res.statusCode, 202, `close ${period}`)
      const job = await waitForJob(mcn, res.json().id)
      t.equal(job.state, 'succeeded')
      books.closed.add(period)
      const statement = await ok(await mcn.get(`/v1/settlements/${job.result.statement_id}`), 200)
      statements.set(period, statement)
    }

    await sell('2024-01-01T00:00:00Z', '2024-01-31T23:59:59Z', 22)
    await aftersales('2024-01-31T23:59:59Z', 0.4)
    await close('2024-01')
    // Late January sales and refunds arrive after the close: adjustments in February.
    await sell('2024-01-20T00:00:00Z', '2024-02-28T23:59:59Z', 18)
    await aftersales('2024-02-28T23:59:59Z', 0.35)
    await close('2024-02')
    await sell('2024-03-01T00:00:00Z', '2024-04-10T00:00:00Z', 12)
    await aftersales('2024-04-20T00:00:00Z', 0.4)
    await close('2024-03')

    const periods = ['2024-01', '2024-02', '2024-03', '2024-04']
    const sumOf = (xs: any[]) => ({
      commission: xs.reduce((a, x) => a + x.commission, 0),
      mcn_share: xs.reduce((a, x) => a + x.mcn_share, 0),
      anchor_net: xs.reduce((a, x) => a + x.anchor_net, 0),
    })
    let adjustmentsSeen = 0
    for (const period of periods) {
      const perAnchor: any[] = []
      for (const anchor of anchors) {
        const earnings = await ok(await mcn.get(`/v1/anchors/${anchor}/earnings?period=${period}`), 200)
        const expected = books.totals.get(anchor)?.get(period)
        t.same(
          earnings.totals,
          expected ? [{ currency: 'CNY', ...expected }] : [],
          `${period} ${anchor === signed ? 'signed' : 'free'} anchor: earnings equal the books`,
        )
        if (expected) {
          t.same(sumOf(earnings.lines), sumOf([expected]), `${period}: the totals are the sum of the lines`)
          perAnchor.push({ anchor_id: anchor, currency: 'CNY', ...expected })
          adjustmentsSeen += expected.adjustments.commission !== 0 ? 1 : 0
        }
        let linesMatch = true
        for (const line of earnings.lines) {
          const own = books.items.get(line.order_item_id)?.get(period)
          const fromEntries = sumOf(line.entries)
          if (!own || own.commission !== line.commission || own.mcn_share !== line.mcn_share) linesMatch = false
          if (fromEntries.commission !== line.commission || fromEntries.anchor_net !== line.anchor_net)
            linesMatch = false
        }
        t.ok(linesMatch, `${period}: every order item's line equals its entries and the books`)
        t.equal(earnings.closed, statements.has(period))
      }
      const statement = statements.get(period)
      if (!statement) continue
      const now = await ok(await mcn.get(`/v1/settlements/${statement.id}`), 200)
      t.same(now, statement, `${period}: the statement did not change after its close`)
      t.same(
        now.anchors,
        perAnchor.sort((a, b) => a.anchor_id.localeCompare(b.anchor_id)),
        `${period}: per anchor, the statement equals the sum of its order items’ entries`,
      )
      const grand = perAnchor.length
        ? [
            {
              currency: 'CNY',
              ...sumOf(perAnchor),
              adjustments: sumOf(perAnchor.map((a) => a.adjustments)),
            },
          ]
        : []
      t.same(now.totals, grand, `${period}: grand total is the sum of the anchors`)
      t.equal(now.entry_count, books.entries.get(period) ?? 0)
    }
    t.ok(adjustmentsSeen > 0, 'the run produced adjustments from closed periods')
  },
)
