import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { expectedVersion, withEtag } from '../../lib/etag.js'
import { errors, exampleId, exampleOf, IdParams, PageQuery, ref, responseExamples } from '../../lib/schemas.js'
import { requireScopes } from '../../lib/scopes.js'
import { renderCalendarFeed } from './feeds.js'
import * as scheduling from './service.js'
import * as slots from './slots.js'
import { recommendForSession } from './recommendations.js'
import * as S from './schemas.js'

const tags = ['Sessions']
const crewTags = ['Crew']

const schedulingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/crew-members',
    {
      schema: {
        operationId: 'createCrewMember',
        tags: crewTags,
        summary: 'Add a crew member with the roles they take',
        security: requireScopes('sessions:write'),
        body: ref(S.CreateCrewMember),
        response: { 201: ref(S.CrewMember), ...errors(422) },
      },
    },
    async (req, reply) => reply.code(201).send(withEtag(reply, await scheduling.createCrewMember(req.ctx, req.body))),
  )
  app.get(
    '/crew-members',
    {
      schema: {
        operationId: 'listCrewMembers',
        tags: crewTags,
        summary: 'List crew members, newest first',
        security: requireScopes('sessions:read'),
        querystring: PageQuery,
        response: { 200: ref(S.CrewMemberList), ...errors() },
      },
    },
    async (req) => scheduling.listCrewMembers(req.ctx, req.query),
  )
  app.get(
    '/crew-members/:id',
    {
      schema: {
        operationId: 'getCrewMember',
        tags: crewTags,
        summary: 'Get a crew member',
        security: requireScopes('sessions:read'),
        params: IdParams('crw'),
        response: { 200: ref(S.CrewMember), ...errors(404) },
      },
    },
    async (req, reply) => withEtag(reply, await scheduling.getCrewMember(req.ctx, req.params.id)),
  )
  app.patch(
    '/crew-members/:id',
    {
      schema: {
        operationId: 'updateCrewMember',
        tags: crewTags,
        summary: 'Change a crew member’s name, roles, contact or status',
        security: requireScopes('sessions:write'),
        params: IdParams('crw'),
        body: ref(S.UpdateCrewMember),
        response: { 200: ref(S.CrewMember), ...errors(404, 412) },
      },
    },
    async (req, reply) =>
      withEtag(reply, await scheduling.updateCrewMember(req.ctx, req.params.id, expectedVersion(req), req.body)),
  )
  app.get(
    '/crew-members/:id/schedule',
    {
      schema: {
        operationId: 'getCrewSchedule',
        tags: crewTags,
        summary: 'A crew member’s sessions overlapping a time range',
        security: requireScopes('sessions:read'),
        params: IdParams('crw'),
        querystring: S.CrewScheduleQuery,
        response: { 200: ref(S.SessionList), ...errors(404) },
      },
    },
    async (req) => scheduling.crewSchedule(req.ctx, req.params.id, req.query),
  )

  app.post(
    '/sessions',
    {
      schema: {
        operationId: 'createSession',
        tags,
        summary: 'Schedule a live session with its anchors and crew',
        description:
          'Anchors must be active; an anchor or crew member already booked on an overlapping session that is not cancelled is refused with 409 naming that session in `conflicting_session_id` (enforced by the database, so concurrent schedules cannot both win).',
        security: requireScopes('sessions:write'),
        body: ref(S.CreateSession),
        response: { 201: ref(S.Session), ...errors(409, 422) },
      },
    },
    async (req, reply) => reply.code(201).send(withEtag(reply, await scheduling.createSession(req.ctx, req.body))),
  )
  app.get(
    '/sessions',
    {
      schema: {
        operationId: 'listSessions',
        tags,
        summary: 'The calendar: sessions overlapping [from, to), by anchor, crew member or status',
        security: requireScopes('sessions:read'),
        querystring: S.SessionListQuery,
        response: { 200: ref(S.SessionList), ...errors() },
      },
    },
    async (req) => scheduling.listSessions(req.ctx, req.query),
  )
  app.get(
    '/sessions/:id',
    {
      schema: {
        operationId: 'getSession',
        tags,
        summary: 'Get a session',
        security: requireScopes('sessions:read'),
        params: IdParams('ses'),
        response: { 200: ref(S.Session), ...errors(404) },
      },
    },
    async (req, reply) => withEtag(reply, await scheduling.getSession(req.ctx, req.params.id)),
  )
  app.patch(
    '/sessions/:id',
    {
      schema: {
        operationId: 'updateSession',
        tags,
        summary: 'Reschedule a scheduled session or change its title, room, anchors or crew',
        security: requireScopes('sessions:write'),
        params: IdParams('ses'),
        body: ref(S.UpdateSession),
        response: { 200: ref(S.Session), ...errors(404, 409, 412, 422) },
      },
    },
    async (req, reply) =>
      withEtag(reply, await scheduling.updateSession(req.ctx, req.params.id, expectedVersion(req), req.body)),
  )
  app.post(
    '/sessions/:id/status',
    {
      schema: {
        operationId: 'changeSessionStatus',
        tags,
        summary: 'Start, end or cancel a session; the actual time is recorded',
        description:
          'scheduled → live → ended, scheduled → cancelled. Any other move answers 409 with `allowed_statuses`.',
        security: requireScopes('sessions:write'),
        params: IdParams('ses'),
        body: ref(S.SessionStatusChange),
        response: { 200: ref(S.Session), ...errors(404, 409, 412) },
      },
    },
    async (req, reply) =>
      withEtag(
        reply,
        await scheduling.changeSessionStatus(req.ctx, req.params.id, expectedVersion(req), req.body.status),
      ),
  )
  app.post(
    '/sessions/:id/pin',
    {
      schema: {
        operationId: 'pinSessionProduct',
        tags,
        summary: 'Pin the product on screen in a live session',
        security: requireScopes('sessions:write'),
        params: IdParams('ses'),
        body: ref(S.PinProduct),
        response: { 201: ref(S.SessionShowing), ...errors(404, 409, 422) },
      },
    },
    async (req, reply) => reply.code(201).send(await scheduling.pinProduct(req.ctx, req.params.id, req.body)),
  )
  app.post(
    '/sessions/:id/shelf',
    {
      schema: {
        operationId: 'shelveSessionProduct',
        tags,
        summary: 'Put a product on shelf or take it off in a live session',
        security: requireScopes('sessions:write'),
        params: IdParams('ses'),
        body: ref(S.ShelfProduct),
        response: { 200: ref(S.SessionShowing), ...errors(404, 409, 422) },
        ...responseExamples({
          200: { ...exampleOf(S.SessionShowing)!, id: exampleId('shw', 2), kind: 'shelf' },
        }),
      },
    },
    async (req) => scheduling.shelveProduct(req.ctx, req.params.id, req.body),
  )
  app.get(
    '/sessions/:id/timeline',
    {
      schema: {
        operationId: 'getSessionTimeline',
        tags,
        summary: 'What was pinned and on shelf when, oldest first',
        security: requireScopes('sessions:read'),
        params: IdParams('ses'),
        response: { 200: ref(S.SessionTimeline), ...errors(404) },
      },
    },
    async (req) => scheduling.sessionTimeline(req.ctx, req.params.id),
  )
  app.get(
    '/sessions/:id/recommendations',
    {
      schema: {
        operationId: 'recommendForSession',
        tags,
        summary: 'Products for a session: ranked for its anchors, without what the run-of-show has',
        description:
          'Selection’s ranking (GET /v1/anchors/{id}/recommendations) for each of the session’s anchors, merged by product: session_score is the best of weight × score over the anchors (the host 1, each guest 0.5), plus 0.1 when the product’s category is not in the run-of-show yet (fills_gap). Products already in the run-of-show are left out.',
        security: requireScopes('sessions:read', 'selection:read'),
        params: IdParams('ses'),
        querystring: S.SessionRecommendationQuery,
        response: { 200: ref(S.SessionRecommendationList), ...errors(404) },
      },
    },
    async (req) => recommendForSession(req.ctx, req.params.id, req.query),
  )
  app.get(
    '/sessions/:id/run-of-show',
    {
      schema: {
        operationId: 'getRunOfShow',
        tags,
        summary: 'The run-of-show: ordered slots, each checked against its brand’s strategy',
        security: requireScopes('sessions:read'),
        params: IdParams('ses'),
        response: { 200: ref(S.RunOfShow), ...errors(404) },
      },
    },
    async (req, reply) => withEtag(reply, await slots.getRunOfShow(req.ctx, req.params.id)),
  )
  app.put(
    '/sessions/:id/run-of-show/order',
    {
      schema: {
        operationId: 'reorderRunOfShow',
        tags,
        summary: 'Reorder the whole run-of-show in one call, with If-Match on the run-of-show’s ETag',
        security: requireScopes('sessions:write'),
        params: IdParams('ses'),
        body: ref(S.ReorderRunOfShow),
        response: { 200: ref(S.RunOfShow), ...errors(404, 409, 412, 422) },
      },
    },
    async (req, reply) =>
      withEtag(reply, await slots.reorderRunOfShow(req.ctx, req.params.id, expectedVersion(req), req.body.slot_ids)),
  )
  app.post(
    '/sessions/:id/slots',
    {
      schema: {
        operationId: 'createSlot',
        tags,
        summary: 'Add a product slot at the end of the run-of-show',
        description:
          'The product comes from a pool the session’s host may sell from; the supply cap may not exceed the pool’s supply limit (422). The answer carries the brand-tier check: warnings are advice, a rejection blocks going live.',
        security: requireScopes('sessions:write'),
        params: IdParams('ses'),
        body: ref(S.CreateSlot),
        response: { 201: ref(S.Slot), ...errors(404, 409, 422) },
      },
    },
    async (req, reply) => reply.code(201).send(withEtag(reply, await slots.addSlot(req.ctx, req.params.id, req.body))),
  )
  app.get(
    '/slots/:id',
    {
      schema: {
        operationId: 'getSlot',
        tags,
        summary: 'Get a run-of-show slot with its check',
        security: requireScopes('sessions:read'),
        params: IdParams('slot'),
        response: { 200: ref(S.Slot), ...errors(404) },
      },
    },
    async (req, reply) => withEtag(reply, await slots.getSlot(req.ctx, req.params.id)),
  )
  app.patch(
    '/slots/:id',
    {
      schema: {
        operationId: 'updateSlot',
        tags,
        summary: 'Change a slot’s minute, duration, live price, offer, supply cap or hero flag',
        security: requireScopes('sessions:write'),
        params: IdParams('slot'),
        body: ref(S.UpdateSlot),
        response: { 200: ref(S.Slot), ...errors(404, 409, 412, 422) },
      },
    },
    async (req, reply) =>
      withEtag(reply, await slots.updateSlot(req.ctx, req.params.id, expectedVersion(req), req.body)),
  )
  app.delete(
    '/slots/:id',
    {
      schema: {
        operationId: 'removeSlot',
        tags,
        summary: 'Remove a slot; the ones after it move up',
        security: requireScopes('sessions:write'),
        params: IdParams('slot'),
        response: { 204: Type.Null({ description: 'Removed' }), ...errors(404, 409) },
      },
    },
    async (req, reply) => {
      await slots.removeSlot(req.ctx, req.params.id)
      return reply.code(204).send(null)
    },
  )
  app.post(
    '/calendar-feeds',
    {
      schema: {
        operationId: 'issueCalendarFeed',
        tags,
        summary: 'Issue (or rotate) the iCalendar feed URL of an anchor or crew member',
        description:
          'Calendar apps cannot send bearer tokens, so the feed URL carries an unguessable token; treat the URL as a secret. It is shown only in this answer (201 the first time). Calling again for the same subject rotates the token (200): the old URL answers 404 from then on.',
        security: requireScopes('sessions:write'),
        body: ref(S.CreateCalendarFeed),
        response: { 200: ref(S.CalendarFeed), 201: ref(S.CalendarFeed), ...errors(422) },
      },
    },
    async (req, reply) => {
      const feed = await scheduling.issueCalendarFeed(req.ctx, req.body, app.config.publicUrl)
      return reply.code(feed.version === 1 ? 201 : 200).send(feed)
    },
  )
}

