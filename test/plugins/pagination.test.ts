import t from 'tap'
import { buildTestApp, createTenant } from '../helper.js'

t.test('cursor pagination: limit bounds, opaque cursors, stable under concurrent inserts', async (t) => {
  const { app } = await buildTestApp(t)
  const provider = await createTenant(app, { kind: 'provider' })
  const create = async (i: number) =>
    (await provider.post('/v1/apps', { name: `app ${i}`, requested_scopes: ['events:read'] })).json().app.id as string
  const original: string[] = []
  for (let i = 0; i < 7; i++) original.push(await create(i))

  const seen: string[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const res = await provider.get(`/v1/apps?limit=3${cursor ? `&cursor=${cursor}` : ''}`)
    t.equal(res.statusCode, 200)
    const page = res.json()
    t.ok(page.data.length <= 3)
    seen.push(...page.data.map((a: { id: string }) => a.id))
    cursor = page.next_cursor
    pages++
    // Someone creates more while we page: they must not shift or repeat what we read.
    if (pages === 1) for (let i = 0; i < 4; i++) await create(100 + i)
  } while (cursor)

  t.equal(new Set(seen).size, seen.length, 'no item is returned twice')
  t.same(
    seen.filter((id) => original.includes(id)),
    [...original].reverse(),
    'every original item, newest first, none skipped',
  )
  t.equal(pages, 3)

  t.equal((await provider.get('/v1/apps?limit=0')).statusCode, 400)
  t.equal((await provider.get('/v1/apps?limit=201')).statusCode, 400)
  const bad = await provider.get('/v1/apps?cursor=not-a-cursor')
  t.equal(bad.statusCode, 400)
  t.match(bad.json(), { code: 'validation_failed', errors: [{ pointer: '/query/cursor' }] })
  const defaults = (await provider.get('/v1/apps')).json()
  t.equal(defaults.data.length, 11)
  t.equal(defaults.next_cursor, null)
})
