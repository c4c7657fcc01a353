import { Type, type Static } from 'typebox'
import { named } from '../../lib/schemas.js'

/** How callers name a person: the platform and its id for them, turned into a buyer id on arrival. */
export const BuyerRef = named(
  'BuyerRef',
  Type.Object(
    {
      platform: Type.String({ minLength: 1, maxLength: 50, description: 'douyin, kuaishou, taobao, …' }),
      ref: Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'The platform’s id for the person; stored only as a per-tenant pseudonym',
      }),
    },
    { additionalProperties: false },
  ),
  { platform: 'douyin', ref: 'dy_88213409' },
)
export type BuyerRefInput = Static<typeof BuyerRef>
