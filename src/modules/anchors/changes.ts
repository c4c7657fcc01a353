import { defineChange } from '../../lib/hooks.js'

/** An anchor's categories, audience, handles or status changed (published in the writer's transaction). */
export const anchorChanged = defineChange<{ anchorId: string }>('anchor.changed')
