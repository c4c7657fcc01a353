import { defineModule } from '../types.js'
import { anchorsGraphql } from './resolvers.js'
import anchorRoutes from './routes.js'

export const anchorsModule = defineModule({
  name: 'anchors',
  scopes: {
    'anchors:read': 'Read anchors and their sales history',
    'anchors:write': 'Create and change anchors, import sales history',
  },
  idPrefixes: { anchor: 'anc' },
  tags: [{ name: 'Anchors', description: 'Anchors (主播) and their sales history' }],
  routes: anchorRoutes,
  graphql: anchorsGraphql,
})

// The public face of the module: what other modules may use.
export { anchorChanged } from './changes.js'
export {
  allAnchorStatuses,
  type AnchorAudience,
  anchorAudienceJsonFragment,
  anchorExistsFragment,
  existingAnchorIds,
  findAnchor,
} from './reads.js'
export { Anchor } from './schemas.js'
export { getAnchorsByIds, setAnchorSuspended, type AnchorRow } from './service.js'
