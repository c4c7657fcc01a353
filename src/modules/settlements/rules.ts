/** Pure rules of the ledger: accounting months and exact splitting of minor units. */

/** The accounting month (UTC) of an instant, `YYYY-MM`. */
export const periodOf = (at: Date | string): string => new Date(at).toISOString().slice(0, 7)

/** The month after `period`. */
export function nextPeriod(period: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number]
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`
}

/** The first month from `period` on that is not closed: where an entry of `period` is booked. */
export function bookingPeriod(period: string, closed: ReadonlySet<string>): string {
  let p = period
  while (closed.has(p)) p = nextPeriod(p)
  return p
}

/**
 * Splits `total` over `weights` in proportion, with the largest-remainder method: every part is
 * floor(total × w / Σw), and the units left over go one each to the largest remainders (ties to
 * the earlier part), so the parts always add up to `total` exactly. Zero weights get nothing.
 */
export function largestRemainder(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0)
  if (sum <= 0) return weights.map(() => 0)
  const big = BigInt(total)
  const bigSum = BigInt(sum)
  const parts = weights.map((w) => (big * BigInt(w)) / bigSum)
  const remainders = weights.map((w, i) => ({ i, r: (big * BigInt(w)) % bigSum }))
  let left = Number(big - parts.reduce((a, b) => a + b, 0n))
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1))
  for (const { i } of remainders) {
    if (left <= 0) break
    parts[i]! += 1n
    left--
  }
  return parts.map(Number)
}

/** round(value × numerator / denominator), half away from zero, in exact integer arithmetic. */
export function proportion(value: number, numerator: number, denominator: number): number {
  if (denominator <= 0) return 0
  const n = BigInt(value) * BigInt(numerator) * 2n + BigInt(denominator)
  return Number(n / (2n * BigInt(denominator)))
}

/** What a sale line owes: the anchor's commission and the MCN's share of it under the contract rate. */
export const mcnShareOf = (commission: number, rate: number): number => Math.round(commission * rate)

export interface LineState {
  /** The line's amount as sold. */
  amount: number
  commission: number
  mcnShare: number
  /** Of the amount, how much refunds and cancellation have reversed so far. */
  reversedAmount: number
  reversedCommission: number
  reversedMcnShare: number
}

/**
 * The reversal of `amount` more of a line. Cumulative: what is reversed after it is
 * round(commission × reversed amount / line amount), less what was reversed before, so the
 * reversals of a line never add up to more than its commission, and a line fully refunded
 * reverses exactly all of it.
 */
export function reversal(line: LineState, amount: number): { amount: number; commission: number; mcnShare: number } {
  const take = Math.max(0, Math.min(amount, line.amount - line.reversedAmount))
  const after = line.reversedAmount + take
  const full = after >= line.amount
  const commissionAfter = full ? line.commission : proportion(line.commission, after, line.amount)
  const shareAfter = full ? line.mcnShare : proportion(line.mcnShare, after, line.amount)
  return {
    amount: take,
    commission: commissionAfter - line.reversedCommission,
    mcnShare: shareAfter - line.reversedMcnShare,
  }
}
