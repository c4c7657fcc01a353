import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'
import t, { type Test } from 'tap'
import { moveBatch } from '../../../src/modules/interaction/worker.js'
import { configureDelivery } from '../../../src/modules/webhooks/settings.js'
import { serviceCtx } from '../../fixtures.js'
import { buildTestApp, createTenant, type Caller } from '../../helper.js'
import { installedApp } from '../webhooks/installed-app.js'
import { event, makeSession, ok, statsWhen } from './support.js'

interface Received {
  headers: http.IncomingHttpHeaders
  body: string
  json: any
}
type Answer = (req: Received) => Promise<{ status?: number; body: unknown; delayMs?: number }>

/** The provider app: a real HTTP server on localhost whose answer each test sets. */
async function appServer(t: Test) {
  const received: Received[] = []
  let answer: Answer = async () => ({ body: { verdicts: [] } })
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const r: Received = { headers: req.headers, body, json: JSON.parse(body) }
      received.push(r)
      const out = await answer(r)
      if (out.delayMs) await new Promise((done) => setTimeout(done, out.delayMs))
      if (res.destroyed) return
      res.writeHead(out.status ?? 200, { 'content-type': 'application/json' })
      res.end(typeof out.body === 'string' ? out.body : JSON.stringify(out.body))
    })
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  t.teardown(
    () =>
      new Promise<void>((done) => {
        server.closeAllConnections()
        server.close(() => done())
      }),
  )
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/review`,
    received,
    answer: (a: Answer) => {
      answer = a
    },
  }
}

const put = (caller: Caller, body: unknown, headers: Record<string, string> = {}) =>
  caller.request({ method: 'PUT', url: '/v1/moderation/hook', payload: body as object, headers })

/** Sends comments in one batch and waits until the move counted them; answers the session's comments. */
async function sendComments(mcn: Caller, texts: string[]) {
  const sessionId = await makeSession(mcn, `hook ${texts[0]}`)
  const events = texts.map((text, i) => event('comment', { text }, i + 1))
  const batch = await ok(await mcn.post(`/v1/sessions/${sessionId}/interactions/batch`, { events }), 202)
  const stats = await statsWhen(mcn, sessionId, (s) => s.comments === texts.length)
  const comments = (await ok(await mcn.get(`/v1/sessions/${sessionId}/comments`), 200)).data as any[]
  const byText = new Map(comments.map((c) => [c.original_text ?? c.text, c]))
  return { sessionId, batchId: batch.batch_id as string, stats, comments, byText }
}

t.test('the moderation hook on a provider app', async (t) => {
  const { app } = await buildTestApp(t, { workers: true })
  // Tests are not development mode: the hook's app listens on localhost, which the guard lets through here only.
  t.teardown(configureDelivery({ allowLoopback: true }))
  const provider = await appServer(t)
  const mcn = await createTenant(app, { kind: 'mcn' })
  const reviewer = await installedApp(app, mcn, ['interactions:read', 'moderation:read', 'moderation:write'])
  const blind = await installedApp(app, mcn, ['moderation:read'])
  const other = await createTenant(app, { kind: 'mcn' })
  const foreign = await installedApp(app, other, ['interactions:read'])

  t.test('bad configuration is a 4xx problem and stores nothing', async (t) => {
    const good = { installation_id: reviewer.installationId, url: provider.url, on_timeout: 'allow' }
    const cases: [unknown, number, string][] = [
      [{ ...good, on_timeout: undefined }, 400, 'on_timeout missing'],
      [{ ...good, on_timeout: 'maybe' }, 400, 'on_timeout not allow or hide'],
      [{ ...good, timeout_ms: 10 }, 400, 'timeout below 50 ms'],
      [{ ...good, timeout_ms: 5001 }, 400, 'timeout above 5 s'],
      [{ ...good, secret: 'mine' }, 400, 'an unknown field'],
      [{ ...good, installation_id: 'ins_nope' }, 400, 'not an installation id'],
      [{ ...good, url: 'ftp://93.184.215.14/review' }, 422, 'not http(s)'],
      [{ ...good, url: 'http://10.1.2.3/review' }, 422, 'a private address'],
      [{ ...good, url: 'http://93.184.215.14/review' }, 422, 'plain http to a public host'],
      [{ ...good, installation_id: foreign.installationId }, 422, 'another tenant’s installation'],
      [{ ...good, installation_id: blind.installationId }, 422, 'an installation without interactions:read'],
    ]
    for (const [body, status, why] of cases) {
      const res = await put(mcn, body)
      t.equal(res.statusCode, status, `${why}: ${res.body}`)
      t.match(res.headers['content-type'], /application\/problem\+json/, why)
    }
    const scopeless = await put(mcn, { ...good, installation_id: blind.installationId })
    t.match(scopeless.json().errors, [{ pointer: '/body/installation_id', detail: /interactions:read/ }])
    const plain = await put(mcn, { ...good, url: 'http://93.184.215.14/review' })
    t.match(plain.json().errors, [{ pointer: '/body/url', detail: /must be https/ }])
    // Outside development mode localhost is refused too, as for webhook endpoints.
    const restore = configureDelivery({ allowLoopback: false })
    const loopback = await put(mcn, good)
    restore()
    t.equal(loopback.statusCode, 422)
    t.match(loopback.json().errors, [{ pointer: '/body/url', detail: /loopback/ }])
    t.equal((await mcn.get('/v1/moderation/hook')).statusCode, 404, 'nothing stored')
  })

  let secret = ''
  t.test('set, read and change the hook; the secret is shown once', async (t) => {
    const created = await put(mcn, { installation_id: reviewer.installationId, url: provider.url, on_timeout: 'allow' })
    t.equal(created.statusCode, 201, created.body)
    secret = created.json().secret
    t.match(secret, /^whsec_[A-Za-z0-9+/]+={0,2}$/)
    t.match(created.json().hook, {
      id: /^mhk_/,
      installation_id: reviewer.installationId,
      timeout_ms: 1000,
      on_timeout: 'allow',
      active: true,
      version: 1,
    })
    const got = await mcn.get('/v1/moderation/hook')
    t.equal(got.headers.etag, '"1"')
    t.notOk(got.body.includes(secret.slice(6, 20)), 'the secret is never shown again')
    const stale = await put(
      mcn,
      { installation_id: reviewer.installationId, url: provider.url, on_timeout: 'hide' },
      { 'if-match': '"7"' },
    )
    t.equal(stale.statusCode, 412)
    const changed = await put(
      mcn,
      { installation_id: reviewer.installationId, url: provider.url, on_timeout: 'allow', timeout_ms: 2000 },
      { 'if-match': '"1"' },
    )
    t.equal(changed.statusCode, 200, changed.body)
    t.match(changed.json(), { secret: null, hook: { version: 2, timeout_ms: 2000 } })
    t.equal((await other.get('/v1/moderation/hook')).statusCode, 404, 'another tenant has none')
    // An installed app may name only itself.
    const byApp = await put(reviewer.caller, {
      installation_id: blind.installationId,
      url: provider.url,
      on_timeout: 'allow',
    })
    t.equal(byApp.statusCode, 422)
    t.equal((await reviewer.caller.get('/v1/moderation/hook')).statusCode, 200, 'the app sees the hook naming it')
    const events = (await ok(await mcn.get('/v1/events?limit=100'), 200)).data.filter((e: any) =>
      e.type.startsWith('moderation_hook.'),
    )
    t.same(
      events.map((e: any) => [e.type, e.resource.version]).sort((a: any, b: any) => a[1] - b[1]),
      [
        ['moderation_hook.set', 1],
        ['moderation_hook.set', 2],
      ],
    )
    t.notOk(JSON.stringify(events).includes(secret.slice(6, 20)), 'no event carries the secret')
  })

  t.test('allow, hide with a reason, replace keeping the original; a blocked word still wins', async (t) => {
    await ok(await mcn.post('/v1/moderation/blocked-words', { word: '微信' }))
    provider.answer(async (req) => ({
      body: {
        verdicts: req.json.comments.map((c: any) =>
          c.text.includes('spam')
            ? { id: c.id, action: 'hide', reason: 'spam: link farm' }
            : c.text.includes('ugly')
              ? { id: c.id, action: 'replace', text: '***' }
              : { id: c.id, action: 'allow' },
        ),
      },
    }))
    const before = provider.received.length
    const { comments, byText, sessionId, stats } = await sendComments(mcn, [
      '这款普洱还有吗？',
      'buy spam here',
      'what an ugly hat',
      '加微信私聊',
    ])
    t.equal(provider.received.length, before + 1, 'one request for the batch')
    const request = provider.received.at(-1)!
    t.match(request.json, { type: 'comments.review', installation_id: reviewer.installationId, timeout_ms: 2000 })
    t.same(
      request.json.comments.map((c: any) => c.text),
      ['这款普洱还有吗？', 'buy spam here', 'what an ugly hat'],
      'a comment a blocked word hides is not sent',
    )
    t.match(request.json.comments[0], {
      id: /^iev_/,
      event_id: /^e-/,
      session_id: sessionId,
      buyer_id: /^buy_/,
      occurred_at: /Z$/,
    })
    t.same(new Webhook(secret).verify(request.body, request.headers as Record<string, string>), request.json)
    t.throws(
      () => new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(request.body, request.headers as any),
      'another secret does not verify',
    )
    t.match(byText.get('这款普洱还有吗？'), { state: 'visible', moderation_reason: null, original_text: null })
    t.match(byText.get('buy spam here'), { state: 'hidden', moderation_reason: 'spam: link farm' })
    t.match(byText.get('what an ugly hat'), {
      state: 'replaced',
      text: '***',
      original_text: 'what an ugly hat',
      moderation_reason: 'moderation_hook: replaced',
    })
    t.match(byText.get('加微信私聊'), { state: 'hidden', moderation_reason: 'blocked_word: 微信' })
    t.equal(comments.length, 4)
    t.equal(stats.comments_hidden, 2)
    const hidden = await ok(await mcn.get(`/v1/sessions/${sessionId}/comments?state=hidden`), 200)
    t.same(hidden.data.map((c: any) => c.text).sort(), ['buy spam here', '加微信私聊'].sort())
    const replaced = await ok(await mcn.get(`/v1/sessions/${sessionId}/comments?state=replaced`), 200)
    t.same(
      replaced.data.map((c: any) => [c.text, c.original_text]),
      [['***', 'what an ugly hat']],
    )
  })

  t.test('a timeout with on_timeout=allow shows the comment, marked unreviewed', async (t) => {
    await ok(
      await put(mcn, {
        installation_id: reviewer.installationId,
        url: provider.url,
        on_timeout: 'allow',
        timeout_ms: 100,
      }),
      200,
    )
    provider.answer(async (req) => ({
      delayMs: 1000,
      body: { verdicts: req.json.comments.map((c: any) => ({ id: c.id, action: 'hide', reason: 'too late' })) },
    }))
    const started = Date.now()
    const { byText } = await sendComments(mcn, ['slow review, open'])
    t.match(byText.get('slow review, open'), { state: 'visible', moderation_reason: 'moderation_hook: timeout' })
    t.ok(Date.now() - started < 5000, 'the move did not wait for the late answer')
  })

  t.test('a timeout with on_timeout=hide hides the comment with the timeout reason', async (t) => {
    await ok(
      await put(mcn, {
        installation_id: reviewer.installationId,
        url: provider.url,
        on_timeout: 'hide',
        timeout_ms: 100,
      }),
      200,
    )
    provider.answer(async (req) => ({
      delayMs: 1000,
      body: { verdicts: req.json.comments.map((c: any) => ({ id: c.id, action: 'allow' })) },
    }))
    const { byText, stats } = await sendComments(mcn, ['slow review, closed'])
    t.match(byText.get('slow review, closed'), { state: 'hidden', moderation_reason: 'moderation_hook: timeout' })
    t.equal(stats.comments_hidden, 1)
  })

  t.test('an answer in time is used, whichever on_timeout is set', async (t) => {
    await ok(
      await put(mcn, {
        installation_id: reviewer.installationId,
        url: provider.url,
        on_timeout: 'hide',
        timeout_ms: 2000,
      }),
      200,
    )
    provider.answer(async (req) => ({
      delayMs: 50,
      body: { verdicts: req.json.comments.map((c: any) => ({ id: c.id, action: 'allow' })) },
    }))
    const { byText } = await sendComments(mcn, ['quick review'])
    t.match(byText.get('quick review'), { state: 'visible', moderation_reason: null })
  })

  t.test('an error answer, an invalid answer, a missing verdict and no answer apply on_timeout', async (t) => {
    provider.answer(async () => ({ status: 500, body: { error: 'boom' } }))
    t.match((await sendComments(mcn, ['error answer'])).byText.get('error answer'), {
      state: 'hidden',
      moderation_reason: 'moderation_hook: error (HTTP 500)',
    })
    provider.answer(async () => ({ body: '{"verdicts": [{"id": 1, "action": "allow"}]}' }))
    t.match((await sendComments(mcn, ['invalid answer'])).byText.get('invalid answer'), {
      state: 'hidden',
      moderation_reason: 'moderation_hook: error (invalid answer)',
    })
    provider.answer(async () => ({ body: 'not json' }))
    t.match((await sendComments(mcn, ['not json'])).byText.get('not json'), {
      state: 'hidden',
      moderation_reason: 'moderation_hook: error (invalid answer)',
    })
    provider.answer(async (req) => ({ body: { verdicts: [{ id: req.json.comments[0].id, action: 'allow' }] } }))
    const partial = await sendComments(mcn, ['answered', 'left out'])
    t.match(partial.byText.get('answered'), { state: 'visible', moderation_reason: null })
    t.match(partial.byText.get('left out'), { state: 'hidden', moderation_reason: 'moderation_hook: no verdict' })

    // Nothing listens on the port any more: a connection error.
    const closed = http.createServer()
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done))
    const { port } = closed.address() as AddressInfo
    await new Promise<void>((done) => closed.close(() => done()))
    await ok(
      await put(mcn, {
        installation_id: reviewer.installationId,
        url: `http://127.0.0.1:${port}/review`,
        on_timeout: 'allow',
      }),
      200,
    )
    t.match((await sendComments(mcn, ['nobody home'])).byText.get('nobody home'), {
      state: 'visible',
      moderation_reason: 'moderation_hook: error (no answer)',
    })
  })

  t.test('a retried move may not move the batch twice, and does not ask again', async (t) => {
    await ok(await put(mcn, { installation_id: reviewer.installationId, url: provider.url, on_timeout: 'hide' }), 200)
    provider.answer(async (req) => ({
      body: { verdicts: req.json.comments.map((c: any) => ({ id: c.id, action: 'allow' })) },
    }))
    const { batchId, sessionId } = await sendComments(mcn, ['moved once'])
    const asked = provider.received.length
    t.same(await moveBatch(serviceCtx(app, mcn), batchId), { moved: 0 })
    t.equal(provider.received.length, asked, 'no comment left to move: no request')
    const stats = await ok(await mcn.get(`/v1/sessions/${sessionId}/live-stats`), 200)
    t.equal(stats.comments, 1)
  })

  t.test('an uninstalled installation disables the hook: batches move as if there were none', async (t) => {
    provider.answer(async (req) => ({
      body: { verdicts: req.json.comments.map((c: any) => ({ id: c.id, action: 'hide', reason: 'should not apply' })) },
    }))
    t.equal((await mcn.delete(`/v1/installations/${reviewer.installationId}`)).statusCode, 200)
    const hook = await ok(await mcn.get('/v1/moderation/hook'), 200)
    t.equal(hook.active, false)
    const asked = provider.received.length
    const { byText } = await sendComments(mcn, ['after uninstall'])
    t.match(byText.get('after uninstall'), { state: 'visible', moderation_reason: null })
    t.equal(provider.received.length, asked, 'the app was not called')
    t.equal((await mcn.delete('/v1/moderation/hook', { 'if-match': '"1"' })).statusCode, 412)
    t.equal((await mcn.delete('/v1/moderation/hook')).statusCode, 204)
    t.equal((await mcn.get('/v1/moderation/hook')).statusCode, 404)
    t.equal((await mcn.delete('/v1/moderation/hook')).statusCode, 404)
  })
})
