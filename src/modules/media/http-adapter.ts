import { Webhook, WebhookVerificationError } from 'standardwebhooks'
import { newId } from '../../lib/ids.js'
import { CallbackRefused, TranscodeError, type TranscodeAdapter } from './adapter.js'

const SUBMIT_TIMEOUT_MS = 15_000
const headerValue = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)

/**
 * Hands media to an external transcoder over HTTP. The job is POSTed signed with the shared
 * secret (Standard Webhooks headers), so the transcoder can check it came from us; its callbacks
 * are signed the same way with the same secret, and verified here, timestamp tolerance and all.
 */
export function httpAdapter(opts: { url: string; secret: string; callbackUrl: string }): TranscodeAdapter {
  const signer = new Webhook(opts.secret)
  return {
    name: 'http',
    async submit(media) {
      const body = JSON.stringify({
        media_id: media.id,
        kind: media.kind,
        source_url: media.sourceUrl,
        clip: media.clip,
        callback_url: opts.callbackUrl,
      })
      const messageId = newId('transcodeMessage')
      const at = new Date()
      let res: Response
      try {
        res = await fetch(opts.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': messageId,
            'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
            'webhook-signature': signer.sign(messageId, at, body),
            'user-agent': 'Showrunner-Transcode/1',
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(SUBMIT_TIMEOUT_MS),
        })
      } catch (err) {
        throw new TranscodeError(`the transcoder could not be reached: ${(err as Error).message}`, false)
      }
      const text = (await res.text().catch(() => '')).slice(0, 500)
      if (res.status >= 200 && res.status < 300) {
        let externalId: string | undefined
        try {
          const answer: unknown = JSON.parse(text)
          if (answer && typeof answer === 'object' && 'job_id' in answer && typeof answer.job_id === 'string')
            externalId = answer.job_id.slice(0, 200)
        } catch {
          // A transcoder need not answer a body; the callback names the media either way.
        }
        return { state: 'submitted', ...(externalId ? { externalId } : {}) }
      }
      // 408 and 429 are the transcoder asking for later; any other 4xx is about the job and will not change.
      const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429
      throw new TranscodeError(`the transcoder answered ${res.status}${text ? `: ${text}` : ''}`, permanent)
    },
    verifyCallback(rawBody, headers) {
      const signed = {
        'webhook-id': headerValue(headers['webhook-id']) ?? '',
        'webhook-timestamp': headerValue(headers['webhook-timestamp']) ?? '',
        'webhook-signature': headerValue(headers['webhook-signature']) ?? '',
      }
      try {
        signer.verify(rawBody, signed)
      } catch (err) {
        if (err instanceof WebhookVerificationError) throw new CallbackRefused(err.message)
        throw new CallbackRefused('the signature could not be checked')
      }
    },
  }
}
