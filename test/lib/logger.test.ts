import t, { type Test } from 'tap'
import { PassThrough } from 'node:stream'
import { stripVTControlCharacters } from 'node:util'
import Fastify from 'fastify'
import { AppError } from '../../src/lib/errors.js'
import { createLogger, type LogDestination } from '../../src/lib/logger.js'
import errors from '../../src/plugins/errors.js'

/** A stream standing in for stdout: a terminal or a pipe. */
function capture(isTTY: boolean) {
  const stream = new PassThrough() as PassThrough & LogDestination
  stream.isTTY = isTTY
  let text = ''
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8')
  })
  return { stream, lines: () => stripVTControlCharacters(text).split('\n').filter(Boolean) }
}

async function serveOneRequest(t: Test, destination: LogDestination, env: 'development' | 'production' | 'test') {
  const app = Fastify({ loggerInstance: createLogger({ NODE_ENV: env, LOG_LEVEL: 'info' }, { destination }) })
  t.teardown(() => app.close())
  await app.register(errors)
  app.get('/v1/things/:id', async () => ({ ok: true }))
  app.get('/v1/refused', async () => {
    throw new AppError('bad_request', 'No thing is called that.')
  })
  const res = await app.inject({ method: 'GET', url: '/v1/things/thg_1?limit=2' })
  t.equal(res.statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/v1/refused' })).statusCode, 400)
  app.log.info({ port: 3000 }, 'listening')
  // pino-pretty writes on the next tick.
  await new Promise((resolve) => setImmediate(resolve))
}

t.test('development on a terminal: one readable line per request', async (t) => {
  const out = capture(true)
  await serveOneRequest(t, out.stream, 'development')
  const lines = out.lines()
  const requestLines = lines.filter((l) => l.includes('/v1/things/'))
  t.equal(requestLines.length, 1, `one line for the request, got:\n${lines.join('\n')}`)
  t.match(requestLines[0], /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: GET \/v1\/things\/thg_1\?limit=2 200 \d+ms \(req-\w+\)$/)
  t.match(
    lines.filter((l) => l.includes('/v1/refused') || l.includes('refused:')),
    [/INFO: refused: bad_request: No thing is called that\. \(req-\w+\)$/, /INFO: GET \/v1\/refused 400 \d+ms/],
    'a refusal: its reason, then the request, each on one line',
  )
  t.same(
    lines.filter((l) => !l.startsWith('[')).map((l) => l.trim()),
    ['port: 3000'],
    'property lines only under the message that is not about a request',
  )
  t.ok(
    lines.some((l) => /INFO: listening$/.test(l)),
    'other messages keep their text',
  )
  t.notOk(
    lines.some((l) => l.startsWith('{')),
    'no JSON on a terminal',
  )
})

t.test('a pipe, production or tests: JSON, one object per line', async (t) => {
  for (const [isTTY, env] of [
    [false, 'development'],
    [true, 'production'],
    [true, 'test'],
  ] as const) {
    const out = capture(isTTY)
    await serveOneRequest(t, out.stream, env)
    const records = out.lines().map((l) => JSON.parse(l) as { msg: string; res?: { statusCode: number } })
    t.same(
      records.map((r) => r.msg),
      [
        'incoming request',
        'request completed',
        'incoming request',
        'request refused',
        'request completed',
        'listening',
      ],
      `${env}, isTTY ${isTTY}: Fastify's usual JSON records`,
    )
    t.equal(records[1]!.res!.statusCode, 200)
  }
})
