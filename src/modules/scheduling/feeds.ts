import { eq } from 'drizzle-orm'
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator'
import type { Database } from '../../db/client.js'
import type { Ctx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import { feedSessions, FEED_TOKEN, hashFeedToken } from './service.js'
import { calendarFeeds } from './tables.js'

const ROLE_NAMES: Record<string, string> = {
  host: 'host 主播',
  guest: 'guest 嘉宾',
  co_host: 'co-host 副播',
  copywriter: 'copywriter 文案',
  room_controller: 'room controller 场控',
  designer: 'designer 设计',
  customer_service: 'customer service 客服',
}

const notFound = () => new AppError('not_found', 'No calendar feed has this token; it may have been rotated.')

/**
 * The feed a token opens. Calendar apps send no bearer token and name no tenant, so this one
 * lookup, by the token's hash, runs as the owning role across tenants; everything it then reads
 * runs inside the feed's tenant like any request.
 */
async function feedOf(db: Database, token: string) {
  if (!FEED_TOKEN.test(token)) throw notFound()
  const [feed] = await db
    .select({ tenantId: calendarFeeds.tenantId, type: calendarFeeds.subjectType, id: calendarFeeds.subjectId })
    .from(calendarFeeds)
    .where(eq(calendarFeeds.tokenHash, hashFeedToken(token)))
    .limit(1)
  if (!feed) throw notFound()
  return feed
}

/**
 * The RFC 5545 calendar of a feed: one VEVENT per session, its UID the session id (stable across
 * fetches and changes), SEQUENCE its version, and a cancelled session as STATUS:CANCELLED so
 * subscribed calendars strike it instead of keeping a stale copy.
 */
export async function renderCalendarFeed(
  base: Omit<Ctx, 'tenantId' | 'actor'>,
  token: string,
  publicUrl: string,
): Promise<string> {
  const feed = await feedOf(base.db, token)
  const ctx: Ctx = {
    ...base,
    tenantId: feed.tenantId,
    actor: {
      clientId: 'calendar-feed',
      organizationId: feed.tenantId,
      organizationKind: 'mcn',
      scopes: ['sessions:read'],
    },
  }
  const entries = await feedSessions(ctx, { type: feed.type, id: feed.id })
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
