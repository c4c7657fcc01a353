import t from 'tap'
import { checkDestination, refusalOf } from '../../../src/modules/webhooks/guard.js'

const resolverOf =
  (table: Record<string, string[] | Error>) =>
  async (host: string): Promise<string[]> => {
    const answer = table[host]
    if (answer === undefined) throw new Error(`ENOTFOUND ${host}`)
    if (answer instanceof Error) throw answer
    return answer
  }

const resolve = resolverOf({
  'hooks.example.com': ['93.184.215.14'],
  'dual.example.com': ['2606:4700::1', '93.184.215.14'],
  'private.example.com': ['10.0.0.5'],
  'mixed.example.com': ['93.184.215.14', '192.168.1.1'],
  'loopback.example.com': ['127.0.0.1'],
  'v6loop.example.com': ['::1'],
  'metadata.example.com': ['169.254.169.254'],
  'cgnat.example.com': ['100.64.1.1'],
  'multicast.example.com': ['224.0.0.1'],
  'zero.example.com': ['0.0.0.0'],
  'mapped.example.com': ['::ffff:10.0.0.1'],
  'nat64.example.com': ['64:ff9b::a9fe:a9fe'],
  'sixtofour.example.com': ['2002:c0a8:0101::1'],
  'ula.example.com': ['fd00::1'],
  'v6ll.example.com': ['fe80::1'],
  'empty.example.com': [],
  'servfail.example.com': new Error('SERVFAIL'),
})

t.test('each refused destination, through an injected resolver', async (t) => {
  const cases: [string, RegExp][] = [
    ['https://private.example.com/h', /10\.0\.0\.5 is a private address/],
    ['https://mixed.example.com/h', /192\.168\.1\.1 is a private address/],
    ['https://loopback.example.com/h', /loopback/],
    ['https://v6loop.example.com/h', /::1 is a loopback/],
    ['https://metadata.example.com/h', /link-local/],
    ['https://cgnat.example.com/h', /carrier-grade NAT/],
    ['https://multicast.example.com/h', /multicast/],
    ['https://zero.example.com/h', /unspecified/],
    ['https://mapped.example.com/h', /10\.0\.0\.1 is a private/],
    ['https://nat64.example.com/h', /embeds 169\.254\.169\.254 \(rfc6052\).*link-local/],
    ['https://sixtofour.example.com/h', /embeds 192\.168\.1\.1 \(6to4\)/],
    ['https://ula.example.com/h', /unique-local/],
    ['https://v6ll.example.com/h', /link-local/],
    ['https://empty.example.com/h', /resolves to no address/],
    ['https://servfail.example.com/h', /could not be resolved \(SERVFAIL\)/],
    ['https://unknown.example.com/h', /could not be resolved/],
    ['http://127.0.0.1/h', /^127\.0\.0\.1 is a loopback address$/],
    ['http://2130706433/h', /127\.0\.0\.1 is a loopback/],
    ['http://0x7f000001/h', /127\.0\.0\.1 is a loopback/],
    ['http://0177.0.0.1/h', /127\.0\.0\.1 is a loopback/],
    ['http://0x0a.0.0.1/h', /10\.0\.0\.1 is a private/],
    ['http://[::ffff:7f00:1]/h', /127\.0\.0\.1 is a loopback/],
    ['http://[::]/h', /unspecified/],
    ['file:///etc/passwd', /http or https/],
    ['https://user:pw@hooks.example.com/h', /credentials/],
    ['not a url', /not a URL/],
  ]
  for (const [url, why] of cases)
    await t.rejects(
      checkDestination(url, { allowLoopback: false, resolve }),
      { name: 'RefusedDestination', message: why },
      url,
    )
})

t.test('a public host is reached at the address that was checked', async (t) => {
  t.match(await checkDestination('https://hooks.example.com/h', { allowLoopback: false, resolve }), {
    hostname: 'hooks.example.com',
    address: '93.184.215.14',
    family: 4,
    loopback: false,
  })
  t.match(await checkDestination('https://dual.example.com/h', { allowLoopback: false, resolve }), {
    address: '2606:4700::1',
    family: 6,
  })
  t.match(await checkDestination('https://[2606:4700::1]/h', { allowLoopback: false, resolve }), { family: 6 })
})

t.test('development mode allows loopback and nothing else private', async (t) => {
  const dev = { allowLoopback: true, resolve }
  t.match(await checkDestination('http://127.0.0.1:3000/h', dev), { loopback: true })
  t.match(await checkDestination('http://v6loop.example.com/h', dev), { address: '::1', loopback: true })
  await t.rejects(checkDestination('http://private.example.com/h', dev), { message: /private/ })
  t.equal(refusalOf('::ffff:127.0.0.1', { allowLoopback: true }), undefined)
  t.match(refusalOf('169.254.169.254', { allowLoopback: true }), /link-local/)
})
