import type { Static } from 'typebox'
import { defineChange, defineResourceChange } from '../../lib/hooks.js'
import { ANCHOR_CREATED, ANCHOR_UPDATED } from './events.js'
import type { Anchor } from './schemas.js'

/** An anchor's categories, audience, handles or status changed (published in the writer's transaction). */
export const anchorChanged = defineChange<{ anchorId: string }>('anchor.changed')

/** Public events of an anchor written through the API, with the anchor as presented. */
export const anchorCreated = defineResourceChange<Static<typeof Anchor>>(ANCHOR_CREATED, 'anchor')
export const anchorUpdated = defineResourceChange<Static<typeof Anchor>>(ANCHOR_UPDATED, 'anchor')
