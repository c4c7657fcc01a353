import { queryField, type GraphQLContribution } from '../../lib/graphql.js'
import { IdParams } from '../../lib/schemas.js'
import { Coupon, Draw, DrawProof, DrawWinner, LiveAnswerer, LiveQuestion, Poll, PollOption } from './schemas.js'
import * as lt from './service.js'

const scope = 'live_tools:read'

export const liveToolsGraphql: GraphQLContribution = {
  types: [LiveAnswerer, LiveQuestion, PollOption, Poll, Coupon, DrawWinner, Draw, DrawProof],
  query: {
    question: queryField({
      type: LiveQuestion,
      nullable: true,
      args: IdParams('qst'),
      scope,
      resolve: (ctx, { id }) => lt.getQuestion(ctx, id),
    }),
    poll: queryField({
      type: Poll,
      nullable: true,
      args: IdParams('pol'),
      scope,
      resolve: (ctx, { id }) => lt.getPoll(ctx, id),
    }),
    coupon: queryField({
      type: Coupon,
      nullable: true,
      args: IdParams('cpn'),
      scope,
      resolve: (ctx, { id }) => lt.getCoupon(ctx, id),
    }),
    draw: queryField({
      type: Draw,
      nullable: true,
      args: IdParams('drw'),
      scope,
      resolve: (ctx, { id }) => lt.getDraw(ctx, id),
    }),
    drawProof: queryField({
      type: DrawProof,
      nullable: true,
      args: IdParams('drw'),
      scope,
      resolve: (ctx, { id }) => lt.getDrawProof(ctx, id),
    }),
  },
}
