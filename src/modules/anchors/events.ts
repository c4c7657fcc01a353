import { declareEvent, resourceEventExample, schemaRef } from '../../lib/event-catalog.js'
import { Anchor } from './schemas.js'

export const ANCHOR_CREATED = declareEvent(
  'anchor.created',
  'An anchor (主播) was added; data is the anchor as GET /v1/anchors/{id} shows it',
  schemaRef(Anchor),
  resourceEventExample('anchor', Anchor, { created: true }),
  { scope: 'anchors:read' },
)
export const ANCHOR_UPDATED = declareEvent(
  'anchor.updated',
  'An anchor’s name, handles, categories, audience or status changed; data is the anchor after the change',
  schemaRef(Anchor),
  resourceEventExample('anchor', Anchor),
  { scope: 'anchors:read' },
)
