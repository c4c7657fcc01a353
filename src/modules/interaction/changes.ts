import type { Static } from 'typebox'
import { declareEvent, resourceEventExample, schemaRef } from '../../lib/event-catalog.js'
import { defineChange, defineResourceChange } from '../../lib/hooks.js'
import { exampleOf } from '../../lib/schemas.js'
import { BlockedWord, ModerationHook } from './schemas.js'

const scope = { scope: 'moderation:read' }
export const BLOCKED_WORD_ADDED = declareEvent(
  'blocked_word.added',
  'A word joined the tenant’s blocked-word list; comments containing it are hidden from then on',
  schemaRef(BlockedWord),
  resourceEventExample('blocked_word', BlockedWord, { created: true }),
  scope,
)
export const BLOCKED_WORD_REMOVED = declareEvent(
  'blocked_word.removed',
  'A word left the tenant’s blocked-word list',
  schemaRef(BlockedWord),
  {
    ...resourceEventExample('blocked_word', BlockedWord),
    resource: { type: 'blocked_word', id: exampleOf(BlockedWord)!.id, version: 2 },
  },
  scope,
)

type Word = Static<typeof BlockedWord>
/** A blocked word is written once and removed once, so its events carry versions 1 and 2. */
export const blockedWordAdded = defineChange<Word>(BLOCKED_WORD_ADDED, {
  event: (w) => ({ type: BLOCKED_WORD_ADDED, resource: { type: 'blocked_word', id: w.id, version: 1 }, data: w }),
})
export const blockedWordRemoved = defineChange<Word>(BLOCKED_WORD_REMOVED, {
  event: (w) => ({ type: BLOCKED_WORD_REMOVED, resource: { type: 'blocked_word', id: w.id, version: 2 }, data: w }),
})

export const MODERATION_HOOK_SET = declareEvent(
  'moderation_hook.set',
  'The tenant’s moderation hook was created or changed (the secret is never in an event)',
  schemaRef(ModerationHook),
  resourceEventExample('moderation_hook', ModerationHook),
  scope,
)
export const MODERATION_HOOK_REMOVED = declareEvent(
  'moderation_hook.removed',
  'The tenant’s moderation hook was removed; batches are moved without it from then on',
  schemaRef(ModerationHook),
  {
    ...resourceEventExample('moderation_hook', ModerationHook),
    resource: { type: 'moderation_hook', id: exampleOf(ModerationHook)!.id, version: 2 },
  },
  scope,
)
type Hook = Static<typeof ModerationHook>
export const moderationHookSet = defineResourceChange<Hook>(MODERATION_HOOK_SET, 'moderation_hook')
/** The removal is the hook's last version, one past the one it had. */
export const moderationHookRemoved = defineChange<Hook>(MODERATION_HOOK_REMOVED, {
  event: (h) => ({
    type: MODERATION_HOOK_REMOVED,
    resource: { type: 'moderation_hook', id: h.id, version: h.version + 1 },
    data: h,
  }),
})

/**
 * Joins and follows an inbox → events move wrote, published in the move's transaction so the
 * acquisition module records them as visits and follows without reading interaction's tables.
 * `external_id` is the interaction event's id, so a repeated move records each once.
 */
export interface AudienceTouches {
  session_id: string
  touches: { kind: 'visit' | 'follow'; buyer_id: string; occurred_at: Date; external_id: string }[]
}
export const audienceTouched = defineChange<AudienceTouches>('interaction.audience_touched')