const session = exampleOf(S.Session)!
const icsTime = (t: string) => t.replace(/[-:]/g, '').replace(/\.\d{3}/, '')
const FEED_EXAMPLE = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//showrunner//scheduling//EN',
  'METHOD:PUBLISH',
  `NAME:Showrunner sessions (anchor ${exampleId('anc')})`,
  `X-WR-CALNAME:Showrunner sessions (anchor ${exampleId('anc')})`,
  'REFRESH-INTERVAL;VALUE=DURATION:PT15M',
  'X-PUBLISHED-TTL:PT15M',
  'BEGIN:VEVENT',
  `UID:${session.id}`,
  'SEQUENCE:0',
  `DTSTAMP:${icsTime(session.updated_at)}`,
  `DTSTART:${icsTime(session.planned_start)}`,
  `DTEND:${icsTime(session.planned_end)}`,
  `SUMMARY:${session.title}`,
  `LOCATION:${session.platform} · ${session.room}`,
  `DESCRIPTION:Role: host 主播\\nStatus: scheduled\\nSession: https://api.showrunner.dev/v1/sessions/${session.id}`,
  'STATUS:CONFIRMED',
  `CREATED:${icsTime(session.created_at)}`,
  `LAST-MODIFIED:${icsTime(session.updated_at)}`,
  'END:VEVENT',
  'END:VCALENDAR',
].join('\r\n')

