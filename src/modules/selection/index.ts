import { defineModule } from '../types.js'
import { resolver } from '../../lib/graphql.js'
import selectionRoutes from './routes.js'
import * as selection from './service.js'
import { subscribeSelection } from './subscriptions.js'

subscribeSelection()

export const selectionModule = defineModule({
  name: 'selection',
  scopes: {
    'selection:read': 'Read recommendations and brand-tier checks',
    'selection:write': 'Change recommendation weights',
  },
  tags: [{ name: 'Selection', description: 'Ranked recommendations and brand-tier strategy checks' }],
  routes: selectionRoutes,
  graphql: {
    typeDefs: `
      type Recommendation { rank: Int!, product_id: ID!, title: String!, category: String!, brand_tier: String!, supplier_id: String!, micro_supplier: Boolean!, price: Money!, expected_commission: Money!, pool_ids: [String!]!, score: Float!, score_breakdown: JSON!, parts: JSON!, near_duplicate_of: String }
      type RecommendationList { anchor_id: ID!, weights: JSON!, candidates_considered: Int!, data: [Recommendation!]!, generated_at: String! }
      extend type Query { recommendations(anchor_id: ID!, limit: Int, category: String): RecommendationList! }
    `,
    resolvers: {
      Query: {
        recommendations: resolver(
          'selection:read',
          (ctx, args: { anchor_id: string; limit?: number; category?: string }) =>
            selection.recommendForAnchor(ctx, args.anchor_id, {
              limit: Math.min(Math.max(args.limit ?? 20, 1), 100),
              category: args.category,
            }),
        ),
      },
    },
  },
})
