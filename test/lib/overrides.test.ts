import t from 'tap'
import fastifyStatic from '@fastify/static'
import Fastify from 'fastify'

/**
 * package.json overrides cookie (under light-my-request) and content-disposition (under
 * @fastify/static) to the last releases that support Node 20. These are the calls the
 * dependants make into them: inject's `cookies` and reply.download's header.
 */
t.test('the overridden cookie and content-disposition do what their dependants need', async (t) => {
  const app = Fastify()
  t.teardown(() => app.close())
  await app.register(fastifyStatic, { root: new URL('../../', import.meta.url).pathname, serve: false })
  app.get('/license', (_request, reply) => reply.download('LICENSE', 'Lizenz für alle.txt'))
  app.get('/cookies', async (request) => request.headers.cookie ?? '')

  const download = await app.inject({ method: 'GET', url: '/license' })
  t.equal(download.statusCode, 200)
  t.equal(
    download.headers['content-disposition'],
    `attachment; filename="Lizenz f?r alle.txt"; filename*=UTF-8''Lizenz%20f%C3%BCr%20alle.txt`,
  )
  t.match(download.body, /Apache License/)

  const cookies = await app.inject({ method: 'GET', url: '/cookies', cookies: { session: 'a b;c', theme: 'dark' } })
  t.equal(cookies.body, 'session=a%20b%3Bc; theme=dark')
})
