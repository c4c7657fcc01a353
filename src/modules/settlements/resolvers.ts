import { Type } from 'typebox'
import { queryField, type GraphQLContribution } from '../../lib/graphql.js'
import { Id, IdParams } from '../../lib/schemas.js'
import { Contract, Earnings, Period, Settlement, SettlementList, SettlementListQuery } from './schemas.js'
import * as settlements from './service.js'

export const settlementsGraphql: GraphQLContribution = {
  types: [Contract, Earnings, Settlement, SettlementList],
  query: {
    contract: queryField({
      type: Contract,
      nullable: true,
      args: IdParams('ctr'),
      scope: 'settlements:read',
      resolve: (ctx, { id }) => settlements.getContract(ctx, id),
    }),
    anchorEarnings: queryField({
      type: Earnings,
      nullable: true,
      args: Type.Object({ anchor_id: Id('anc'), period: Type.Optional(Period) }, { additionalProperties: false }),
      scope: 'settlements:read',
      resolve: (ctx, { anchor_id, period }) => settlements.anchorEarnings(ctx, anchor_id, period),
    }),
    settlement: queryField({
      type: Settlement,
      nullable: true,
      args: IdParams('stl'),
      scope: 'settlements:read',
      resolve: (ctx, { id }) => settlements.getSettlement(ctx, id),
    }),
    settlements: queryField({
      type: SettlementList,
      args: SettlementListQuery,
      page: true,
      scope: 'settlements:read',
      resolve: (ctx, args) => settlements.listSettlements(ctx, args),
    }),
  },
}
