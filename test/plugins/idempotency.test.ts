import t from 'tap'
import { Type } from 'typebox'
import { buildTestApp, createTenant } from '../helper.js'
import { requireScopes } from '../../src/lib/scopes.js'

t.test('Idempotency-Key: replay, mismatch, concurrent twin, per-client scope', async (t) => {
  let release!: () => void
  let gate = Promise.resolve()
  let calls = 0
  const { app } = await buildTestApp(t, {
    // A create that can be held open, to make a concurrent twin deterministic.
    beforeReady: (app) => {
      app.post(
        '/v1/test-slow-creates',
        { schema: { security: requireScopes('events:read'), body: Type.Object({ n: Type.Integer() }) } },
        async (req, reply) => {
          calls++
          await gate
          return reply.code(201).send({ n: (req.body as { n: number }).n, call: calls })
        },
      )
    },
  })
  const mcn = await createTenant(app, { name: 'Idem MCN' })
  const post = (body: unknown, key?: string) =>
    mcn.post('/v1/test-slow-creates', body, key ? { 'idempotency-key': key } : {})

  const first = await post({ n: 1 }, 'key-1')
  t.equal(first.statusCode, 201)
  t.same(first.json(), { n: 1, call: 1 })
  const replay = await post({ n: 1 }, 'key-1')
  t.equal(replay.statusCode, 201)
  t.same(replay.json(), { n: 1, call: 1 }, 'the first response is returned, the operation does not run again')
  t.equal(replay.headers['idempotent-replayed'], 'true')
  t.equal(calls, 1)

  const mismatch = await post({ n: 2 }, 'key-1')
  t.equal(mismatch.statusCode, 422)
  t.match(mismatch.json(), {
    code: 'idempotency_key_reused',
    type: 'https://showrunner.dev/problems/idempotency-key-reused',
  })

  gate = new Promise((r) => (release = r))
  const running = post({ n: 3 }, 'key-2')
  while (calls < 2) await new Promise((r) => setTimeout(r, 10))
  const twin = await post({ n: 3 }, 'key-2')
  t.equal(twin.statusCode, 409)
  t.match(twin.json(), { code: 'idempotency_in_progress' })
  release()
  t.equal((await running).statusCode, 201)
  t.same((await post({ n: 3 }, 'key-2')).json(), { n: 3, call: 2 })

  const noKey = await post({ n: 4 })
  t.equal(noKey.statusCode, 201)
  t.equal((await post({ n: 4 })).json().call, 4, 'without a key every POST runs')

  const tooLong = await post({ n: 5 }, 'k'.repeat(256))
  t.equal(tooLong.statusCode, 400)
  const invalid = await post({ n: 'x' }, 'key-3')
  t.equal(invalid.statusCode, 400, 'a request that fails validation is not stored')
  t.equal((await post({ n: 6 }, 'key-3')).statusCode, 201, 'so the key can still be used')

  // Keys are scoped to the client: another client's identical key is a different request.
  const other = await createTenant(app, { name: 'Other MCN' })
  const otherFirst = await other.post('/v1/test-slow-creates', { n: 1 }, { 'idempotency-key': 'key-1' })
  t.equal(otherFirst.statusCode, 201)
  t.not(otherFirst.json().call, 1)
})
