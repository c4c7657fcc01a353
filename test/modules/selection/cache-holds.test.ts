import t from 'tap'
import { RecommendationCache } from '../../../src/modules/selection/cache.js'

t.test(
  'RecommendationCache.holds: an entry at any stamp or a computation under way, never with the cache off',
  async (t) => {
    const cache = new RecommendationCache<{ n: number }>({ enabled: true, maxEntries: 2, maxItems: 10, maxAgeMs: 1000 })
    t.notOk(cache.holds('a'))
    cache.set('a', 's1', { n: 1 }, 1)
    t.ok(cache.holds('a'), 'an entry, whatever the stamp asked next')
    t.notOk(cache.holds('ab'), 'keys are not prefixes of each other')
    let finish!: () => void
    const running = cache.fill(
      'b',
      's1',
      () => new Promise<{ n: number }>((r) => (finish = () => r({ n: 2 }))),
      () => 1,
    )
    t.ok(cache.holds('b'), 'a computation under way')
    finish()
    await running
    t.ok(cache.holds('b'))
    const off = new RecommendationCache<{ n: number }>({ enabled: false, maxEntries: 2, maxItems: 10, maxAgeMs: 1000 })
    off.set('a', 's1', { n: 1 }, 1)
    t.notOk(off.holds('a'))
  },
)
