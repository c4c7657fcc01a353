import { defineModule } from '../types.js'
import { pageArgs, resolver } from '../../lib/graphql.js'
import poolRoutes from './routes.js'
import * as pools from './service.js'

export const poolsModule = defineModule({
  name: 'pools',
  idPrefixes: { pool: 'pool', poolItem: 'pitm', poolGrant: 'pgr' },
  tags: [{ name: 'Supply pools', description: 'Anchor-exclusive product pools (主播专供商品池)' }],
  routes: poolRoutes,
  graphql: {
    typeDefs: `
      type SupplyPool { id: ID!, name: String!, description: String, access: String!, anchor_ids: [String!]!, status: String!, item_count: Int!, version: Int!, created_at: String!, updated_at: String! }
      type SupplyPoolPage { data: [SupplyPool!]!, next_cursor: String }
      extend type Query {
        supplyPool(id: ID!): SupplyPool
        supplyPools(first: Int, after: String): SupplyPoolPage!
      }
    `,
    resolvers: {
      Query: {
        supplyPool: resolver('catalog:read', (ctx, args: { id: string }) => pools.getPool(ctx, args.id)),
        supplyPools: resolver('catalog:read', (ctx, args: { first?: number; after?: string }) =>
          pools.listPools(ctx, pageArgs(args)),
        ),
      },
    },
  },
})

// The public face of the module: what other modules may use.
export { poolChanged } from './changes.js'
export {
  accessiblePools,
  activePools,
  asGrantee,
  byOwner,
  grantsToMe,
  liveGrantsJsonSql,
  type PoolEntry,
  poolEntries,
  poolEntriesJsonSql,
  pooledProductIdsSql,
  poolItemFor,
  type PoolReach,
  productsInReach,
} from './reads.js'
