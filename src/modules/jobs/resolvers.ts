import { queryField, type GraphQLContribution } from '../../lib/graphql.js'
import { IdParams } from '../../lib/schemas.js'
import { Job } from './schemas.js'
import * as jobs from './service.js'

export const jobsGraphql: GraphQLContribution = {
  types: [Job],
  query: {
    job: queryField({
      type: Job,
      nullable: true,
      args: IdParams('job'),
      scope: 'jobs:read',
      resolve: (ctx, { id }) => jobs.getJob(ctx, id),
    }),
  },
}
