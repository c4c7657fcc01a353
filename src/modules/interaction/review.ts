import { randomUUID } from 'node:crypto'
import { Type, type Static } from 'typebox'
import { Value } from 'typebox/value'
import { inTenant, inTenantRead, transactionClient } from '../../db/tenancy.js'
import type { Ctx } from '../../lib/context.js'
import { RefusedDestination, send, signatureHeaders } from '../webhooks/index.js'
import { hookDestination, installationReviews } from './hook.js'
import { matchBlocked, MAX_TEXT } from './rules.js'

/** What the move writes for one comment: its state, the reason kept with it, and a replacement text. */
export interface Verdict {
  state: 'visible' | 'hidden' | 'replaced'
  reason: string | null
  text?: string
}

/** The comment as the hook is sent it. */
export interface ReviewedComment {
  id: string
  event_id: string
  session_id: string
  buyer_id: string
  text: string
  occurred_at: string
}

const MAX_REASON = 200
/** An answer holds at most one verdict per comment of a batch (1,000) with its texts. */
const MAX_ANSWER_BYTES = 1024 * 1024

/** Extra fields are ignored, so an app may answer more than this version of the contract knows. */
export const HookAnswer = Type.Object({
  verdicts: Type.Array(
    Type.Union([
      Type.Object({ id: Type.String(), action: Type.Literal('allow') }),
      Type.Object({
        id: Type.String(),
        action: Type.Literal('hide'),
        reason: Type.String({ minLength: 1, maxLength: MAX_REASON }),
      }),
      Type.Object({
        id: Type.String(),
        action: Type.Literal('replace'),
        text: Type.String({ minLength: 1, maxLength: MAX_TEXT }),
        reason: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_REASON })),
      }),
    ]),
    { maxItems: 1000 },
  ),
})
type Answer = Static<typeof HookAnswer>

export type Exchange =
  | { kind: 'answer'; status: number; body: string }
  | { kind: 'timeout' }
  | { kind: 'error'; error: string }

/**
 * POSTs `body` to the hook and reads its whole answer, all within `timeoutMs`, the address
 * check's DNS lookup included. The request is webhook delivery's (`send`): kept-alive
 * connections to the address that was checked, no redirects.
 */
export async function exchange(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<Exchange> {
  const started = performance.now()
  const signal = AbortSignal.timeout(timeoutMs)
  const aborted = new Promise<'timeout'>((resolve) => signal.addEventListener('abort', () => resolve('timeout')))
  let destination: Awaited<ReturnType<typeof hookDestination>>
  try {
    const checked = await Promise.race([hookDestination(url), aborted])
    if (checked === 'timeout') return { kind: 'timeout' }
    destination = checked
  } catch (err) {
    if (err instanceof RefusedDestination) return { kind: 'error', error: `refused: ${err.message}` }
    throw err
  }
  const left = Math.max(1, timeoutMs - (performance.now() - started))
  const sent = await send(destination, body, headers, left, {
    answerBytes: MAX_ANSWER_BYTES,
    userAgent: 'Showrunner-Moderation/1',
  })
  if (sent.kind === 'response') return { kind: 'answer', status: sent.status, body: sent.body ?? '' }
  return sent.timedOut ? { kind: 'timeout' } : { kind: 'error', error: sent.error }
}

/** The verdicts of a 2xx answer, or why the answer is not one. */
export function readAnswer(body: string): { verdicts: Answer['verdicts'] } | { invalid: string } {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return { invalid: 'the answer is not JSON' }
  }
  if (!Value.Check(HookAnswer, parsed)) {
    const first = Value.Errors(HookAnswer, parsed)[0]
    return {
      invalid: `the answer does not match the contract${first ? ` (${first.instancePath || '/'}: ${first.message})` : ''}`,
    }
  }
  return { verdicts: parsed.verdicts }
}

/**
 * What the hook's answer makes of each comment. A comment the answer leaves out gets `on_timeout`
 * with `moderation_hook: no verdict`; with any other outcome than a valid 2xx answer every comment
 * gets it, with `moderation_hook: timeout` or `moderation_hook: error (…)`. A comment let through
 * that way keeps the reason too, so the tenant can tell it from one the app allowed.
 */
