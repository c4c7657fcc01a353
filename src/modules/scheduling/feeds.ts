import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator'
import type { Ctx } from '../../lib/context.js'
import { feedSessions } from './service.js'

const ROLE_NAMES: Record<string, string> = {
  host: 'host 主播',
  guest: 'guest 嘉宾',
  co_host: 'co-host 副播',
  copywriter: 'copywriter 文案',
  room_controller: 'room controller 场控',
  designer: 'designer 设计',
  customer_service: 'customer service 客服',
}

/**
 * The RFC 5545 calendar of a feed: one VEVENT per session, its UID the session id (stable across
 * fetches and changes), SEQUENCE its version, and a cancelled session as STATUS:CANCELLED so
 * subscribed calendars strike it instead of keeping a stale copy.
 */
export async function renderCalendarFeed(
  base: Omit<Ctx, 'tenantId' | 'actor'>,
  feedAddress: { organizationId: string; token: string },
  publicUrl: string,
): Promise<string> {
  const tenantId = feedAddress.organizationId
  // The token is the credential; the actor can read sessions and nothing else.
  const ctx: Ctx = {
    ...base,
    tenantId,
    actor: { clientId: 'calendar-feed', organizationId: tenantId, organizationKind: 'mcn', scopes: ['sessions:read'] },
  }
  const { subject: feed, entries } = await feedSessions(ctx, feedAddress.token)
  const calendar = ical({
    name: `Showrunner sessions (${feed.type.replace('_', ' ')} ${feed.id})`,
    prodId: { company: 'showrunner', product: 'scheduling', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
    ttl: 15 * 60,
  })
  for (const { session, role } of entries)
    calendar.createEvent({
      id: session.id,
      sequence: session.version - 1,
      start: new Date(session.planned_start),
      end: new Date(session.planned_end),
      stamp: new Date(session.updated_at),
      created: new Date(session.created_at),
      lastModified: new Date(session.updated_at),
      summary: session.status === 'cancelled' ? `[cancelled] ${session.title}` : session.title,
      location: [session.platform, session.room].filter(Boolean).join(' · '),
      description: [
        `Role: ${ROLE_NAMES[role] ?? role}`,
        `Status: ${session.status}`,
        session.started_at ? `Started: ${session.started_at}` : undefined,
        session.ended_at ? `Ended: ${session.ended_at}` : undefined,
        `Session: ${publicUrl}/v1/sessions/${session.id}`,
      ]
        .filter(Boolean)
        .join('\n'),
      status: session.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    })
  return calendar.toString()
}