/** The feed itself is at the root: a calendar app fetches it with the token in the URL and nothing else. */
export const calendarFeedRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/calendars/:organization/:feed',
    {
      schema: {
        operationId: 'getCalendarFeed',
        tags,
        summary: 'An iCalendar (RFC 5545) feed of sessions, for calendar apps',
        description: 'Authenticated by the token in the URL (see issueCalendarFeed), not by a bearer token.',
        security: [],
        params: Type.Object(
          {
            organization: Type.String({ pattern: '^org_[0-9a-z]{26}$', description: 'The MCN whose feed it is' }),
            feed: Type.String({ pattern: '^calt_[A-Za-z0-9_-]{43}\\.ics$', description: 'The token, then .ics' }),
          },
          { additionalProperties: false },
        ),
        produces: ['text/calendar'],
        response: {
          200: {
            description: 'The calendar',
            content: { 'text/calendar': { schema: Type.String(), example: FEED_EXAMPLE } },
          },
          ...errors(404),
        },
      },
    },
    async (req, reply) => {
      const body = await renderCalendarFeed(
        { requestId: req.id, log: req.log, db: app.db, queues: app.queues },
        { organizationId: req.params.organization, token: req.params.feed.slice(0, -'.ics'.length) },
        app.config.publicUrl,
      )
      return reply.type('text/calendar; charset=utf-8').header('cache-control', 'private, max-age=300').send(body)
    },
  )
}

export default schedulingRoutes
