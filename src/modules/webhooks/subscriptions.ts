import { eventScope, eventTypes } from '../../lib/event-catalog.js'
import { AppError } from '../../lib/errors.js'
import { WEBHOOK_TEST } from './events.js'

/**
 * Which events an endpoint receives. A subscription entry is an event type, a family
 * wildcard (`supplier.*`) or `*`. `webhook.test` goes only to the endpoint it was asked
 * for, never through a subscription.
 */
export function matches(subscribed: readonly string[], type: string): boolean {
  if (type === WEBHOOK_TEST) return false
  return subscribed.some((s) => s === '*' || s === type || (s.endsWith('.*') && type.startsWith(s.slice(0, -1))))
}

/** Subscribable entries: each known type (but the test event), each family wildcard, and `*`. */
export function knownSubscriptions(): string[] {
  const types = eventTypes().filter((t) => t !== WEBHOOK_TEST)
  const families = [...new Set(types.map((t) => `${t.slice(0, t.lastIndexOf('.'))}.*`))]
  return ['*', ...families, ...types]
}

/** Refuses an entry that names no event type we send (a typo would otherwise silently receive nothing). */
export function checkEventTypes(entries: readonly string[]): string[] {
  const known = new Set(knownSubscriptions())
  const unknown = entries.filter((e) => !known.has(e))
  if (unknown.length)
    throw new AppError(
      'unprocessable',
      `Unknown event types: ${unknown.join(', ')}. The known ones are: ${knownSubscriptions().join(', ')}.`,
      {
        errors: entries.flatMap((e, i) =>
          known.has(e) ? [] : [{ pointer: `/body/event_types/${i}`, detail: `${e} is not an event type` }],
        ),
      },
    )
  return [...new Set(entries)]
}

/**
 * Whether an endpoint's owner may see an event of `type`: the tenant's own endpoints see
 * all its events; an installed app's endpoint, those whose read scope its installation holds.
 */
export function ownerMayRead(type: string, grantedScopes: readonly string[] | null): boolean {
  if (grantedScopes === null) return true
  const scope = eventScope(type)
  return scope !== undefined && grantedScopes.includes(scope)
}
