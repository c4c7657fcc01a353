/**
 * A webhook receiver that verifies Standard Webhooks signatures (webhook-id,
 * webhook-timestamp, webhook-signature) before trusting a delivery, answers 2xx fast,
 * drops duplicates by webhook-id, and ignores an event older than one already applied to
 * the same resource (delivery order is not guaranteed).
 *
 *   WEBHOOK_SECRET=whsec_… PORT=4000 npx tsx examples/webhook-receiver.ts
 */
import http from 'node:http'
import { fileURLToPath } from 'node:url'
import { verifyWebhook, WebhookVerificationError } from '../sdk/src/index.js'

interface ShowrunnerEvent {
  id: string
  type: string
  resource: { type: string; id: string; version: number }
  data: unknown
}

export function createReceiver(secret: string, onEvent: (event: ShowrunnerEvent) => void) {
  const seen = new Set<string>()
  const versions = new Map<string, number>()
  return http.createServer((req, res) => {
    if (req.method !== 'POST') return void res.writeHead(405).end()
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      let event: ShowrunnerEvent
      try {
        event = verifyWebhook<ShowrunnerEvent>(secret, body, req.headers as Record<string, string>)
      } catch (err) {
        if (err instanceof WebhookVerificationError) return void res.writeHead(400).end('bad signature')
        throw err
      }
      const id = String(req.headers['webhook-id'])
      const key = `${event.resource.type}:${event.resource.id}`
      if (!seen.has(id) && event.resource.version > (versions.get(key) ?? 0)) {
        seen.add(id)
        versions.set(key, event.resource.version)
        onEvent(event)
      }
      res.writeHead(204).end()
    })
  })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const secret = process.env.WEBHOOK_SECRET
  if (secret === undefined) {
    console.error('set WEBHOOK_SECRET')
    process.exit(2)
  }
  const port = Number(process.env.PORT ?? 4000)
  createReceiver(secret, (e) =>
    console.log(`${e.type} ${e.resource.type}/${e.resource.id} v${e.resource.version}`),
  ).listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port}`))
}
