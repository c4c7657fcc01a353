import http from 'node:http'
import https from 'node:https'
import type { LookupFunction } from 'node:net'
import type { Destination } from './guard.js'
import { DELIVERY_TIMEOUT_MS } from './retry.js'

export const SNIPPET_BYTES = 1024

export type SendResult =
  | { kind: 'response'; status: number; retryAfter?: string; snippet: string; latencyMs: number }
  | { kind: 'error'; error: string; latencyMs: number }

/**
 * POSTs one delivery to the address the guard checked. The request keeps the URL's host
 * name for the Host header and the TLS server name (so certificates are checked against
 * it), but `lookup` answers with the checked address only: no second DNS query happens.
 * Redirects are not followed (node:http never does); the whole exchange has 15 s.
 */
export function send(
  destination: Destination,
  body: string,
  headers: Record<string, string>,
  timeoutMs = DELIVERY_TIMEOUT_MS,
): Promise<SendResult> {
  const started = performance.now()
  const latency = () => Math.round(performance.now() - started)
  const { url } = destination
  const fixedLookup: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all)
      (callback as (err: null, addresses: { address: string; family: number }[]) => void)(null, [
        { address: destination.address, family: destination.family },
      ])
    else callback(null, destination.address, destination.family)
  }
  const client = url.protocol === 'https:' ? https : http
  return new Promise((resolve) => {
    let settled = false
    const finish = (result: SendResult) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(result)
    }
    const req = client.request(
      url,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'Showrunner-Webhooks/1',
        },
        lookup: fixedLookup,
        servername: url.protocol === 'https:' ? destination.hostname : undefined,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (chunk: Buffer) => {
          if (size < SNIPPET_BYTES) chunks.push(chunk)
          size += chunk.length
        })
        const done = () => {
          const retryAfter = res.headers['retry-after']
          finish({
            kind: 'response',
            status: res.statusCode ?? 0,
            ...(retryAfter === undefined ? {} : { retryAfter }),
            snippet: snippetOf(Buffer.concat(chunks)),
            latencyMs: latency(),
          })
        }
        res.on('end', done)
        res.on('error', (err) => finish({ kind: 'error', error: `response: ${err.message}`, latencyMs: latency() }))
        // A long or endless body is not the sender's to read: the status is what counts.
        if (Number(res.headers['content-length'] ?? 0) > 64 * 1024) {
          done()
          res.destroy()
        }
      },
    )
    const timer = setTimeout(() => {
      finish({ kind: 'error', error: `no complete answer within ${timeoutMs / 1000} s`, latencyMs: latency() })
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
