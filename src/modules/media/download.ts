import { createWriteStream } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import { pipeline } from 'node:stream/promises'
import { Transform } from 'node:stream'
import { checkDestination, pinnedTo, RefusedDestination } from '../webhooks/index.js'
import { TranscodeError } from './adapter.js'

/**
 * Downloads a source to `file` through the webhooks module's address guard: the host is
 * resolved, every address checked (private, loopback outside development, link-local… refused),
 * and the connection goes to the checked address, so DNS rebinding has no window. Redirects are
 * not followed (their target was never checked); size and time are bounded.
 */
export async function downloadSource(
  source: string,
  file: string,
  opts: {
    allowLoopback: boolean
    resolve: (host: string) => Promise<string[]>
    maxBytes: number
    timeoutMs: number
  },
): Promise<void> {
  let destination: Awaited<ReturnType<typeof checkDestination>>
  try {
    destination = await checkDestination(source, opts)
  } catch (err) {
    if (err instanceof RefusedDestination) throw new TranscodeError(`the source URL ${err.message}`, true)
    throw err
  }
  const client = destination.url.protocol === 'https:' ? https : http
  const pinned = pinnedTo(destination)
  await new Promise<void>((resolve, reject) => {
    const req = client.get(
      {
        ...pinned,
        headers: { ...pinned.headers, 'user-agent': 'Showrunner-Transcode/1' },
        timeout: opts.timeoutMs,
        // One download per connection: a pooled socket would outlive the job and keep workers from closing.
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0
        if (status !== 200) {
          res.resume()
          // A missing or forbidden source stays so; a server error or throttling may pass.
          const permanent = status < 500 && status !== 408 && status !== 429
          const why = status >= 300 && status < 400 ? ' (redirects are not followed)' : ''
          return reject(new TranscodeError(`fetching the source answered ${status}${why}`, permanent))
        }
        const declared = Number(res.headers['content-length'] ?? 0)
        if (declared > opts.maxBytes) {
          res.destroy()
          return reject(tooLarge(opts.maxBytes))
        }
        let size = 0
        const limit = new Transform({
          transform(chunk: Buffer, _enc, done) {
            size += chunk.length
            done(size > opts.maxBytes ? tooLarge(opts.maxBytes) : null, chunk)
          },
        })
        pipeline(res, limit, createWriteStream(file)).then(resolve, (err) =>
          reject(
            err instanceof TranscodeError
              ? err
              : new TranscodeError(`downloading the source failed: ${err.message}`, false),
          ),
        )
      },
    )
    req.on('timeout', () => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)))
    req.on('error', (err) => reject(new TranscodeError(`fetching the source failed: ${err.message}`, false)))
  })
}

const tooLarge = (max: number) => new TranscodeError(`the source is larger than the ${max}-byte limit`, true)
