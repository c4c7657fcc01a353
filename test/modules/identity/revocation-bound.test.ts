/**
 * The revocation bound across processes: each app here is a separate "process" (its own
 * pool, listener and cache) on the same database. A revoke or uninstall made through one is
 * refused by the other within 1 s of its commit, also when the other's listener connection
 * stops delivering without closing. The delay is measured from the revocation's own
 * timestamp (`now()` of its transaction, so no later than its commit) on the same clock.
 */
import net from 'node:net'
import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import postgres from 'postgres'
import { buildTestApp, callerFor, createTenant, fetchToken } from '../../helper.js'
import { startApp, testAppConfig } from '../../support/app.js'

const BOUND_MS = 1000

/** Polls `other` with the token until it answers 401; how long after `committedAt` that was. */
async function refusedAfter(other: FastifyInstance, token: string, committedAt: Date): Promise<number> {
  for (;;) {
    const res = await other.inject({ url: '/v1/events', headers: { authorization: `Bearer ${token}` } })
    if (res.statusCode === 401) return Date.now() - committedAt.getTime()
    if (res.statusCode !== 200) throw new Error(`unexpected ${res.statusCode}: ${res.body}`)
    if (Date.now() - committedAt.getTime() > 10 * BOUND_MS) return Number.POSITIVE_INFINITY
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** Answers 200 a few times, so the revocation cache holds the token's grant. */
async function warm(t: Test, other: FastifyInstance, token: string) {
  for (let i = 0; i < 3; i++) {
    const res = await other.inject({ url: '/v1/events', headers: { authorization: `Bearer ${token}` } })
    t.equal(res.statusCode, 200, 'the other process serves the token before the revocation')
  }
}

/**
 * A TCP relay to PostgreSQL that can go silent for the connection that LISTENs: its socket
 * stays open and nothing it is sent arrives, as on a half-open connection or a stalled network.
 */
async function relay(t: Test, target: { host: string; port: number }) {
  const listeners = new Set<net.Socket>()
  const sockets = new Set<net.Socket>()
  let silent = false
  const server = net.createServer((client) => {
    const upstream = net.connect(target)
    sockets.add(client).add(upstream)
    let listening = false
    client.on('data', (chunk) => {
      if (!listening && /listen "showrunner_revocations"/i.test(chunk.toString('latin1'))) {
        listening = true
        listeners.add(client)
      }
      upstream.write(chunk)
    })
    upstream.on('data', (chunk) => {
      if (!(silent && listening)) client.write(chunk)
    })
    const end = () => {
      client.destroy()
      upstream.destroy()
    }
    client.on('error', end).on('close', end)
    upstream.on('error', end).on('close', end)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
      }),
  )
  const { port } = server.address() as net.AddressInfo
  return {
    port,
    listeners,
    goSilent() {
      silent = true
    },
  }
}

// One database, three processes: `app` makes the changes, `other` hears them directly, and
// `relayedApp` reaches PostgreSQL through a relay that can go silent.
const { app, databaseUrl } = await buildTestApp(t)
const other = await startApp(testAppConfig(databaseUrl))
t.teardown(() => other.close())
const target = new URL(databaseUrl)
const link = await relay(t, { host: target.hostname, port: Number(target.port || 5432) })
const relayedUrl = new URL(databaseUrl)
relayedUrl.port = String(link.port)
const relayed = await startApp(testAppConfig(relayedUrl.toString()))
t.teardown(() => relayed.close())

t.test('a client revoked through one process is refused by another within 1 s', async (t) => {
  const mcn = await createTenant(app)
  const created = await mcn.post('/v1/clients', { name: 'deploy bot', scopes: ['events:read'] })
  const { client, client_secret } = created.json()
  const token = await fetchToken(app, { client_id: client.id, client_secret })
  await warm(t, other.app, token)

  const revoked = await mcn.post(`/v1/clients/${client.id}/revoke`)
  t.equal(revoked.statusCode, 200)
  const delay = await refusedAfter(other.app, token, new Date(revoked.json().revoked_at))
  t.ok(delay <= BOUND_MS, `refused by the other process ${delay} ms after the commit (bound ${BOUND_MS} ms)`)
  const here = await app.inject({ url: '/v1/events', headers: { authorization: `Bearer ${token}` } })
  t.equal(here.statusCode, 401, 'and at once by the process that revoked it')
})

t.test('an app uninstalled through one process is refused by another within 1 s', async (t) => {
  const provider = await createTenant(app, { kind: 'provider' })
  const mcn = await createTenant(app, { kind: 'mcn' })
  const registered = (await provider.post('/v1/apps', { name: 'Insights', requested_scopes: ['events:read'] })).json()
  const installation = (await mcn.post('/v1/installations', { app_id: registered.app.id })).json()
  const token = await fetchToken(app, {
    client_id: registered.client.id,
    client_secret: registered.client_secret,
    installation_id: installation.id,
  })
  await warm(t, other.app, token)

  const uninstalled = await mcn.delete(`/v1/installations/${installation.id}`)
  t.equal(uninstalled.statusCode, 200)
  const delay = await refusedAfter(other.app, token, new Date(uninstalled.json().revoked_at))
  t.ok(delay <= BOUND_MS, `refused by the other process ${delay} ms after the commit (bound ${BOUND_MS} ms)`)
  t.equal(
    (await callerFor(app, token, { organizationId: '', clientId: '', clientSecret: '' }).get('/v1/events')).statusCode,
    401,
  )
})

t.test('the bound holds when the other process’s listener goes silent without closing', async (t) => {
  t.equal(link.listeners.size, 1, 'the relayed process listens through the relay')

  const mcn = await createTenant(app)
  const created = await mcn.post('/v1/clients', { name: 'deploy bot', scopes: ['events:read'] })
  const { client, client_secret } = created.json()
  const token = await fetchToken(app, { client_id: client.id, client_secret })
  await warm(t, relayed.app, token)

  link.goSilent()
  // Its pool still works; only the notifications (heartbeats included) no longer arrive.
  const revoked = await mcn.post(`/v1/clients/${client.id}/revoke`)
  const delay = await refusedAfter(relayed.app, token, new Date(revoked.json().revoked_at))
  t.ok(delay <= BOUND_MS, `refused ${delay} ms after the commit, though no notification reached it`)

  // No stale answer either while it stays silent: the token of a live client still works, by query.
  const live = await createTenant(app)
  const res = await relayed.app.inject({ url: '/v1/events', headers: { authorization: `Bearer ${live.token}` } })
  t.equal(res.statusCode, 200)
})

t.test('a revocation written straight to the database reaches a process too', async (t) => {
  const mcn = await createTenant(app)
  const token = mcn.token
  await warm(t, app, token)
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} })
  t.teardown(() => sql.end({ timeout: 5 }))
  // As an operator's script would: no service call, so only the trigger's notification tells the process.
  const [row] = await sql<{ revoked_at: Date }[]>`
    update api_clients set revoked_at = now() where id = ${mcn.clientId} returning revoked_at`
  const delay = await refusedAfter(app, token, row!.revoked_at)
  t.ok(delay <= BOUND_MS, `refused ${delay} ms after the commit`)
})
