import { queryField, type GraphQLContribution } from '../../lib/graphql.js'
import { IdParams } from '../../lib/schemas.js'
import * as reviews from './reviews.js'
import { Review, ReviewList, ReviewQuery } from './schemas.js'

/** Reviews only, kept apart from refunds' and disputes' resolvers so each can grow on its own. */
export const reviewsGraphql: GraphQLContribution = {
  types: [Review, ReviewList],
  query: {
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
