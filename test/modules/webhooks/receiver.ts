import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Test } from 'tap'

export interface Delivery {
  headers: IncomingHttpHeaders
  body: string
  at: number
}

/**
 * A real webhook receiver on 127.0.0.1 and a random port. `respond` decides each answer
 * (default 204), given after `holdMs`; every request is kept, in the order answered.
 */
export async function startReceiver(
  t: Test,
  respond: (d: Delivery, n: number) => { status: number; headers?: Record<string, string>; body?: string } = () => ({
    status: 204,
  }),
  opts: { holdMs?: number } = {},
) {
  const deliveries: Delivery[] = []
  const load = { inFlight: 0, max: 0 }
  const waiters: { count: number; resolve: () => void }[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    load.inFlight++
    load.max = Math.max(load.max, load.inFlight)
    req.on('end', () => {
      setTimeout(() => {
        const d = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() }
        deliveries.push(d)
        const answer = respond(d, deliveries.length)
        load.inFlight--
        res.writeHead(answer.status, answer.headers ?? {})
        res.end(answer.body ?? '')
        for (const w of waiters.filter((w) => deliveries.length >= w.count)) w.resolve()
      }, opts.holdMs ?? 0)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    deliveries,
    /** Requests being answered now, and the most there ever were at once. */
    load,
    /** Resolves once `count` requests have arrived; fails the wait after `timeoutMs`. */
    waitFor(count: number, timeoutMs = 15000): Promise<void> {
      if (deliveries.length >= count) return Promise.resolve()
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`receiver got ${deliveries.length} of ${count} deliveries in ${timeoutMs} ms`)),
          timeoutMs,
        )
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer)
            resolve()
          },
        })
      })
    },
  }
}
