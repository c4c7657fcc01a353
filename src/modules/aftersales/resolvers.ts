import { queryField, type GraphQLContribution } from '../../lib/graphql.js'
import { IdParams } from '../../lib/schemas.js'
import * as disputes from './disputes.js'
import * as refunds from './refunds.js'
import { Dispute, DisputeList, DisputeQuery, DisputeStep, Refund, RefundList, RefundQuery } from './schemas.js'

export const aftersalesGraphql: GraphQLContribution = {
  types: [Refund, RefundList, DisputeStep, Dispute, DisputeList],
  query: {
    refund: queryField({
      type: Refund,
      nullable: true,
      args: IdParams('rfd'),
      scope: 'aftersales:read',
      resolve: (ctx, { id }) => refunds.getRefund(ctx, id),
    }),
    refunds: queryField({
      type: RefundList,
      args: RefundQuery,
      page: true,
      scope: 'aftersales:read',
      resolve: (ctx, args) => refunds.listRefunds(ctx, args),
    }),
    dispute: queryField({
      type: Dispute,
      nullable: true,
      args: IdParams('dsp'),
      scope: 'aftersales:read',
      resolve: (ctx, { id }) => disputes.getDispute(ctx, id),
    }),
    disputes: queryField({
      type: DisputeList,
      args: DisputeQuery,
      page: true,
      scope: 'aftersales:read',
      resolve: (ctx, args) => disputes.listDisputes(ctx, args),
    }),
  },
}
