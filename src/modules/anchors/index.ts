import type { ShowrunnerModule } from '../types.js'
import { pageArgs, resolver } from '../../lib/graphql.js'
import anchorRoutes from './routes.js'
import { salesImportJob } from './sales-import.js'
import * as anchors from './service.js'

export const anchorsModule: ShowrunnerModule = {
  name: 'anchors',
  routes: anchorRoutes,
  graphql: {
    typeDefs: `
      type Anchor { id: ID!, name: String!, platform_handles: JSON, categories: [String!]!, audience: JSON, status: String!, version: Int!, created_at: String!, updated_at: String! }
      type AnchorPage { data: [Anchor!]!, next_cursor: String }
      extend type Query {
        anchor(id: ID!): Anchor
        anchors(first: Int, after: String): AnchorPage!
      }
    `,
    resolvers: {
      Query: {
        anchor: resolver('anchors:read', (ctx, args: { id: string }) => anchors.getAnchor(ctx, args.id)),
        anchors: resolver('anchors:read', (ctx, args: { first?: number; after?: string }) =>
          anchors.listAnchors(ctx, pageArgs(args)),
        ),
      },
    },
  },
  jobs: [salesImportJob],
}
