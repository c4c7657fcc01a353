/** A paid order line as the sales read has it. */
export interface SaleLine {
  id: string
  quantity: number
  amount: number
  returnedQuantity: number
}

/**
 * Units a completed refund with return sends back, per line (same order as `lines`). Refunds
 * name an amount, not units, so the units follow the refunded share of the line's amount: a line
 * refund takes round(quantity × amount / line amount) of that line, at least one (goods did come
 * back); a whole-order refund takes the same share of every line, and when every line rounds to
 * nothing, one unit of the largest line. A line that cost nothing (a gift) comes back whole.
 * Never more than a line has left unreturned.
 */
export function returnedUnits(lines: SaleLine[], refund: { order_item_id: string | null; amount: number }): number[] {
  const left = (l: SaleLine) => l.quantity - l.returnedQuantity
  const share = (amount: number, of: number) => (of > 0 ? amount / of : 1)
  if (refund.order_item_id) {
    return lines.map((l) =>
      l.id === refund.order_item_id
        ? Math.min(left(l), Math.max(1, Math.round(l.quantity * share(refund.amount, l.amount))))
        : 0,
    )
  }
  const total = lines.reduce((s, l) => s + l.amount, 0)
  const units: number[] = lines.map((l) => Math.min(left(l), Math.round(l.quantity * share(refund.amount, total))))
  if (!units.some((u) => u > 0)) {
    const open = lines.map((l, i) => ({ l, i })).filter(({ l }) => left(l) > 0)
    const largest = open.sort((a, b) => b.l.amount - a.l.amount || a.i - b.i)[0]
    if (largest) units[largest.i] = 1
  }
  return units
}

/**
 * The line a dispute counts against. A dispute names an order, not a line; it goes to the
 * line with the largest amount (the first such line on a tie), so each dispute counts once
 * and against the product most at stake.
 */
export function disputedLine<L extends { amount: number }>(lines: L[]): L | undefined {
  return lines.reduce<L | undefined>((best, l) => (!best || l.amount > best.amount ? l : best), undefined)
}

/** The UTC day of an RFC 3339 UTC timestamp. */
export const dayOf = (at: string): string => new Date(at).toISOString().slice(0, 10)
