import { queryField, type GraphQLContribution } from '../../lib/graphql.js'
import { IdParams } from '../../lib/schemas.js'
import { Campaign, CampaignList, CampaignListQuery } from './schemas.js'
import * as acquisition from './service.js'

export const acquisitionGraphql: GraphQLContribution = {
  types: [Campaign, CampaignList],
  query: {
    campaign: queryField({
      type: Campaign,
      nullable: true,
      args: IdParams('cmp'),
      scope: 'acquisition:read',
      resolve: (ctx, { id }) => acquisition.getCampaign(ctx, id),
    }),
    campaigns: queryField({
      type: CampaignList,
      args: CampaignListQuery,
      page: true,
      scope: 'acquisition:read',
      resolve: (ctx, args) => acquisition.listCampaigns(ctx, args),
    }),
  },
}
