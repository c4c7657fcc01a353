/**
 * Child entry for bench/webhooks.ts: a webhook receiver on 127.0.0.1 (node:http, keep-alive)
 * that answers 204 at once, records when each delivery arrived, and verifies the Standard
 * Webhooks signature of every `verifyEvery`-th one with the `standardwebhooks` library.
 * `POST /secrets` gives it the endpoints' secrets (`{ "/e0": "whsec_…" }`, known only once
 * the endpoints exist), `GET /stats` answers what it has seen, `POST /reset` forgets it.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'
import { childFailed, childInput, childReady, onStop } from './lib/server.js'

export interface ReceiverInput {
  verifyEvery: number
}

export interface ReceiverStats {
  deliveries: number
  verified: number
  badSignatures: number
  /** [webhook-id, endpoint path, receipt time in ms since the epoch with µs] for every delivery, in order */
  receipts: [string, string, number][]
}

const now = () => performance.timeOrigin + performance.now()

async function main() {
  const input = childInput<ReceiverInput>()
  const verifiers = new Map<string, Webhook>()
  let stats: ReceiverStats = { deliveries: 0, verified: 0, badSignatures: 0, receipts: [] }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      if (req.method === 'GET' && req.url === '/stats') {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(JSON.stringify(stats))
        return
      }
      if (req.method === 'POST' && req.url === '/secrets') {
        const secrets = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, string>
        for (const [p, secret] of Object.entries(secrets)) verifiers.set(p, new Webhook(secret))
        res.writeHead(204).end()
        return
      }
      if (req.method === 'POST' && req.url === '/reset') {
        stats = { deliveries: 0, verified: 0, badSignatures: 0, receipts: [] }
        res.writeHead(204).end()
        return
      }
      const at = now()
      const id = String(req.headers['webhook-id'])
      const path = req.url ?? ''
      stats.deliveries++
      stats.receipts.push([id, path, at])
      if (stats.deliveries % input.verifyEvery === 0) {
        try {
          const verifier = verifiers.get(path)
          if (!verifier) throw new Error(`no endpoint ${path}`)
          verifier.verify(Buffer.concat(chunks).toString('utf8'), req.headers as Record<string, string>)
          stats.verified++
        } catch {
          stats.badSignatures++
        }
      }
      res.writeHead(204).end()
    })
  })
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  onStop(() => new Promise<void>((resolve) => server.close(() => resolve())))
  childReady(`http://127.0.0.1:${port}`, { pid: process.pid })
}

main().catch(childFailed)
