import { declareEvent, resourceEventExample, schemaRef } from '../../lib/event-catalog.js'
import { exampleOf } from '../../lib/schemas.js'
import { Campaign, Placement, TrackedLink } from './schemas.js'

const scope = { scope: 'acquisition:read' }

export const CAMPAIGN_CREATED = declareEvent(
  'campaign.created',
  'A campaign was created; data is the campaign as GET /v1/campaigns/{id} shows it',
  schemaRef(Campaign),
  resourceEventExample('campaign', Campaign, { created: true }),
  scope,
)
export const CAMPAIGN_UPDATED = declareEvent(
  'campaign.updated',
  'A campaign changed: its fields, its status, or what its placements committed of the budget',
  schemaRef(Campaign),
  resourceEventExample('campaign', Campaign),
  scope,
)
export const PLACEMENT_CREATED = declareEvent(
  'placement.created',
  'A paid placement (流量投放, 挂榜) was booked within a campaign’s budget',
  schemaRef(Placement),
  resourceEventExample('placement', Placement, { created: true }),
  scope,
)
export const PLACEMENT_UPDATED = declareEvent(
  'placement.updated',
  'A placement’s cost, window or reported traffic changed',
  schemaRef(Placement),
  resourceEventExample('placement', Placement),
  scope,
)
export const TRACKED_LINK_CREATED = declareEvent(
  'tracked_link.created',
  'A tracked link or code was issued for a campaign',
  schemaRef(TrackedLink),
  {
    resource: { type: 'tracked_link', id: exampleOf(TrackedLink)!.id, version: 1 },
    data: exampleOf(TrackedLink)!,
    occurred_at: '2026-11-28T04:02:40.115Z',
  },
  scope,
)
