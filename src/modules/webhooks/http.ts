import http from 'node:http'
import https from 'node:https'
import { type Destination, pinnedTo } from './guard.js'
import { classifyStatus, DELIVERY_TIMEOUT_MS } from './retry.js'

export const SNIPPET_BYTES = 1024

export type SendResult =
  | { kind: 'response'; status: number; retryAfter?: string; snippet: string; body?: string; latencyMs: number }
  | { kind: 'error'; error: string; timedOut?: true; latencyMs: number }

export interface SendOptions {
  /** Read the whole answer into `body`, refusing (as an error) one larger than this many bytes. */
  answerBytes?: number
  userAgent?: string
}

/** A 2xx answer: the delivery arrived. */
export const delivered = (r: SendResult | undefined): r is Extract<SendResult, { kind: 'response' }> =>
  r?.kind === 'response' && classifyStatus(r.status) === 'success'

/**
 * Connections are kept alive and reused, so a busy endpoint costs no TCP (or TLS) handshake
 * per delivery. A pooled connection belongs to one checked address: the request names the
 * address as its host, which is part of the agent's pool key; a free socket is dropped
 * after 4 s idle, before the usual 5 s server keep-alive timeout closes it under a request.
 */
const agentOptions = { keepAlive: true, timeout: 4000, scheduling: 'lifo' as const }
const httpAgent = new http.Agent(agentOptions)
const httpsAgent = new https.Agent(agentOptions)

/**
 * POSTs one delivery to the address the guard checked. The connection goes to that address
 * (no second DNS query happens), while the URL's host name stays in the Host header and is
 * the TLS server name (so certificates are checked against it). Redirects are not followed
 * (node:http never does); the whole exchange has 15 s. A webhook keeps only the answer's first
 * KiB; a caller that needs the answer itself (the moderation hook) asks for it with `answerBytes`.
 */
export function send(
  destination: Destination,
  body: string,
  headers: Record<string, string>,
  timeoutMs = DELIVERY_TIMEOUT_MS,
  opts: SendOptions = {},
): Promise<SendResult> {
  const started = performance.now()
  const latency = () => Math.round(performance.now() - started)
  const { url } = destination
  const client = url.protocol === 'https:' ? https : http
  return new Promise((resolve) => {
    let settled = false
    const finish = (result: SendResult) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(result)
    }
    const pinned = pinnedTo(destination)
    const req = client.request(
      {
        ...pinned,
        method: 'POST',
        headers: {
          ...headers,
          ...pinned.headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': opts.userAgent ?? 'Showrunner-Webhooks/1',
        },
        agent: url.protocol === 'https:' ? httpsAgent : httpAgent,
      },
      (res) => {
        const chunks: Buffer[] = []
        let size = 0
        const limit = opts.answerBytes
        res.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (limit !== undefined && size > limit) {
            finish({ kind: 'error', error: `an answer larger than ${limit} bytes`, latencyMs: latency() })
            req.destroy()
          } else if (limit !== undefined || size - chunk.length < SNIPPET_BYTES) chunks.push(chunk)
        })
        const done = () => {
          const retryAfter = res.headers['retry-after']
          const all = Buffer.concat(chunks)
          finish({
            kind: 'response',
            status: res.statusCode ?? 0,
            ...(retryAfter === undefined ? {} : { retryAfter }),
            snippet: snippetOf(all),
            ...(limit === undefined ? {} : { body: all.toString('utf8') }),
            latencyMs: latency(),
          })
        }
        res.on('end', done)
        res.on('error', (err) => finish({ kind: 'error', error: `response: ${err.message}`, latencyMs: latency() }))
        // A long or endless body is not the sender's to read: the status is what counts.
        if (limit === undefined && Number(res.headers['content-length'] ?? 0) > 64 * 1024) {
          done()
          res.destroy()
        }
      },
    )
    const timer = setTimeout(() => {
      finish({
        kind: 'error',
        error: `no complete answer within ${timeoutMs / 1000} s`,
        timedOut: true,
        latencyMs: latency(),
      })
      req.destroy()
    }, timeoutMs)
    req.on('error', (err) => finish({ kind: 'error', error: err.message, latencyMs: latency() }))
    req.end(body)
  })
}

/** The first KiB as text, cut at a character boundary. */
function snippetOf(buf: Buffer): string {
  const cut = buf.subarray(0, SNIPPET_BYTES).toString('utf8')
  // PostgreSQL text cannot hold NUL.
  const text = cut.endsWith('\uFFFD') && buf.length > SNIPPET_BYTES ? cut.slice(0, -1) : cut
  return text.replaceAll('\0', '')
}
