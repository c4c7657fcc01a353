import { Type, type Static } from 'typebox'
import { Body, Id, named, Page, ref, StringEnum, Timestamp } from '../../lib/schemas.js'

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
      status: StringEnum(['active', 'inactive'] as const),
      version: Type.Integer(),
      created_at: Timestamp,
      updated_at: Timestamp,
    },
    { description: '主播: the subject of recommendations' },
  ),
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
)
export const UpdateAnchor = named(
  'UpdateAnchor',
  Body({
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    platform_handles: Type.Optional(Type.Array(PlatformHandle, { maxItems: 20 })),
    categories: Type.Optional(Categories),
    audience: Type.Optional(ref(AudienceProfile)),
    status: Type.Optional(StringEnum(['active', 'inactive'] as const)),
  }),
)

export type CreateAnchorInput = Static<typeof CreateAnchor>
export type UpdateAnchorInput = Static<typeof UpdateAnchor>
