import { queryField, type GraphQLContribution } from '../../lib/graphql.js'
import { IdParams } from '../../lib/schemas.js'
import * as disputes from './disputes.js'
import * as refunds from './refunds.js'
import * as reviews from './reviews.js'
import {
  Dispute,
  DisputeList,
  DisputeQuery,
  DisputeStep,
  Refund,
  RefundList,
  RefundQuery,
  Review,
  ReviewList,
  ReviewQuery,
} from './schemas.js'

export const aftersalesGraphql: GraphQLContribution = {
  types: [Refund, RefundList, DisputeStep, Dispute, DisputeList, Review, ReviewList],
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
    review: queryField({
      type: Review,
      nullable: true,
      args: IdParams('rev'),
      scope: 'aftersales:read',
      resolve: (ctx, { id }) => reviews.getReview(ctx, id),
    }),
    reviews: queryField({
      type: ReviewList,
      args: ReviewQuery,
      page: true,
      scope: 'aftersales:read',
      resolve: (ctx, args) => reviews.listReviews(ctx, args),
    }),
  },
}
