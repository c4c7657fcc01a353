import { execFileSync, spawnSync } from 'node:child_process'
import { createReadStream, existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import { buildTestApp, createTenant, type Caller } from '../../helper.js'
import { configureMedia } from '../../../src/modules/media/settings.js'

/**
 * The local adapter on a short clip ffmpeg makes itself, served from a local HTTP server
 * (loopback is allowed here as in development mode), through the real queue and workers.
 */
const hasFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0 && spawnSync('ffprobe', ['-version']).status === 0
if (!hasFfmpeg) t.comment('ffmpeg is not installed (apt-get install ffmpeg): the local transcoder tests are skipped')

const work = mkdtempSync(path.join(tmpdir(), 'showrunner-media-'))
t.teardown(() => execFileSync('rm', ['-rf', work]))

async function serve() {
  const clip = path.join(work, 'clip.mp4')
  if (!existsSync(clip))
    execFileSync('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc=duration=2:size=640x360:rate=25',
      '-f',
      'lavfi',
      '-i',
      'sine=duration=2',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      '-c:a',
      'aac',
      '-shortest',
      clip,
    ])
  const server = http.createServer((req, res) => {
    if (req.url === '/clip.mp4') {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': statSync(clip).size })
      createReadStream(clip).pipe(res)
    } else if (req.url === '/not-video') {
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.end('this is not a video')
    } else {
      res.writeHead(404)
      res.end()
    }
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

async function settled(owner: Caller, id: string) {
  const deadline = Date.now() + 60000
  while (Date.now() < deadline) {
    const m = (await owner.get(`/v1/media/${id}`)).json()
    if (m.state === 'ready' || m.state === 'failed') return m
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`media ${id} did not settle`)
}

async function session(owner: Caller) {
  const host = (await owner.post('/v1/anchors', { name: 'media host' })).json().id
  return (
    await owner.post('/v1/sessions', {
      title: 'tea night',
      platform: 'douyin',
      planned_start: '2030-01-01T10:00:00Z',
      planned_end: '2030-01-01T12:00:00Z',
      host_anchor_id: host,
    })
  ).json().id as string
}

t.test(
  'ffmpeg makes HLS renditions and a poster from a served clip',
  { skip: !hasFfmpeg && 'ffmpeg is not installed' },
  async (t) => {
    const { server, base } = await serve()
    t.teardown(() => {
      server.closeAllConnections()
      server.close()
    })
    const { app } = await buildTestApp(t, { workers: true, config: { TRANSCODER: 'local', DATA_DIR: work } })
    // After the app configured the module from its (test-mode) configuration.
    t.teardown(configureMedia({ allowLoopback: true, backoffMs: 100 }))
    const owner = await createTenant(app)
    const ses = await session(owner)

    const med = (
      await owner.post(`/v1/sessions/${ses}/media`, { kind: 'recording', source_url: `${base}/clip.mp4` })
    ).json()
    const done = await settled(owner, med.id)
    t.equal(done.state, 'ready', done.last_error ?? '')
    t.equal(done.adapter, 'local')
    t.equal(done.attempts, 1)
    t.same(
      done.outputs.renditions.map((r: any) => r.name),
      ['360p'],
      'a 360-line source gets the 360p rung only',
    )
    const playlist = fileURLToPath(done.outputs.renditions[0].playlist_url)
    t.ok(playlist.startsWith(path.join(work, 'media', med.id)), 'outputs under $DATA_DIR/media/<id>/')
    const m3u8 = readFileSync(playlist, 'utf8')
    t.match(m3u8, /#EXTM3U/)
    t.match(m3u8, /#EXT-X-ENDLIST/)
    const segment = m3u8.split('\n').find((l) => l.endsWith('.ts'))!
    t.ok(statSync(path.join(path.dirname(playlist), segment)).size > 0, 'segments written')
    const poster = readFileSync(fileURLToPath(done.outputs.poster_url))
    t.equal(poster.subarray(0, 2).toString('hex'), 'ffd8', 'the poster is a JPEG')
    t.match(readFileSync(fileURLToPath(done.outputs.master_playlist_url), 'utf8'), /360p\/index.m3u8/)
    t.ok(Math.abs(done.outputs.duration_seconds - 2) < 0.2, `duration ${done.outputs.duration_seconds}`)
    t.notOk(existsSync(path.join(work, 'media', med.id, 'source')), 'the downloaded source is removed')

    const clip = (
      await owner.post(`/v1/sessions/${ses}/media`, {
        kind: 'clip',
        source_url: `${base}/clip.mp4`,
        clip: { start_seconds: 0.5, end_seconds: 1.5 },
      })
    ).json()
    const clipped = await settled(owner, clip.id)
    t.equal(clipped.state, 'ready', clipped.last_error ?? '')
    t.equal(clipped.outputs.duration_seconds, 1)

    // Not media: ffmpeg's verdict fails the media at once, with its stderr in last_error.
    const junk = (
      await owner.post(`/v1/sessions/${ses}/media`, { kind: 'recording', source_url: `${base}/not-video` })
    ).json()
    const bad = await settled(owner, junk.id)
    t.equal(bad.state, 'failed')
    t.equal(bad.attempts, 1, 'not retried')
    t.match(bad.last_error, /ffprobe exited|no video stream/)

    // A missing source is a permanent failure too.
    const gone = (
      await owner.post(`/v1/sessions/${ses}/media`, { kind: 'recording', source_url: `${base}/missing.mp4` })
    ).json()
    const missing = await settled(owner, gone.id)
    t.equal(missing.state, 'failed')
    t.match(missing.last_error, /answered 404/)

    const types = (await owner.get('/v1/events?limit=200')).json().data.map((e: any) => e.type)
    t.equal(types.filter((x: string) => x === 'media.transcoded').length, 2)
    t.equal(types.filter((x: string) => x === 'media.failed').length, 2)
  },
)

t.test('without loopback allowed, a worker refuses a host that resolves to a private address', async (t) => {
  const { app } = await buildTestApp(t, { workers: true, config: { TRANSCODER: 'local', DATA_DIR: work } })
  t.teardown(configureMedia({ resolve: async () => ['10.1.2.3'] }))
  const owner = await createTenant(app)
  const ses = await session(owner)
  const med = (
    await owner.post(`/v1/sessions/${ses}/media`, {
      kind: 'recording',
      source_url: 'https://internal.example.com/a.mp4',
    })
  ).json()
  const done = await settled(owner, med.id)
  t.equal(done.state, 'failed')
  t.match(done.last_error, /private/)
  t.equal(done.attempts, 1)
})

t.test('a missing ffmpeg fails the media with a clear reason', async (t) => {
  const { server, base } = hasFfmpeg ? await serve() : { server: undefined, base: 'http://127.0.0.1:9' }
  t.teardown(() => {
    server?.closeAllConnections()
    server?.close()
  })
  const { app } = await buildTestApp(t, { workers: true, config: { TRANSCODER: 'local', DATA_DIR: work } })
  t.teardown(configureMedia({ allowLoopback: true, ffmpegPath: '/nonexistent/ffmpeg' }))
  const owner = await createTenant(app)
  const ses = await session(owner)
  const med = (
    await owner.post(`/v1/sessions/${ses}/media`, { kind: 'recording', source_url: `${base}/clip.mp4` })
  ).json()
  const done = await settled(owner, med.id)
  t.equal(done.state, 'failed')
  if (hasFfmpeg) t.match(done.last_error, /not installed.*apt-get install ffmpeg/)
})
