import { queryField, type GraphQLContribution } from '../../lib/graphql.js'
import { IdParams } from '../../lib/schemas.js'
import {
  Consultation,
  ConsultationActor,
  ConsultationAgent,
  ConsultationClaim,
  ConsultationList,
  ConsultationListQuery,
} from './schemas.js'
import * as consultations from './service.js'

export const consultationsGraphql: GraphQLContribution = {
  types: [ConsultationActor, ConsultationAgent, ConsultationClaim, Consultation, ConsultationList],
  query: {
    consultation: queryField({
      type: Consultation,
      nullable: true,
      args: IdParams('con'),
      scope: 'consultations:read',
      resolve: (ctx, { id }) => consultations.getConsultation(ctx, id),
    }),
    consultations: queryField({
      type: ConsultationList,
      args: ConsultationListQuery,
      page: true,
      scope: 'consultations:read',
      resolve: (ctx, args) => consultations.listConsultations(ctx, args),
    }),
  },
}
