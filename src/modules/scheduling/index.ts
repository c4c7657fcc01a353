import { defineModule } from '../types.js'
import { schedulingGraphql } from './resolvers.js'
import schedulingRoutes, { calendarFeedRoutes } from './routes.js'

export const schedulingModule = defineModule({
  name: 'scheduling',
  scopes: {
    'sessions:read': 'Read live sessions, their crew, product timeline and the crew roster',
    'sessions:write':
      'Schedule, change, start, end and cancel sessions; manage crew; pin products; issue calendar feeds',
  },
  idPrefixes: {
    session: 'ses',
    sessionAssignment: 'sas',
    sessionShowing: 'shw',
    crewMember: 'crw',
    calendarFeed: 'cal',
    slot: 'slot',
  },
  tags: [
    { name: 'Sessions', description: 'Live sessions (直播场次) on a calendar, live product control, calendar feeds' },
    { name: 'Crew', description: 'Crew (主播, 副播, 文案, 场控, 设计, 客服) and their schedules' },
  ],
  routes: schedulingRoutes,
  rootRoutes: calendarFeedRoutes,
  graphql: schedulingGraphql,
})

// The public face of the module: what other modules may use.
export { getSessionsByIds, listSessions, type SessionView } from './service.js'
/** For orders: a slot's facts, and its supply cap drawn by paid order lines and given back on cancellation. */
export { consumeSlotSupply, findSlot, releaseSlotSupply, type SlotFacts } from './supply.js'
