import { Type, type Static } from 'typebox'
import { Body, exampleId, Id, Money, named, Page, PageQuery, ref, StringEnum, Timestamp } from '../../lib/schemas.js'

const Access = StringEnum(['all_anchors', 'listed_anchors'] as const, {
  description: 'all_anchors: every anchor of the tenant may draw from the pool; listed_anchors: only anchor_ids',
})
const PoolStatus = StringEnum(['active', 'archived'] as const)
const AnchorIds = Type.Array(Id('anc'), { maxItems: 1000, uniqueItems: true })

export const SupplyPool = named(
  'SupplyPool',
  Type.Object(
    {
      id: Id('pool'),
      name: Type.String(),
      description: Type.Union([Type.String(), Type.Null()]),
      built_by: Type.Object(
        { organization_id: Id('org'), kind: StringEnum(['mcn', 'provider', 'platform'] as const) },
        { description: 'Who built the pool: the tenant, or a provider app installed in it' },
      ),
      access: Access,
      anchor_ids: Type.Array(Type.String(), {
        description: 'Anchors that may draw from the pool when access is listed_anchors',
      }),
      status: PoolStatus,
      item_count: Type.Integer(),
      version: Type.Integer(),
      created_at: Timestamp,
      updated_at: Timestamp,
    },
    { description: '主播专供商品池: a named pool of products with per-pool prices and supply limits' },
  ),
  {
    id: exampleId('pool'),
    name: '双十二 tea picks for 小雨',
    description: 'Teas 小雨 may sell on the 12.12 session, at pool prices',
    built_by: { organization_id: exampleId('org'), kind: 'mcn' },
    access: 'listed_anchors',
    anchor_ids: [exampleId('anc')],
    status: 'active',
    item_count: 12,
    version: 4,
    created_at: '2026-11-28T04:10:55.318Z',
    updated_at: '2026-11-30T07:02:14.660Z',
  },
)
export const SupplyPoolList = Page(SupplyPool)
export const CreateSupplyPool = named(
  'CreateSupplyPool',
  Body({
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    access: Type.Optional(Access),
    anchor_ids: Type.Optional(AnchorIds),
  }),
  {
    name: '双十二 tea picks for 小雨',
    description: 'Teas 小雨 may sell on the 12.12 session, at pool prices',
    access: 'listed_anchors',
    anchor_ids: [exampleId('anc')],
  },
)
export const UpdateSupplyPool = named(
  'UpdateSupplyPool',
  Body(
    {
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      description: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
      access: Type.Optional(Access),
      anchor_ids: Type.Optional(AnchorIds),
      status: Type.Optional(PoolStatus),
    },
    { description: 'anchor_ids replaces the list' },
  ),
  { description: 'Teas for the 12.12 sessions; every anchor of the MCN may draw from it', access: 'all_anchors' },
)

export const PoolItem = named(
  'PoolItem',
  Type.Object({
    id: Id('pitm'),
    pool_id: Id('pool'),
    product_id: Id('prd'),
    price: Type.Union([ref(Money), Type.Null()], { description: 'The pool’s price; the list price when null' }),
    supply_limit: Type.Union([Type.Integer(), Type.Null()], {
      description: 'Units this pool may supply in total; unlimited when null',
    }),
    version: Type.Integer(),
    created_at: Timestamp,
    updated_at: Timestamp,
  }),
  {
    id: exampleId('pitm'),
    pool_id: exampleId('pool'),
    product_id: exampleId('prd'),
    price: { amount: 3290, currency: 'CNY' },
    supply_limit: 500,
    version: 1,
    created_at: '2026-11-28T04:12:01.774Z',
    updated_at: '2026-11-28T04:12:01.774Z',
  },
)
export const PoolItemList = Page(PoolItem)
export const AddPoolItem = named(
  'AddPoolItem',
  Body({
    product_id: Id('prd'),
    price: Type.Optional(ref(Money)),
    supply_limit: Type.Optional(Type.Integer({ minimum: 0 })),
  }),
  { product_id: exampleId('prd'), price: { amount: 3290, currency: 'CNY' }, supply_limit: 500 },
)
export const UpdatePoolItem = named(
  'UpdatePoolItem',
  Body({
    price: Type.Optional(Type.Union([ref(Money), Type.Null()])),
    supply_limit: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
  }),
  { price: { amount: 2990, currency: 'CNY' }, supply_limit: 800 },
)

export const PoolGrant = named(
  'PoolGrant',
  Type.Object(
    {
      id: Id('pgr'),
      pool_id: Id('pool'),
      organization_id: Id('org'),
      revoked_at: Type.Union([Timestamp, Type.Null()]),
      version: Type.Integer(),
      created_at: Timestamp,
    },
    { description: 'A pool shared by its owner with an MCN, whose anchors may then draw from it' },
  ),
  {
    id: exampleId('pgr'),
    pool_id: exampleId('pool'),
    organization_id: exampleId('org', 3),
    revoked_at: null,
    version: 1,
    created_at: '2026-11-29T01:30:44.201Z',
  },
)
export const PoolGrantList = Page(PoolGrant)
export const CreatePoolGrant = named('CreatePoolGrant', Body({ organization_id: Id('org') }), {
  organization_id: exampleId('org', 3),
})

export const SharedSupplyPool = named(
  'SharedSupplyPool',
  Type.Object(
    {
      grant_id: Id('pgr'),
      pool_id: Id('pool'),
      name: Type.String(),
      description: Type.Union([Type.String(), Type.Null()]),
      item_count: Type.Integer(),
      owner_organization_id: Id('org'),
      granted_at: Timestamp,
    },
    { description: 'A pool another organization shared with the caller' },
  ),
  {
    grant_id: exampleId('pgr'),
    pool_id: exampleId('pool'),
    name: '双十二 tea picks for 小雨',
    description: 'Teas 小雨 may sell on the 12.12 session, at pool prices',
    item_count: 12,
    owner_organization_id: exampleId('org'),
    granted_at: '2026-11-29T01:30:44.201Z',
  },
)
export const SharedSupplyPoolList = Page(SharedSupplyPool)
export const PoolListQuery = Type.Object(
  { ...PageQuery.properties, status: Type.Optional(PoolStatus) },
  { additionalProperties: false },
)

export type CreateSupplyPoolInput = Static<typeof CreateSupplyPool>
export type UpdateSupplyPoolInput = Static<typeof UpdateSupplyPool>
export type AddPoolItemInput = Static<typeof AddPoolItem>
export type UpdatePoolItemInput = Static<typeof UpdatePoolItem>