export function verdictsOf(
  comments: ReviewedComment[],
  outcome: Exchange,
  onTimeout: 'allow' | 'hide',
): { verdicts: Map<string, Verdict>; failure?: string; detail?: string } {
  const fallback = (reason: string): Verdict => ({ state: onTimeout === 'hide' ? 'hidden' : 'visible', reason })
  // The reason kept with each comment stays short; the detail is for the log.
  const all = (reason: string, detail?: string) => ({
    verdicts: new Map(comments.map((c) => [c.id, fallback(reason)])),
    failure: reason,
    detail,
  })
  if (outcome.kind === 'timeout') return all('moderation_hook: timeout')
  if (outcome.kind === 'error') return all('moderation_hook: error (no answer)', outcome.error)
  if (outcome.status < 200 || outcome.status >= 300)
    return all(`moderation_hook: error (HTTP ${outcome.status})`, outcome.body.slice(0, 200))
  const answer = readAnswer(outcome.body)
  if ('invalid' in answer) return all('moderation_hook: error (invalid answer)', answer.invalid)
  const given = new Map<string, Answer['verdicts'][number]>()
  // The first verdict of a comment counts; ids of comments not in the batch are ignored.
  for (const v of answer.verdicts) if (!given.has(v.id)) given.set(v.id, v)
  const verdicts = new Map<string, Verdict>()
  for (const c of comments) {
    const v = given.get(c.id)
    if (!v) verdicts.set(c.id, fallback('moderation_hook: no verdict'))
    else if (v.action === 'hide') verdicts.set(c.id, { state: 'hidden', reason: v.reason })
    else if (v.action === 'replace')
      verdicts.set(c.id, { state: 'replaced', reason: v.reason ?? 'moderation_hook: replaced', text: v.text })
    else verdicts.set(c.id, { state: 'visible', reason: null })
  }
  return { verdicts }
}

const iso = (v: unknown): string => new Date(v as string).toISOString()

/**
 * Asks the tenant's moderation hook about the batch's comments, before the move's transaction (no
 * HTTP is made while a transaction holds its locks). No hook, an installation that was uninstalled
 * or lost interactions:read, or no comment left to move: no request, and the move goes on as if
 * there were no hook. Comments a blocked word hides are not sent: the move hides them whatever the
 * app would say. A retried move may ask again; the move itself still happens once.
 */
export async function reviewBatch(ctx: Ctx, batchId: string): Promise<Map<string, Verdict>> {
  const t = ctx.tenantId
  const [hook] = await inTenantRead(
    ctx,
    (sql) => sql`select h.installation_id, h.url, h.timeout_ms, h.on_timeout, h.secret
      from moderation_hooks h where h.tenant_id = ${t}
        and exists (select 1 from interaction_batches b where b.tenant_id = ${t} and b.id = ${batchId} and b.moved_at is null)
        and exists (select 1 from interaction_inbox i where i.tenant_id = ${t} and i.batch_id = ${batchId}
          and i.type = 'comment')`,
  )
  if (!hook) return new Map()
  const comments = await inTenant(ctx, async (tx) => {
    if (!(await installationReviews(tx, hook.installation_id as string))) return []
    const sql = transactionClient(tx.tx)
    const words = (await sql`select normalized from blocked_words where tenant_id = ${t}`).map(
      (r) => r.normalized as string,
    )
    const rows = await sql`select id, event_id, session_id, buyer_id, data->>'text' as text, occurred_at
      from interaction_inbox
      where tenant_id = ${t} and batch_id = ${batchId} and type = 'comment'
      order by occurred_at, id`
    return rows
      .filter((r) => !matchBlocked(r.text as string, words))
      .map(
        (r): ReviewedComment => ({
          id: r.id as string,
          event_id: r.event_id as string,
          session_id: r.session_id as string,
          buyer_id: r.buyer_id as string,
          text: r.text as string,
          occurred_at: iso(r.occurred_at),
        }),
      )
  })
  if (!comments.length) return new Map()
  const timeoutMs = hook.timeout_ms as number
  const body = JSON.stringify({
    type: 'comments.review',
    batch_id: batchId,
    installation_id: hook.installation_id,
    timeout_ms: timeoutMs,
    comments,
  })
  // A fresh id per request: a retried move asks again and must get an answer, not a receiver's dedupe.
  const requestId = `${batchId}:${randomUUID()}`
  const started = performance.now()
  const outcome = await exchange(
    hook.url as string,
    body,
    signatureHeaders(requestId, body, [hook.secret as string], new Date()),
    timeoutMs,
  )
  const { verdicts, failure, detail } = verdictsOf(comments, outcome, hook.on_timeout as 'allow' | 'hide')
  const latencyMs = Math.round(performance.now() - started)
  if (failure)
    ctx.log.warn(
      {
        batchId,
        latencyMs,
        detail,
        onTimeout: hook.on_timeout,
      },
      `moderation hook gave no verdicts (${failure}); on_timeout applied`,
    )
  else ctx.log.debug({ batchId, latencyMs, comments: comments.length }, 'moderation hook answered')
  return verdicts
}
