import { Type, type Static } from 'typebox'
import { Body, exampleId, exampleOf, Id, named, Page, ref, StringEnum, Timestamp } from '../../lib/schemas.js'

const Share = Type.Number({ minimum: 0, maximum: 1 })
export const PlatformHandle = Type.Object(
  {
    platform: Type.String({ minLength: 1, maxLength: 50, description: 'douyin, kuaishou, taobao, wechat_channels, …' }),
    handle: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
)
export const AudienceProfile = named(
  'AudienceProfile',
  Type.Object(
    {
      interests: Type.Array(
        Type.Object(
          { category: Type.String({ minLength: 1, maxLength: 100 }), weight: Share },
          { additionalProperties: false },
        ),
        { maxItems: 50, description: 'Categories the audience buys, weighted 0–1; drives audience fit' },
      ),
      female_share: Type.Optional(Share),
      age_bands: Type.Optional(
        Type.Array(
          Type.Object({ band: Type.String({ maxLength: 20 }), share: Share }, { additionalProperties: false }),
          { maxItems: 20 },
        ),
      ),
      regions: Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 50 })),
    },
    { additionalProperties: false },
  ),
  {
    interests: [
      { category: 'tea', weight: 0.6 },
      { category: 'food', weight: 0.3 },
      { category: 'beauty', weight: 0.1 },
    ],
    female_share: 0.72,
    age_bands: [
      { band: '18-24', share: 0.18 },
      { band: '25-34', share: 0.46 },
      { band: '35-44', share: 0.26 },
      { band: '45+', share: 0.1 },
    ],
    regions: ['Yunnan', 'Guangdong', 'Zhejiang'],
  },
)
const Categories = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
  maxItems: 50,
  uniqueItems: true,
  description: 'Categories the anchor covers',
})

export const Anchor = named(
  'Anchor',
  Type.Object(
    {
      id: Id('anc'),
      name: Type.String(),
      platform_handles: Type.Array(PlatformHandle),
      categories: Type.Array(Type.String()),
      audience: ref(AudienceProfile),
      status: StringEnum(['active', 'inactive', 'suspended'] as const, {
        description:
          'Only an active anchor can be scheduled; suspended is set by strikes and lifted by POST /v1/anchors/{id}/reinstatement',
      }),
      version: Type.Integer(),
      created_at: Timestamp,
      updated_at: Timestamp,
    },
    { description: '主播: the subject of recommendations' },
  ),
  {
    id: exampleId('anc'),
    name: '小雨 Xiaoyu',
    platform_handles: [
      { platform: 'douyin', handle: 'xiaoyu_tea' },
      { platform: 'kuaishou', handle: 'xiaoyu2026' },
    ],
    categories: ['tea', 'food'],
    audience: exampleOf(AudienceProfile)!,
    status: 'active',
    version: 2,
    created_at: '2026-11-28T03:45:12.808Z',
    updated_at: '2026-11-29T10:15:37.290Z',
  },
)
export const AnchorList = Page(Anchor)
export const CreateAnchor = named(
  'CreateAnchor',
  Body({
    name: Type.String({ minLength: 1, maxLength: 200 }),
    platform_handles: Type.Optional(Type.Array(PlatformHandle, { maxItems: 20 })),
    categories: Type.Optional(Categories),
    audience: Type.Optional(ref(AudienceProfile)),
  }),
  {
    name: '小雨 Xiaoyu',
    platform_handles: [{ platform: 'douyin', handle: 'xiaoyu_tea' }],
    categories: ['tea', 'food'],
    audience: exampleOf(AudienceProfile)!,
  },
)
export const UpdateAnchor = named(
  'UpdateAnchor',
  Body({
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    platform_handles: Type.Optional(Type.Array(PlatformHandle, { maxItems: 20 })),
    categories: Type.Optional(Categories),
    audience: Type.Optional(ref(AudienceProfile)),
    status: Type.Optional(
      StringEnum(['active', 'inactive', 'suspended'] as const, {
        description:
          'active or inactive. Suspension is governance’s: setting suspended here is refused (422), and so is changing a suspended anchor’s status (409); lift it with POST /v1/anchors/{id}/reinstatement',
      }),
    ),
  }),
  {
    platform_handles: [
      { platform: 'douyin', handle: 'xiaoyu_tea' },
      { platform: 'kuaishou', handle: 'xiaoyu2026' },
    ],
  },
)

export type CreateAnchorInput = Static<typeof CreateAnchor>
export type UpdateAnchorInput = Static<typeof UpdateAnchor>
