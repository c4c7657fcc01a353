import { randomBytes } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import t from 'tap'
import { Webhook } from 'standardwebhooks'
import { buildTestApp, createTenant, type Caller } from '../../helper.js'
import { sql } from 'drizzle-orm'
import { systemCtx } from '../../../src/lib/context.js'
import { sweepJob } from '../../../src/modules/media/jobs.js'
import { configureMedia } from '../../../src/modules/media/settings.js'

/**
 * The HTTP adapter against a real local server playing the transcoder: it receives the job
 * through the real transcode queue and workers, then calls back signed, like a Standard
 * Webhooks sender.
 */
const secret = `whsec_${randomBytes(24).toString('base64')}`
const signer = new Webhook(secret)

interface Received {
  body: any
  verified: boolean
}

async function transcoder(answer: () => number) {
  const jobs: Received[] = []
  const server = http.createServer((req, res) => {
    let raw = ''
    req.on('data', (c) => {
      raw += c
    })
    req.on('end', () => {
      let verified = true
      try {
        signer.verify(raw, req.headers as Record<string, string>)
      } catch {
        verified = false
      }
      jobs.push({ body: JSON.parse(raw), verified })
      const status = answer()
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ job_id: `tj_${jobs.length}` }))
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { jobs, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jobs` }
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 20000): Promise<T> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    const v = await fn()
    if (v !== undefined) return v
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`timed out waiting for ${what}`)
}

async function session(owner: Caller) {
  const host = (await owner.post('/v1/anchors', { name: 'media host' })).json().id
  const res = await owner.post('/v1/sessions', {
    title: 'tea night',
    platform: 'douyin',
    planned_start: '2030-01-01T10:00:00Z',
    planned_end: '2030-01-01T12:00:00Z',
    host_anchor_id: host,
  })
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json().id as string
}

function signed(app: any, body: unknown, opts: { secret?: string; at?: Date } = {}) {
  const payload = JSON.stringify(body)
  const id = `msg_${randomBytes(8).toString('hex')}`
  const at = opts.at ?? new Date()
  return app.inject({
    method: 'POST',
    url: '/v1/media/callbacks/http',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(opts.secret ?? secret).sign(id, at, payload),
    },
    payload,
  })
}

const outputs = {
  renditions: [{ name: '720p', height: 720, playlist_url: 'https://cdn.example.com/m/720p/index.m3u8' }],
  poster_url: 'https://cdn.example.com/m/poster.jpg',
  duration_seconds: 2,
}

t.test('hand-off through the queue, signed callbacks, refusals and repeats', async (t) => {
  const tc = await transcoder(() => 202)
  t.teardown(() => tc.server.close())
  const { app } = await buildTestApp(t, {
    workers: true,
    config: { TRANSCODER: 'http', TRANSCODER_URL: tc.url, TRANSCODER_SECRET: secret },
  })
  const owner = await createTenant(app)
  const ses = await session(owner)

  const reg = await owner.post(`/v1/sessions/${ses}/media`, {
    kind: 'clip',
    source_url: 'https://recordings.example.com/room-8.mp4',
    title: 'hero moment',
    clip: { start_seconds: 10, end_seconds: 40 },
  })
  t.equal(reg.statusCode, 202, reg.body)
  const med = reg.json()
  t.equal(med.state, 'pending')

  const submitted = await until('submitted', async () => {
    const m = (await owner.get(`/v1/media/${med.id}`)).json()
    return m.state === 'submitted' ? m : undefined
  })
  t.equal(submitted.attempts, 1)
  t.equal(submitted.adapter, 'http')
  t.equal(tc.jobs.length, 1)
  t.ok(tc.jobs[0]!.verified, 'the job is signed with the shared secret')
  t.same(tc.jobs[0]!.body, {
    media_id: med.id,
    kind: 'clip',
    source_url: 'https://recordings.example.com/room-8.mp4',
    clip: { start_seconds: 10, end_seconds: 40 },
    callback_url: 'http://showrunner.test/v1/media/callbacks/http',
  })

  // Refused callbacks change nothing.
  const unsigned = await app.inject({
    method: 'POST',
    url: '/v1/media/callbacks/http',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({ media_id: med.id, status: 'ready', outputs }),
  })
  t.equal(unsigned.statusCode, 401, 'no signature → 401')
  t.match(unsigned.headers['content-type'], /application\/problem\+json/)
  const forged = await signed(
    app,
    { media_id: med.id, status: 'ready', outputs },
    {
      secret: `whsec_${randomBytes(24).toString('base64')}`,
    },
  )
  t.equal(forged.statusCode, 401, 'another secret → 401')
  const old = await signed(app, { media_id: med.id, status: 'ready', outputs }, { at: new Date(Date.now() - 3600_000) })
  t.equal(old.statusCode, 401, 'an hour-old timestamp → 401')
  const bodyTampered = await (async () => {
    const payload = JSON.stringify({ media_id: med.id, status: 'failed', reason: 'x' })
    const at = new Date()
    return app.inject({
      method: 'POST',
      url: '/v1/media/callbacks/http',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'msg_1',
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': signer.sign('msg_1', at, JSON.stringify({ media_id: med.id, status: 'processing' })),
      },
      payload,
    })
  })()
  t.equal(bodyTampered.statusCode, 401, 'a body other than the signed one → 401')
  t.equal((await owner.get(`/v1/media/${med.id}`)).json().version, submitted.version, 'nothing changed')

  const processing = await signed(app, { media_id: med.id, status: 'processing', job_id: 'tj_1' })
  t.same(processing.json(), { media_id: med.id, state: 'processing', applied: true })
  const readyNoOutputs = await signed(app, { media_id: med.id, status: 'ready' })
  t.equal(readyNoOutputs.statusCode, 400, 'ready without outputs is refused')
  const ready = await signed(app, { media_id: med.id, status: 'ready', outputs })
  t.same(ready.json(), { media_id: med.id, state: 'ready', applied: true })
  const after = (await owner.get(`/v1/media/${med.id}`)).json()
  t.same(after.outputs, outputs)

  const gql = await owner.post('/graphql', {
    query:
      'query($id: ID!) { media(id: $id) { id state attempts outputs { poster_url renditions { name playlist_url } } } }',
    variables: { id: med.id },
  })
  t.same(
    gql.json().data?.media,
    {
      id: med.id,
      state: 'ready',
      attempts: 1,
      outputs: {
        poster_url: outputs.poster_url,
        renditions: [{ name: '720p', playlist_url: outputs.renditions[0]!.playlist_url }],
      },
    },
    `GraphQL reads the media: ${gql.body}`,
  )

  // Repeats and late reports are answered but do not move the media backwards.
  const again = await signed(app, { media_id: med.id, status: 'ready', outputs })
  t.same(again.json(), { media_id: med.id, state: 'ready', applied: false })
  const late = await signed(app, { media_id: med.id, status: 'processing' })
  t.same(late.json(), { media_id: med.id, state: 'ready', applied: false })
  const lateFail = await signed(app, { media_id: med.id, status: 'failed', reason: 'late' })
  t.same(lateFail.json(), { media_id: med.id, state: 'ready', applied: false })
  t.equal((await owner.get(`/v1/media/${med.id}`)).json().version, after.version, 'repeats changed nothing')

  const nul = await signed(app, { media_id: med.id, status: 'failed', reason: 'bad\u0000byte' })
  t.equal(nul.statusCode, 400, 'a NUL in the body is bad input, not a 500')

  const unknown = await signed(app, { media_id: 'med_01h00000000000000000000000', status: 'processing' })
  t.equal(unknown.statusCode, 404)

  const events = (await owner.get('/v1/events?limit=200')).json().data.filter((e: any) => e.type.startsWith('media.'))
  t.same(
    events.map((e: any) => [e.type, e.resource.id]),
    [['media.transcoded', med.id]],
    'one media.transcoded, none for the repeats',
  )

  // A transcoder failure report fails the media with its reason.
  const second = (
    await owner.post(`/v1/sessions/${ses}/media`, {
      kind: 'recording',
      source_url: 'https://recordings.example.com/b.mp4',
    })
  ).json()
  await until('submitted', async () =>
    (await owner.get(`/v1/media/${second.id}`)).json().state === 'submitted' ? true : undefined,
  )
  const failed = await signed(app, { media_id: second.id, status: 'failed', reason: 'unsupported codec' })
  t.same(failed.json(), { media_id: second.id, state: 'failed', applied: true })
  const m2 = (await owner.get(`/v1/media/${second.id}`)).json()
  t.equal(m2.last_error, 'unsupported codec')
  const types = (await owner.get('/v1/events?limit=200')).json().data.map((e: any) => e.type)
  t.ok(types.includes('media.failed'))

  // Another tenant's media is not found; the session's list is paginated.
  const other = await createTenant(app, { name: 'Other MCN' })
  t.equal((await other.get(`/v1/media/${med.id}`)).statusCode, 404)
  const page = (await owner.get(`/v1/sessions/${ses}/media?limit=1`)).json()
  t.equal(page.data.length, 1)
  t.ok(page.next_cursor)
  const rest = (await owner.get(`/v1/sessions/${ses}/media?limit=1&cursor=${page.next_cursor}`)).json()
  t.equal(rest.data.length, 1)
  t.not(rest.data[0].id, page.data[0].id)
})

t.test('retries: a failing transcoder is retried with attempts counted, then the media fails', async (t) => {
  t.teardown(configureMedia({ backoffMs: 100 }))
  const tc = await transcoder(() => 503)
  t.teardown(() => tc.server.close())
  const { app } = await buildTestApp(t, {
    workers: true,
    config: { TRANSCODER: 'http', TRANSCODER_URL: tc.url, TRANSCODER_SECRET: secret },
  })
  t.teardown(configureMedia({ backoffMs: 100 }))
  const owner = await createTenant(app)
  const ses = await session(owner)
  const med = (
    await owner.post(`/v1/sessions/${ses}/media`, { kind: 'recording', source_url: 'https://r.example.com/a.mp4' })
  ).json()
  const failed = await until('failed', async () => {
    const m = (await owner.get(`/v1/media/${med.id}`)).json()
    return m.state === 'failed' ? m : undefined
  })
  t.equal(failed.attempts, 3)
  t.equal(tc.jobs.length, 3, 'three hand-offs')
  t.match(failed.last_error, /503/)
  const events = (await owner.get('/v1/events?limit=200')).json().data.filter((e: any) => e.type === 'media.failed')
  t.equal(events.length, 1)
})

t.test('a passing failure is retried and the media goes on', async (t) => {
  t.teardown(configureMedia({ backoffMs: 100 }))
  const answers = [503, 202]
  const tc = await transcoder(() => answers.shift() ?? 202)
  t.teardown(() => tc.server.close())
  const { app } = await buildTestApp(t, {
    workers: true,
    config: { TRANSCODER: 'http', TRANSCODER_URL: tc.url, TRANSCODER_SECRET: secret },
  })
  t.teardown(configureMedia({ backoffMs: 100 }))
  const owner = await createTenant(app)
  const ses = await session(owner)
  const med = (
    await owner.post(`/v1/sessions/${ses}/media`, { kind: 'recording', source_url: 'https://r.example.com/a.mp4' })
  ).json()
  const submitted = await until('submitted', async () => {
    const m = (await owner.get(`/v1/media/${med.id}`)).json()
    return m.state === 'submitted' ? m : undefined
  })
  t.equal(submitted.attempts, 2, 'the second attempt got through')
  t.equal(submitted.last_error, null, 'the error of the first is cleared once it passed')
  t.equal(tc.jobs.length, 2)
})

t.test('a 4xx from the transcoder fails at once', async (t) => {
  const tc = await transcoder(() => 422)
  t.teardown(() => tc.server.close())
  const { app } = await buildTestApp(t, {
    workers: true,
    config: { TRANSCODER: 'http', TRANSCODER_URL: tc.url, TRANSCODER_SECRET: secret },
  })
  const owner = await createTenant(app)
  const ses = await session(owner)
  const med = (
    await owner.post(`/v1/sessions/${ses}/media`, { kind: 'recording', source_url: 'https://r.example.com/a.mp4' })
  ).json()
  const failed = await until('failed', async () => {
    const m = (await owner.get(`/v1/media/${med.id}`)).json()
    return m.state === 'failed' ? m : undefined
  })
  t.equal(failed.attempts, 1)
  t.equal(tc.jobs.length, 1)
})

t.test('registration refuses bad input and unknown sessions', async (t) => {
  const { app } = await buildTestApp(t)
  const owner = await createTenant(app)
  const ses = await session(owner)
  for (const [source_url, why] of [
    ['ftp://x.example.com/a.mp4', /http or https/],
    ['http://10.0.0.5/a.mp4', /private/],
    ['http://127.0.0.1/a.mp4', /loopback/],
    ['http://[::ffff:169.254.169.254]/a', /link-local/],
    ['https://user:pw@x.example.com/a.mp4', /credentials/],
    ['not a url', /not a URL/],
  ] as const) {
    const res = await owner.post(`/v1/sessions/${ses}/media`, { kind: 'recording', source_url })
    t.equal(res.statusCode, 400, source_url)
    t.match(res.json().errors?.[0]?.detail, why, source_url)
  }
  const range = await owner.post(`/v1/sessions/${ses}/media`, {
    kind: 'clip',
    source_url: 'https://x.example.com/a.mp4',
    clip: { start_seconds: 5, end_seconds: 5 },
  })
  t.equal(range.statusCode, 400)
  const missing = await owner.post('/v1/sessions/ses_01h00000000000000000000000/media', {
    kind: 'recording',
    source_url: 'https://x.example.com/a.mp4',
  })
  t.equal(missing.statusCode, 404)
  t.match(missing.json().detail, /No session/)
  t.equal((await owner.get(`/v1/sessions/${ses}/media`)).json().data.length, 0, 'nothing was registered')
})

t.test('the sweeper queues a pending media whose transcode never reached the queue', async (t) => {
  const tc = await transcoder(() => 202)
  t.teardown(() => tc.server.close())
  const { app } = await buildTestApp(t, {
    workers: true,
    config: { TRANSCODER: 'http', TRANSCODER_URL: tc.url, TRANSCODER_SECRET: secret },
  })
  const owner = await createTenant(app)
  const ses = await session(owner)
  // As if the queue had been down when it was registered: committed, never queued.
  const stranded = 'med_01h00000000000000000000001'
  const fresh = 'med_01h00000000000000000000002'
  await app.db.execute(sql`insert into media (tenant_id, id, session_id, kind, source_url, updated_at) values
    (${owner.organizationId}, ${stranded}, ${ses}, 'recording', 'https://r.example.com/s.mp4', now() - interval '10 minutes'),
    (${owner.organizationId}, ${fresh}, ${ses}, 'recording', 'https://r.example.com/f.mp4', now())`)
  await app.queues.add(sweepJob.queue, sweepJob.name, sweepJob.envelope(systemCtx('test'), {}))
  await until('submitted', async () =>
    (await owner.get(`/v1/media/${stranded}`)).json().state === 'submitted' ? true : undefined,
  )
  t.same(
    tc.jobs.map((j) => j.body.media_id),
    [stranded],
    'only the stranded media is queued; a fresh one may still be on its way',
  )
  t.equal((await owner.get(`/v1/media/${fresh}`)).json().state, 'pending')
})
