import type { Caller } from '../../helper.js'

export const ok = async (res: { statusCode: number; body: string; json(): any }, status = 201) => {
  if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}: ${res.body}`)
  return res.json()
}

/** A session with its host, made through the API. */
export async function makeSession(mcn: Caller, title = 'live'): Promise<string> {
  const host = await ok(await mcn.post('/v1/anchors', { name: `host of ${title}` }))
  const s = await ok(
    await mcn.post('/v1/sessions', {
      title,
      platform: 'douyin',
      planned_start: '2030-01-05T10:00:00Z',
      planned_end: '2030-01-05T12:00:00Z',
      host_anchor_id: host.id,
    }),
  )
  return s.id
}

let seq = 0
/** An event of `type` that happened `agoMs` before now, by viewer `n`. */
export function event(type: string, extra: Record<string, unknown> = {}, n = 1, agoMs = 1000) {
  seq++
  return {
    event_id: `e-${process.pid}-${seq}`,
    type,
    occurred_at: new Date(Date.now() - agoMs).toISOString(),
    viewer: { platform: 'douyin', ref: `viewer-${n}` },
    ...extra,
  }
}

/** Polls live stats until `done` holds (the worker runs on its own), at most 15 s. */
export async function statsWhen(mcn: Caller, sessionId: string, done: (s: any) => boolean): Promise<any> {
  const deadline = Date.now() + 15_000
  let last: any
  while (Date.now() < deadline) {
    last = await ok(await mcn.get(`/v1/sessions/${sessionId}/live-stats`), 200)
    if (done(last)) return last
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`live stats never reached the expected state: ${JSON.stringify(last)}`)
}
