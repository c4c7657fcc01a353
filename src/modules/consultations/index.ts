import { defineModule } from '../types.js'
import { consultationsGraphql } from './resolvers.js'
import consultationRoutes from './routes.js'

/**
 * 非直播时段咨询: buyers' product questions outside live hours, as tickets that an MCN's
 * customer-service desk or an installed provider app (a human desk or an AI agent) claims and
 * answers, picking them up from the `consultation.*` webhooks.
 */
export const consultationsModule = defineModule({
  name: 'consultations',
  scopes: {
    'consultations:read': 'Read consultation tickets, their conversations and response-time stats',
    'consultations:write': 'Open consultation tickets; claim, release, answer and close them',
  },
  idPrefixes: { consultation: 'con', consultationMessage: 'cmsg' },
  tags: [
    {
      name: 'Consultations',
      description: '非直播时段咨询: product questions outside live hours, answered by a human desk or an AI agent',
    },
  ],
  routes: consultationRoutes,
  graphql: consultationsGraphql,
})

// The public face of the module: what other modules may use.
export type { ConsultationView } from './service.js'
