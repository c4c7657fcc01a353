import { loaderField, queryField, type GraphQLContribution } from '../../lib/graphql.js'
import { IdParams, PageQuery } from '../../lib/schemas.js'
import { Anchor, getAnchorsByIds } from '../anchors/index.js'
import {
  CrewMember,
  CrewMemberList,
  RunOfShow,
  Session,
  SessionAnchor,
  SessionCrew,
  SessionList,
  SessionListQuery,
} from './schemas.js'
import * as scheduling from './service.js'
import { getRunOfShowsBySessionIds } from './slots.js'

export const schedulingGraphql: GraphQLContribution = {
  types: [RunOfShow, Session, SessionList, SessionAnchor, SessionCrew, CrewMember, CrewMemberList],
  query: {
    session: queryField({
      type: Session,
      nullable: true,
      args: IdParams('ses'),
      scope: 'sessions:read',
      resolve: (ctx, { id }) => scheduling.getSession(ctx, id),
    }),
    sessions: queryField({
      type: SessionList,
      args: SessionListQuery,
      page: true,
      scope: 'sessions:read',
      resolve: (ctx, args) => scheduling.listSessions(ctx, args),
    }),
    crewMember: queryField({
      type: CrewMember,
      nullable: true,
      args: IdParams('crw'),
      scope: 'sessions:read',
      resolve: (ctx, { id }) => scheduling.getCrewMember(ctx, id),
    }),
    crewMembers: queryField({
      type: CrewMemberList,
      args: PageQuery,
      page: true,
      scope: 'sessions:read',
      resolve: (ctx, args) => scheduling.listCrewMembers(ctx, args),
    }),
  },
  loaders: {
    // The run-of-shows of every session in the response: a fixed number of queries, checks included.
    Session: {
      run_of_show: loaderField(Session, {
        type: RunOfShow,
        scope: 'sessions:read',
        load: (ctx, sessions) =>
          getRunOfShowsBySessionIds(
            ctx,
            sessions.map((s) => s.id),
          ),
      }),
    },
    // One query for the anchors of every session in the response, whatever its length.
    SessionAnchor: {
      anchor: loaderField(SessionAnchor, {
        type: Anchor,
        nullable: true,
        scope: 'anchors:read',
        load: (ctx, bookings) =>
          getAnchorsByIds(
            ctx,
            bookings.map((b) => b.anchor_id),
          ),
      }),
    },
    // And one for their crew.
    SessionCrew: {
      crew_member: loaderField(SessionCrew, {
        type: CrewMember,
        nullable: true,
        scope: 'sessions:read',
        load: (ctx, bookings) =>
          scheduling.getCrewMembersByIds(
            ctx,
            bookings.map((b) => b.crew_member_id),
          ),
      }),
    },
  },
}
