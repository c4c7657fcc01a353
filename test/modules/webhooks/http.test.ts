import t, { type Test } from 'tap'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { checkDestination } from '../../../src/modules/webhooks/guard.js'
import { send } from '../../../src/modules/webhooks/http.js'

async function server(t: Test, handle: Parameters<typeof createServer>[1]) {
  const s = createServer(handle)
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  t.teardown(() => {
    s.closeAllConnections()
    s.close()
  })
  return (s.address() as AddressInfo).port
}

t.test('the request goes to the checked address, keeping the host name for Host', async (t) => {
  let seen: IncomingHttpHeaders | undefined
  const port = await server(t, (req, res) => {
    seen = req.headers
    res.end('thanks')
  })
  // The name resolves (by the injected resolver) to the receiver on loopback; no real DNS is asked.
  const destination = await checkDestination(`http://hooks.example.com:${port}/in`, {
    allowLoopback: true,
    resolve: async () => ['127.0.0.1'],
  })
  const result = await send(destination, '{"a":1}', { 'webhook-id': 'evt_1' })
  t.match(result, { kind: 'response', status: 200, snippet: 'thanks' })
  t.equal(seen?.host, `hooks.example.com:${port}`)
  t.equal(seen?.['webhook-id'], 'evt_1')
  t.equal(seen?.['content-type'], 'application/json')
})

t.test('deliveries to the same address reuse one kept-alive connection', async (t) => {
  const sockets = new Set<unknown>()
  const port = await server(t, (req, res) => {
    sockets.add(req.socket)
    res.end()
  })
  const destination = await checkDestination(`http://127.0.0.1:${port}/in`, {
    allowLoopback: true,
    resolve: async () => [],
  })
  for (let n = 1; n <= 3; n++)
    t.match(await send(destination, '{}', { 'webhook-id': `evt_${n}` }), { kind: 'response', status: 200 })
  t.equal(sockets.size, 1, 'three deliveries, one TCP connection')
})

t.test('a redirect is an answer, never followed', async (t) => {
  let followed = false
  const target = await server(t, (_req, res) => {
    followed = true
    res.end()
  })
  const port = await server(t, (_req, res) => {
    res.writeHead(307, { location: `http://127.0.0.1:${target}/` })
    res.end()
  })
  const destination = await checkDestination(`http://127.0.0.1:${port}/`, {
    allowLoopback: true,
    resolve: async () => [],
  })
  t.match(await send(destination, '{}', {}), { kind: 'response', status: 307 })
  t.notOk(followed)
})

t.test('no complete answer in time is an error, and the snippet is the first KiB', async (t) => {
  const hanging = await server(t, () => {})
  const slowBody = await server(t, (_req, res) => {
    res.writeHead(200)
    res.write('partial')
  })
  const big = await server(t, (_req, res) => res.end('é'.repeat(2000)))
  const to = (port: number) =>
    checkDestination(`http://127.0.0.1:${port}/`, { allowLoopback: true, resolve: async () => [] })
  t.match(await send(await to(hanging), '{}', {}, 200), { kind: 'error', error: 'no complete answer within 0.2 s' })
  t.match(await send(await to(slowBody), '{}', {}, 200), { kind: 'error' }, 'a 200 whose body never ends is a timeout')
  const result = await send(await to(big), '{}', {})
  t.equal(result.kind === 'response' && result.snippet, 'é'.repeat(512), '1024 bytes, cut at a character')
  const closed = createServer()
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
  const closedPort = (closed.address() as AddressInfo).port
  await new Promise((r) => closed.close(r))
  t.match(await send(await to(closedPort), '{}', {}), { kind: 'error', error: /ECONNREFUSED/ }, 'a refused connection')
})
