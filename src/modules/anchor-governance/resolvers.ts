import { Type } from 'typebox'
import { inTenant } from '../../db/tenancy.js'
import type { Ctx } from '../../lib/context.js'
import { loaderField, queryField, type GraphQLContribution } from '../../lib/graphql.js'
import { IdParams, PageQuery } from '../../lib/schemas.js'
import { Anchor } from '../anchors/index.js'
import {
  AnchorStanding,
  AnchorStandard,
  AnchorTier,
  AnchorTierChangeList,
  AnchorTierRankList,
  AnchorViolationList,
  Severity,
  TierRankingQuery,
} from './schemas.js'
import * as standards from './standards.js'
import * as tiers from './tiers.js'
import * as violations from './violations.js'

const AnchorPage = Type.Object(
  { ...IdParams('anc').properties, ...PageQuery.properties },
  { additionalProperties: false },
)

/** One batch for every anchor in the response: a fixed number of queries whatever the list's length. */
const standingsOf = (ctx: Ctx, anchors: { id: string; status: 'active' | 'inactive' | 'suspended' }[]) =>
  inTenant(ctx, (tx) => violations.standingsOf(tx, anchors))

export const anchorGovernanceGraphql: GraphQLContribution = {
  types: [AnchorStanding, AnchorStandard, AnchorViolationList, AnchorTierChangeList, AnchorTierRankList],
  enums: { AnchorTier, Severity },
  query: {
    currentAnchorStandard: queryField({
      type: AnchorStandard,
      nullable: true,
      scope: 'governance:read',
      resolve: (ctx) => standards.findCurrentStandard(ctx),
    }),
    anchorStanding: queryField({
      type: AnchorStanding,
      nullable: true,
      args: IdParams('anc'),
      scope: 'governance:read',
      resolve: (ctx, { id }) => violations.getStanding(ctx, id),
    }),
    anchorViolations: queryField({
      type: AnchorViolationList,
      args: AnchorPage,
      page: true,
      scope: 'governance:read',
      resolve: (ctx, { id, ...page }) => violations.listViolations(ctx, id, page),
    }),
    anchorTierHistory: queryField({
      type: AnchorTierChangeList,
      args: AnchorPage,
      page: true,
      scope: 'governance:read',
      resolve: (ctx, { id, ...page }) => tiers.listTierHistory(ctx, id, page),
    }),
    anchorTierRanking: queryField({
      type: AnchorTierRankList,
      args: TierRankingQuery,
      page: true,
      scope: 'governance:read',
      resolve: (ctx, args) => tiers.tierRanking(ctx, args),
    }),
  },
  loaders: {
    Anchor: {
      standing: loaderField(Anchor, {
        type: AnchorStanding,
        scope: 'governance:read',
        load: (ctx, anchors) => standingsOf(ctx, anchors),
      }),
    },
  },
}
