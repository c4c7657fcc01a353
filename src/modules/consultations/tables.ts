import { sql } from 'drizzle-orm'
import { boolean, check, foreignKey, index, integer, jsonb, text, timestamp } from 'drizzle-orm/pg-core'
import { createdAt, tenantTable, versioned } from '../../db/tenant-table.js'
import { anchors } from '../anchors/tables.js'
import { buyers } from '../buyers/tables.js'
import { products } from '../catalog/tables.js'
import { liveSessions } from '../scheduling/tables.js'

export const CONSULTATION_CHANNELS = ['platform_im', 'wechat', 'app', 'web', 'phone', 'other'] as const
export const CONSULTATION_STATUSES = ['open', 'answered', 'closed'] as const
export type ConsultationStatus = (typeof CONSULTATION_STATUSES)[number]
export const AGENT_KINDS = ['human', 'ai'] as const

/** Who claimed or answered: the API caller (a client, or an installed provider app) and the agent behind it. */
export interface Agent {
  actor: { type: 'client' | 'installation'; id: string }
  agent_kind: (typeof AGENT_KINDS)[number]
  agent_name: string | null
  crew_member_id: string | null
}

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

/**
 * 非直播时段咨询: a buyer's question about a product outside live hours, a ticket a desk or an AI
 * agent claims and answers. `claim_key` names who holds the claim; a claim past `claim_expires_at`
 * is free for anyone to take.
 */
export const consultations = tenantTable(
  'consultations',
  {
    productId: text('product_id').notNull(),
    anchorId: text('anchor_id'),
    buyerId: text('buyer_id').notNull(),
    channel: text('channel', { enum: CONSULTATION_CHANNELS }).notNull(),
    question: text('question').notNull(),
    status: text('status', { enum: CONSULTATION_STATUSES }).notNull().default('open'),
    duringLive: boolean('during_live').notNull().default(false),
    liveSessionId: text('live_session_id'),
    claimKey: text('claim_key'),
    claimedBy: jsonb('claimed_by').$type<Agent>(),
    claimedAt: at('claimed_at'),
    claimExpiresAt: at('claim_expires_at'),
    answeredBy: jsonb('answered_by').$type<Agent>(),
    firstResponseAt: at('first_response_at'),
    firstResponseSeconds: integer('first_response_seconds'),
    closedAt: at('closed_at'),
    ...versioned(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.productId], foreignColumns: [products.tenantId, products.id] }),
    foreignKey({ columns: [t.tenantId, t.anchorId], foreignColumns: [anchors.tenantId, anchors.id] }),
    foreignKey({ columns: [t.tenantId, t.buyerId], foreignColumns: [buyers.tenantId, buyers.id] }),
    foreignKey({ columns: [t.tenantId, t.liveSessionId], foreignColumns: [liveSessions.tenantId, liveSessions.id] }),
    check(
      'consultations_claim_check',
      sql`(${t.claimKey} is null) = (${t.claimedBy} is null) and (${t.claimKey} is null) = (${t.claimExpiresAt} is null)`,
    ),
    check('consultations_response_check', sql`${t.firstResponseSeconds} is null or ${t.firstResponseSeconds} >= 0`),
    index('consultations_anchor_idx').on(t.tenantId, t.anchorId, t.createdAt),
    index('consultations_product_idx').on(t.tenantId, t.productId, t.createdAt),
    index('consultations_status_idx').on(t.tenantId, t.status),
  ],
)

/** The conversation of a ticket: the buyer's question first, then the agents' answers. */
export const consultationMessages = tenantTable(
  'consultation_messages',
  {
    consultationId: text('consultation_id').notNull(),
    author: text('author', { enum: ['buyer', 'agent'] }).notNull(),
    text: text('text').notNull(),
    agent: jsonb('agent').$type<Agent>(),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({
      columns: [t.tenantId, t.consultationId],
      foreignColumns: [consultations.tenantId, consultations.id],
    }),
    index('consultation_messages_ticket_idx').on(t.tenantId, t.consultationId),
  ],
)
