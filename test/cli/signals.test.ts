import t from 'tap'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { credentials, place, portOpen, postmasterPid, running, serve, sleep, waitFor } from './run.js'

// Each CLI run loads the app (seconds on a shared 2-core machine): more than tap's default 120 s.
t.setTimeout(240_000)

// One DATA_DIR for the file: the first start creates the cluster, the second reuses it.
const p = await place(t)

t.test('SIGTERM to the npm start process stops the whole tree gracefully', async (t) => {
  const npm = serve(t, p, { npm: true, env: { LOG_LEVEL: 'info' } })
  t.ok(await waitFor(npm), `npm start serves /healthz: ${npm.output()}`)
  const tree = npm.descendants()
  const pg = postmasterPid(p.pgdata)
  t.ok(pg && tree.includes(pg), 'PostgreSQL runs below npm start')

  const sent = Date.now()
  process.kill(npm.child.pid!, 'SIGTERM')
  const exit = await Promise.race([npm.exited, sleep(20_000).then(() => undefined)])
  t.ok(exit, 'npm exits')
  const deadline = Date.now() + 5000
  while (tree.some(running) && Date.now() < deadline) await sleep(100)
  t.same(tree.filter(running), [], 'every process below npm start is gone')
  t.ok(Date.now() - sent < 20_000, 'within 20 s')
  t.notOk(await portOpen(Number(p.env.PORT)), 'the API port is closed')
  t.equal(postmasterPid(p.pgdata), undefined, 'PostgreSQL stopped (postmaster.pid removed)')
  t.match(npm.output(), /shutting down: draining requests and jobs/, 'the server drained instead of dying')
  t.notMatch(npm.output(), /terminating connection|queue connection error/, 'no connection was cut by the stop')
})

t.test('Ctrl-C (SIGINT to the process group) lets an in-flight request finish before PostgreSQL stops', async (t) => {
  const dev = serve(t, p)
  t.ok(await waitFor(dev), `dev is up: ${dev.output()}`)
  const client = await credentials(p, 'catalog:read')
  const logBefore = fs.readFileSync(path.join(p.dataDir, 'postgres.log'), 'utf8').length

  // A token request whose body is still arriving when Ctrl-C is pressed: answering it needs
  // the database (the client's secret and the signing key live there).
  const body = 'grant_type=client_credentials'
  const socket = net.connect(Number(p.env.PORT), '127.0.0.1')
  await new Promise((r) => socket.once('connect', r))
  let response = ''
  socket.on('data', (d) => (response += d))
  const closed = new Promise((r) => socket.once('close', r))
  socket.write(
    [
      'POST /oauth/token HTTP/1.1',
      `host: 127.0.0.1:${p.env.PORT}`,
      `authorization: Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
      'content-type: application/x-www-form-urlencoded',
      `content-length: ${body.length}`,
      '',
      body.slice(0, 10),
    ].join('\r\n'),
  )
  await sleep(300)
  process.kill(-dev.child.pid!, 'SIGINT')
  await sleep(1500)
  t.ok(postmasterPid(p.pgdata), 'PostgreSQL is still up while the request is in flight')
  socket.write(body.slice(10))
  await Promise.race([closed, sleep(15_000)])
  socket.destroy()

  t.match(response, /^HTTP\/1\.1 200 /, `the in-flight request completed: ${response.slice(0, 300)}`)
  t.match(response, /"access_token":"/)
  t.same(await dev.exited, { code: 0, signal: null }, `exit code 0: ${dev.output()}`)
  t.equal(postmasterPid(p.pgdata), undefined, 'PostgreSQL stopped afterwards')
  const pgLog = fs.readFileSync(path.join(p.dataDir, 'postgres.log'), 'utf8').slice(logBefore)
  t.match(pgLog, /received fast shutdown request/, 'in fast mode, asked by the app')
  t.match(pgLog, /database system is shut down/, 'and it shut down cleanly')
  t.notMatch(pgLog, /immediate shutdown|terminating connection due to administrator command/, 'no session was cut')
})

t.test('Ctrl-C under npm start (SIGINT from the terminal and again from npm) is one graceful stop', async (t) => {
  const npm = serve(t, p, { npm: true, env: { LOG_LEVEL: 'info' } })
  t.ok(await waitFor(npm), `npm start serves /healthz: ${npm.output()}`)
  const tree = npm.descendants()
  process.kill(-npm.child.pid!, 'SIGINT')
  t.ok(await Promise.race([npm.exited.then(() => true), sleep(20_000).then(() => false)]), 'npm exits')
  const deadline = Date.now() + 5000
  while (tree.some(running) && Date.now() < deadline) await sleep(100)
  t.same(tree.filter(running), [], 'every process below npm start is gone')
  t.equal(postmasterPid(p.pgdata), undefined, 'PostgreSQL stopped')
  t.match(npm.output(), /shutting down: draining requests and jobs/)
  t.notMatch(
    npm.output(),
    /second signal|second SIG|took too long|terminating connection/,
    'no forced exit, no cut connection',
  )
})
