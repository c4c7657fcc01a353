import { queryField, type GraphQLContribution } from '../../lib/graphql.js'
import { IdParams } from '../../lib/schemas.js'
import { PoolListQuery, SupplyPool, SupplyPoolList } from './schemas.js'
import * as pools from './service.js'

export const poolsGraphql: GraphQLContribution = {
  types: [SupplyPool, SupplyPoolList],
  query: {
    supplyPool: queryField({
      type: SupplyPool,
      nullable: true,
      args: IdParams('pool'),
      scope: 'catalog:read',
      resolve: (ctx, { id }) => pools.getPool(ctx, id),
    }),
    supplyPools: queryField({
      type: SupplyPoolList,
      args: PoolListQuery,
      page: true,
      scope: 'catalog:read',
      resolve: (ctx, args) => pools.listPools(ctx, args),
    }),
  },
}
