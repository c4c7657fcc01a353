import { queryField, type GraphQLContribution } from '../../lib/graphql.js'
import { IdParams, PageQuery } from '../../lib/schemas.js'
import { ENDPOINT, WebhookEndpoint, WebhookEndpointList } from './schemas.js'
import * as endpoints from './service.js'

export const webhooksGraphql: GraphQLContribution = {
  types: [WebhookEndpoint, WebhookEndpointList],
  query: {
    webhookEndpoint: queryField({
      type: WebhookEndpoint,
      nullable: true,
      args: IdParams(ENDPOINT),
      scope: 'webhooks:read',
      resolve: (ctx, { id }) => endpoints.getEndpoint(ctx, id),
    }),
    webhookEndpoints: queryField({
      type: WebhookEndpointList,
      args: PageQuery,
      page: true,
      scope: 'webhooks:read',
      resolve: (ctx, args) => endpoints.listEndpoints(ctx, args),
    }),
  },
}
