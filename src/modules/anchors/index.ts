import { defineModule } from '../types.js'
import { pageArgs, resolver } from '../../lib/graphql.js'
import anchorRoutes from './routes.js'
import * as anchors from './service.js'

export const anchorsModule = defineModule({
  name: 'anchors',
  scopes: {
    'anchors:read': 'Read anchors and their sales history',
    'anchors:write': 'Create and change anchors, import sales history',
  },
  idPrefixes: { anchor: 'anc' },
  tags: [{ name: 'Anchors', description: 'Anchors (主播) and their sales history' }],
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
})

// The public face of the module: what other modules may use.
export { anchorChanged } from './changes.js'
export { anchorExistsSql, existingAnchorIds, findAnchor } from './reads.js'
export type { AnchorRow } from './service.js'
