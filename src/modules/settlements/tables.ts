import { sql } from 'drizzle-orm'
import {
  bigint,
  check,
  date,
  doublePrecision,
  foreignKey,
  index,
  jsonb,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import { createdAt, tenantTable, versioned } from '../../db/tenant-table.js'
import { anchors } from '../anchors/tables.js'

export const ENTRY_KINDS = ['sale', 'cancellation', 'refund'] as const
export type EntryKind = (typeof ENTRY_KINDS)[number]
export const STATEMENT_STATUSES = ['closing', 'closed'] as const
export type StatementStatus = (typeof STATEMENT_STATUSES)[number]

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })
const money = (name: string) => bigint(name, { mode: 'number' })

/**
 * 签约: the terms under which the MCN takes a share of an anchor's commission. Periods are days,
 * both ends inclusive (`ends_on` null: open-ended); the exclusion constraint in the custom
 * migration keeps one anchor's periods from overlapping, also under concurrent writes.
 */
export const anchorContracts = tenantTable(
  'anchor_contracts',
  {
    anchorId: text('anchor_id').notNull(),
    mcnShareRate: doublePrecision('mcn_share_rate').notNull(),
    startsOn: date('starts_on', { mode: 'string' }).notNull(),
    endsOn: date('ends_on', { mode: 'string' }),
    note: text('note'),
    ...versioned(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.anchorId], foreignColumns: [anchors.tenantId, anchors.id] }),
    index('anchor_contracts_anchor_idx').on(t.tenantId, t.anchorId, t.startsOn),
    check('anchor_contracts_rate_check', sql`${t.mcnShareRate} >= 0 and ${t.mcnShareRate} <= 1`),
    check('anchor_contracts_period_check', sql`${t.endsOn} is null or ${t.endsOn} >= ${t.startsOn}`),
  ],
)

/**
 * The commission ledger: insert-only (a trigger refuses UPDATE and DELETE), signed minor units.
 * `period` is the accounting month the entry counts in; `event_period` the month it happened
 * in. They differ when the event's month was already closed: the entry is then an adjustment in
 * the next open period. One entry per (order item, kind, source): a change published twice
 * (a re-sent order) writes nothing the second time.
 */
export const commissionEntries = tenantTable(
  'commission_entries',
  {
    anchorId: text('anchor_id').notNull(),
    orderId: text('order_id').notNull(),
    orderItemId: text('order_item_id').notNull(),
    kind: text('kind', { enum: ENTRY_KINDS }).notNull(),
    /** The order (sale, cancellation) or the refund the entry comes from. */
    sourceId: text('source_id').notNull(),
    currency: text('currency').notNull(),
    /** Sale: the line's amount. Refund and cancellation: the part of it they reverse (negative). */
    itemAmount: money('item_amount').notNull(),
    commission: money('commission').notNull(),
    mcnShare: money('mcn_share').notNull(),
    mcnShareRate: doublePrecision('mcn_share_rate').notNull(),
    contractId: text('contract_id'),
    period: text('period').notNull(),
    eventPeriod: text('event_period').notNull(),
    occurredAt: at('occurred_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('commission_entries_source_key').on(t.tenantId, t.orderItemId, t.kind, t.sourceId),
    index('commission_entries_period_idx').on(t.tenantId, t.period, t.anchorId),
    index('commission_entries_item_idx').on(t.tenantId, t.orderItemId),
    index('commission_entries_order_idx').on(t.tenantId, t.orderId),
    check(
      'commission_entries_period_check',
      sql`${t.period} ~ '^[0-9]{4}-(0[1-9]|1[0-2])$' and ${t.period} >= ${t.eventPeriod}`,
    ),
    check(
      'commission_entries_sign_check',
      sql`(${t.kind} = 'sale') = (${t.commission} >= 0 and ${t.mcnShare} >= 0 and ${t.itemAmount} >= 0) or (${t.commission} = 0 and ${t.mcnShare} = 0 and ${t.itemAmount} = 0)`,
    ),
  ],
)

/**
 * A settlement statement of one accounting month. Inserted `closing` when the close is asked
 * for (the unique period makes a second close a 409), filled once by the job and `closed`; the
 * trigger in the custom migration refuses any change to a closed statement.
 */
export const settlementStatements = tenantTable(
  'settlement_statements',
  {
    period: text('period').notNull(),
    status: text('status', { enum: STATEMENT_STATUSES }).notNull().default('closing'),
    jobId: text('job_id'),
    totals: jsonb('totals').$type<unknown[]>().notNull().default([]),
    anchors: jsonb('anchors').$type<unknown[]>().notNull().default([]),
    entryCount: bigint('entry_count', { mode: 'number' }).notNull().default(0),
    closedAt: at('closed_at'),
    ...versioned(),
  },
  (t) => [
    uniqueIndex('settlement_statements_period_key').on(t.tenantId, t.period),
    check('settlement_statements_period_check', sql`${t.period} ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`),
    check('settlement_statements_closed_check', sql`(${t.status} = 'closed') = (${t.closedAt} is not null)`),
  ],
)
