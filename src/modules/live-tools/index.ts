import { defineModule } from '../types.js'
import { liveToolsGraphql } from './resolvers.js'
import liveToolRoutes from './routes.js'

/**
 * 互动 live tools in a session: Q&A, polls, coupons that are never over-issued, and lucky draws
 * that anyone can verify (commit to a seed, freeze the entries, reveal the seed, recompute).
 * Its own scopes, `live_tools:*`: the interaction module (event ingest) owns `interaction:*`.
 */
export const liveToolsModule = defineModule({
  name: 'live-tools',
  scopes: {
    'live_tools:read': 'Read questions, polls and tallies, coupons, draws and their proofs',
    'live_tools:write': 'Ask and answer questions, run polls and votes, create and claim coupons, run draws',
  },
  idPrefixes: { question: 'qst', poll: 'pol', coupon: 'cpn', couponClaim: 'ccl', draw: 'drw', drawEntry: 'den' },
  tags: [
    {
      name: 'Live tools',
      description: '互动: Q&A, polls, coupons with limits, provably fair lucky draws (抽奖) in a live session',
    },
  ],
  routes: liveToolRoutes,
  graphql: liveToolsGraphql,
})

// The public face of the module: what other modules may use.
export { DRAW_ALGORITHM } from './rules.js'
