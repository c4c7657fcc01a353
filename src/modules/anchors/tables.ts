import { jsonb, text } from 'drizzle-orm/pg-core'
import { tenantTable, versioned } from '../../db/tenant-table.js'

export type PlatformHandle = { platform: string; handle: string }
export type AudienceProfile = {
  /** Categories the audience buys, weighted 0–1. */
  interests: { category: string; weight: number }[]
  female_share?: number
  age_bands?: { band: string; share: number }[]
  regions?: string[]
}

/**
 * 主播: the subject of recommendations. `suspended` is set and cleared only by anchor governance
 * (strikes over the platform's standards, and a recorded reinstatement), never by a PATCH.
 */
export const anchors = tenantTable('anchors', {
  name: text('name').notNull(),
  platformHandles: jsonb('platform_handles').$type<PlatformHandle[]>().notNull(),
  categories: text('categories').array().notNull(),
  audience: jsonb('audience').$type<AudienceProfile>().notNull(),
  status: text('status', { enum: ['active', 'inactive', 'suspended'] })
    .notNull()
    .default('active'),
  ...versioned(),
})
