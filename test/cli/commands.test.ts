import t from 'tap'
import fs from 'node:fs'
import path from 'node:path'
import { place, postmasterPid, run, serve, waitFor } from './run.js'

// Each CLI run loads the app (seconds on a shared 2-core machine): more than tap's default 120 s.
t.setTimeout(240_000)

t.test('help and wrong commands', async (t) => {
  const p = await place(t)
  for (const args of [['--help'], ['-h'], ['help']]) {
    const r = await run(p, args)
    t.equal(r.code, 0, `${args.join(' ')} exits 0`)
    t.match(r.stdout, /showrunner <command>[\s\S]*admin <command>/, `${args.join(' ')} prints the usage`)
  }
  const admin = await run(p, ['admin', '--help'])
  t.equal(admin.code, 0, 'admin --help exits 0')
  t.match(admin.stdout, /create-org --kind mcn\|provider\|platform/)

  const unknown = await run(p, ['serve-everything'])
  t.equal(unknown.code, 2, 'an unknown command exits 2')
  t.equal(unknown.stdout, '', 'nothing on stdout')
  t.match(unknown.stderr, /^showrunner: unknown command serve-everything\n\nshowrunner <command>/, 'usage on stderr')
  const badFlag = await run(p, ['admin', 'create-org', '--colour', 'red'])
  t.equal(badFlag.code, 2, 'an unknown option exits 2')
  t.match(badFlag.stderr, /Unknown option '--colour'/)
  t.notOk(fs.existsSync(p.dataDir), 'no command above touched the data folder')
})

t.test('admin and migrate never create a cluster unasked, and exit 0 when they succeed', async (t) => {
  const p = await place(t)

  const refused = await run(p, ['admin', 'create-org', '--kind', 'mcn', '--name', 'Acme'])
  t.equal(refused.code, 1, 'no cluster: exit 1')
  t.equal(refused.stdout, '')
  t.equal(refused.stderr.trim().split('\n').length, 1, `one line, no stack: ${refused.stderr}`)
  t.match(refused.stderr, p.pgdata, 'names the folder it looked at')
  t.match(refused.stderr, `127.0.0.1:${p.env.EMBEDDED_PG_PORT}`, 'and the port')
  t.match(refused.stderr, /--init/, 'and how to create one')
  t.notOk(fs.existsSync(path.join(p.pgdata, 'PG_VERSION')), 'no cluster was created')
  t.equal((await run(p, ['migrate'])).code, 1, 'migrate refuses the same way')

  const init = await run(p, ['migrate', '--init'])
  t.equal(init.code, 0, `migrate --init exits 0: ${init.stderr}`)
  t.match(init.stdout, /migrations applied/)
  t.notMatch(init.stderr, /done is not a function/)
  t.ok(fs.existsSync(path.join(p.pgdata, 'PG_VERSION')), 'the cluster now exists')
  t.equal(postmasterPid(p.pgdata), undefined, 'and PostgreSQL was stopped again')

  // A stopped, existing cluster is started for the command and stopped after it.
  const org = await run(p, ['admin', 'create-org', '--kind', 'mcn', '--name', 'Acme'])
  t.equal(org.code, 0, `create-org exits 0: ${org.stderr}`)
  t.equal(org.stderr, '')
  const orgId = JSON.parse(org.stdout).id as string
  t.match(orgId, /^org_/)
  t.equal(postmasterPid(p.pgdata), undefined, 'stopped after the command')

  const failed = await run(p, ['admin', 'create-client', '--org', 'org_01h455vb4pex5vsknk084sn02q', '--name', 'x'])
  t.equal(failed.code, 1, 'a failed command exits 1')
  t.equal(failed.stderr, 'showrunner: No organization with id org_01h455vb4pex5vsknk084sn02q exists.\n', 'in one line')

  // Beside a running dev the command joins its server and leaves it running.
  const dev = serve(t, p)
  t.ok(await waitFor(dev), `dev is up: ${dev.output()}`)
  const pid = postmasterPid(p.pgdata)
  const client = await run(p, ['admin', 'create-client', '--org', orgId, '--name', 'back office'])
  t.equal(client.code, 0, `create-client exits 0: ${client.stderr}`)
  t.match(JSON.parse(client.stdout), { client: { organization_id: orgId }, client_secret: /^sk_/ })
  const rotated = await run(p, ['admin', 'rotate-signing-key', '--lead-seconds', '0'])
  t.equal(rotated.code, 0, `rotate-signing-key exits 0: ${rotated.stderr}`)
  t.equal(postmasterPid(p.pgdata), pid, 'the dev server’s PostgreSQL is still the same one')
  t.ok(await waitFor(dev, '/readyz', 5000), 'and dev still answers')
  process.kill(-dev.child.pid!, 'SIGTERM')
  t.same(await dev.exited, { code: 0, signal: null }, 'dev stops cleanly')
  t.equal(postmasterPid(p.pgdata), undefined, 'with its PostgreSQL')
})
