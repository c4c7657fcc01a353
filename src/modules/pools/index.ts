import { defineModule } from '../types.js'
import { poolsGraphql } from './resolvers.js'
import poolRoutes from './routes.js'

export const poolsModule = defineModule({
  name: 'pools',
  idPrefixes: { pool: 'pool', poolItem: 'pitm', poolGrant: 'pgr' },
  tags: [{ name: 'Supply pools', description: 'Anchor-exclusive product pools (主播专供商品池)' }],
  routes: poolRoutes,
  graphql: poolsGraphql,
})

// The public face of the module: what other modules may use.
export { poolChanged } from './changes.js'
export {
  accessiblePools,
  accessiblePoolsJsonFragment,
  activePools,
  asGrantee,
  byOwner,
  grantsToMe,
  liveGrantsJsonFragment,
  type PoolEntry,
  poolEntries,
  poolEntriesJsonFragment,
  poolEntriesOn,
  pooledProductIdsFragment,
  poolItemFor,
  type PoolReach,
  productsInReach,
} from './reads.js'
/** For orders: a pool item's supply limit drawn by paid order lines and given back on cancellation. */
export { consumePoolSupply, releasePoolSupply } from './supply.js'
