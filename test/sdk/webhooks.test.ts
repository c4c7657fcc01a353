import t from 'tap'
import { randomBytes } from 'node:crypto'
import { Webhook } from 'standardwebhooks'
import { signWebhook, verifyWebhook, WebhookVerificationError } from '../../sdk/src/index.js'

/**
 * Webhook verification against the Standard Webhooks specification's example vector and,
 * for random messages, against the reference `standardwebhooks` library both ways.
 */

// The example from the Standard Webhooks specification (and its reference libraries' tests).
const vector = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  payload: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
}
const vectorHeaders = {
  'webhook-id': vector.id,
  'webhook-timestamp': String(vector.timestamp),
  'webhook-signature': vector.signature,
}
const atVectorTime = { now: vector.timestamp * 1000 }

t.test('the specification’s example vector', async (t) => {
  t.equal(signWebhook(vector.secret, vector.id, vector.timestamp, vector.payload), vector.signature)
  t.same(verifyWebhook(vector.secret, vector.payload, vectorHeaders, atVectorTime), { test: 2432232314 })
  t.same(
    verifyWebhook(vector.secret, Buffer.from(vector.payload), new Headers(vectorHeaders), atVectorTime),
    { test: 2432232314 },
    'Buffer body and fetch Headers',
  )
  t.same(
    verifyWebhook(vector.secret.slice('whsec_'.length), vector.payload, vectorHeaders, atVectorTime),
    { test: 2432232314 },
    'a bare base64 secret',
  )
  t.same(
    verifyWebhook(Buffer.from(vector.secret.slice(6), 'base64'), vector.payload, vectorHeaders, atVectorTime),
    { test: 2432232314 },
    'raw key bytes',
  )
})

const rejects = (t: { throws: (...args: any[]) => unknown }, fn: () => unknown, message: RegExp, what: string) =>
  t.throws(fn, { name: 'WebhookVerificationError', message }, what)

t.test('tampering is refused', async (t) => {
  rejects(
    t,
    () => verifyWebhook(vector.secret, '{"test": 2432232315}', vectorHeaders, atVectorTime),
    /No matching/,
    'changed body',
  )
  rejects(
    t,
    () => verifyWebhook(vector.secret, vector.payload, { ...vectorHeaders, 'webhook-id': 'msg_other' }, atVectorTime),
    /No matching/,
    'changed id',
  )
  rejects(
    t,
    () =>
      verifyWebhook(
        vector.secret,
        vector.payload,
        { ...vectorHeaders, 'webhook-timestamp': String(vector.timestamp + 1) },
        atVectorTime,
      ),
    /No matching/,
    'changed timestamp',
  )
  rejects(
    t,
    () => verifyWebhook(`whsec_${randomBytes(24).toString('base64')}`, vector.payload, vectorHeaders, atVectorTime),
    /No matching/,
    'another secret',
  )
  rejects(
    t,
    () =>
      verifyWebhook(
        vector.secret,
        vector.payload,
        { ...vectorHeaders, 'webhook-signature': 'v1,' + Buffer.alloc(32).toString('base64') },
        atVectorTime,
      ),
    /No matching/,
    'a forged signature',
  )
  rejects(
    t,
    () =>
      verifyWebhook(
        vector.secret,
        vector.payload,
        { ...vectorHeaders, 'webhook-signature': vector.signature.replace('v1,', 'v2,') },
        atVectorTime,
      ),
    /No matching/,
    'another version is not v1',
  )
  rejects(
    t,
    () => verifyWebhook(vector.secret, vector.payload, { ...vectorHeaders, 'webhook-signature': 'v1,' }, atVectorTime),
    /No matching/,
    'an empty signature',
  )
  rejects(
    t,
    () =>
      verifyWebhook(
        vector.secret,
        vector.payload,
        { 'webhook-id': vector.id, 'webhook-timestamp': String(vector.timestamp) },
        atVectorTime,
      ),
    /Missing/,
    'no signature header',
  )
  rejects(
    t,
    () =>
      verifyWebhook(
        vector.secret,
        vector.payload,
        { ...vectorHeaders, 'webhook-timestamp': '1614265330.5' },
        atVectorTime,
      ),
    /Invalid webhook-timestamp/,
    'a malformed timestamp',
  )
})

t.test('the timestamp must be within 5 minutes', async (t) => {
  const at = (seconds: number) => ({ now: (vector.timestamp + seconds) * 1000 })
  t.ok(verifyWebhook(vector.secret, vector.payload, vectorHeaders, at(300)), 'exactly 5 minutes old')
  t.ok(verifyWebhook(vector.secret, vector.payload, vectorHeaders, at(-300)), '5 minutes ahead (clock skew)')
  rejects(t, () => verifyWebhook(vector.secret, vector.payload, vectorHeaders, at(301)), /too old/, 'expired')
  rejects(t, () => verifyWebhook(vector.secret, vector.payload, vectorHeaders, at(-301)), /too new/, 'from the future')
  rejects(
    t,
    () => verifyWebhook(vector.secret, vector.payload, vectorHeaders),
    /too old/,
    'the vector is from 2021: refused today',
  )
  t.ok(
    verifyWebhook(vector.secret, vector.payload, vectorHeaders, { ...at(3600), toleranceSeconds: 7200 }),
    'tolerance is configurable',
  )
})

t.test('several signatures, one of them valid (secret rotation)', async (t) => {
  const old = `whsec_${randomBytes(32).toString('base64')}`
  const signature = `v1a,${randomBytes(64).toString('base64')} ${signWebhook(old, vector.id, vector.timestamp, vector.payload)} ${vector.signature}`
  t.ok(verifyWebhook(vector.secret, vector.payload, { ...vectorHeaders, 'webhook-signature': signature }, atVectorTime))
  t.ok(
    verifyWebhook(old, vector.payload, { ...vectorHeaders, 'webhook-signature': signature }, atVectorTime),
    'the old secret still verifies',
  )
  // Node's req.headers with an array value, mixed-case names.
  t.ok(
    verifyWebhook(
      vector.secret,
      vector.payload,
      { 'Webhook-Id': vector.id, 'webhook-timestamp': [String(vector.timestamp)], 'webhook-signature': signature },
      atVectorTime,
    ),
  )
})

t.test('agrees with the reference standardwebhooks library both ways', async (t) => {
  for (let i = 0; i < 20; i++) {
    const secret = `whsec_${randomBytes(24 + i).toString('base64')}`
    const id = `evt_${randomBytes(13).toString('hex')}`
    const now = new Date()
    const payload = JSON.stringify({
      id,
      type: 'order.paid',
      data: { amount: i * 1234, note: 'café 直播 🎉', nested: { list: [1, 2, 3] } },
    })
    const seconds = Math.floor(now.getTime() / 1000)

    const theirs = new Webhook(secret).sign(id, now, payload)
    t.equal(signWebhook(secret, id, now, payload), theirs, 'same signature')
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(seconds), 'webhook-signature': theirs }
    t.same(verifyWebhook(secret, payload, headers), JSON.parse(payload), 'we verify theirs')
    const ours = { ...headers, 'webhook-signature': signWebhook(secret, id, seconds, payload) }
    t.same(new Webhook(secret).verify(payload, ours), JSON.parse(payload), 'they verify ours')
    t.throws(() => new Webhook(secret).verify(payload + ' ', ours), 'they refuse what we refuse')
    t.throws(() => verifyWebhook(secret, payload + ' ', ours), WebhookVerificationError)
  }
})
