import type { Static } from 'typebox'
import { defineChange } from '../../lib/hooks.js'
import type { AnchorSuspension, AnchorTierChange, AnchorViolation } from './schemas.js'
import { ANCHOR_REINSTATED, ANCHOR_SUSPENDED, ANCHOR_TIER_CHANGED, ANCHOR_VIOLATION_RECORDED } from './events.js'

type Violation = Static<typeof AnchorViolation>
type Suspension = Static<typeof AnchorSuspension>
type TierChange = Static<typeof AnchorTierChange>

/** Violations and tier changes are written once, so their events carry version 1. */
export const violationRecorded = defineChange<Violation>(ANCHOR_VIOLATION_RECORDED, {
  event: (v) => ({
    type: ANCHOR_VIOLATION_RECORDED,
    resource: { type: 'anchor_violation', id: v.id, version: 1 },
    data: v,
  }),
})
export const anchorSuspended = defineChange<Suspension>(ANCHOR_SUSPENDED, {
  event: (s) => ({
    type: ANCHOR_SUSPENDED,
    resource: { type: 'anchor_suspension', id: s.id, version: s.version },
    data: s,
  }),
})
export const anchorReinstated = defineChange<Suspension>(ANCHOR_REINSTATED, {
  event: (s) => ({
    type: ANCHOR_REINSTATED,
    resource: { type: 'anchor_suspension', id: s.id, version: s.version },
    data: s,
  }),
})
export const tierChanged = defineChange<TierChange>(ANCHOR_TIER_CHANGED, {
  event: (c) => ({
    type: ANCHOR_TIER_CHANGED,
    resource: { type: 'anchor_tier_change', id: c.id, version: 1 },
    data: c,
  }),
})
