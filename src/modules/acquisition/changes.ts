import type { Static } from 'typebox'
import { defineChange, defineResourceChange } from '../../lib/hooks.js'
import {
  CAMPAIGN_CREATED,
  CAMPAIGN_UPDATED,
  PLACEMENT_CREATED,
  PLACEMENT_UPDATED,
  TRACKED_LINK_CREATED,
} from './events.js'
import type { Campaign, Placement, TrackedLink } from './schemas.js'

export const campaignCreated = defineResourceChange<Static<typeof Campaign>>(CAMPAIGN_CREATED, 'campaign')
export const campaignUpdated = defineResourceChange<Static<typeof Campaign>>(CAMPAIGN_UPDATED, 'campaign')
export const placementCreated = defineResourceChange<Static<typeof Placement>>(PLACEMENT_CREATED, 'placement')
export const placementUpdated = defineResourceChange<Static<typeof Placement>>(PLACEMENT_UPDATED, 'placement')
/** A link is written once and never changes, so its event carries version 1. */
export const trackedLinkCreated = defineChange<Static<typeof TrackedLink>>(TRACKED_LINK_CREATED, {
  event: (l) => ({ type: TRACKED_LINK_CREATED, resource: { type: 'tracked_link', id: l.id, version: 1 }, data: l }),
})
