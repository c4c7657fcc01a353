import { declareEvent, resourceEventExample, schemaRef } from '../../lib/event-catalog.js'
import { AnchorSuspension, AnchorTierChange, AnchorViolation, LiftedSuspensionExample } from './schemas.js'

export const ANCHOR_VIOLATION_RECORDED = declareEvent(
  'anchor.violation_recorded',
  'A violation of the platform’s anchor standards was recorded against an anchor; data is the violation',
  schemaRef(AnchorViolation),
  resourceEventExample('anchor_violation', AnchorViolation, { created: true }),
  { scope: 'governance:read' },
)
export const ANCHOR_SUSPENDED = declareEvent(
  'anchor.suspended',
  'An anchor’s strikes reached the suspension threshold: it is suspended and cannot be scheduled; data is the suspension',
  schemaRef(AnchorSuspension),
  resourceEventExample('anchor_suspension', AnchorSuspension, { created: true }),
  { scope: 'governance:read' },
)
export const ANCHOR_REINSTATED = declareEvent(
  'anchor.reinstated',
  'An anchor’s suspension was lifted (who, why, when): it is active again; data is the lifted suspension',
  schemaRef(AnchorSuspension),
  {
    resource: { type: 'anchor_suspension', id: LiftedSuspensionExample.id, version: LiftedSuspensionExample.version },
    data: LiftedSuspensionExample,
    occurred_at: '2026-12-01T09:30:00.000Z',
  },
  { scope: 'governance:read' },
)
export const ANCHOR_TIER_CHANGED = declareEvent(
  'anchor.tier_changed',
  'A tier review promoted or demoted an anchor by one step; data is the tier change with its reasons',
  schemaRef(AnchorTierChange),
  resourceEventExample('anchor_tier_change', AnchorTierChange, { created: true }),
  { scope: 'governance:read' },
)
