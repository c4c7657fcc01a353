import { Type, type Static } from 'typebox'
import {
  Body,
  Currency,
  DateOnly,
  exampleId,
  Id,
  named,
  Nullable,
  Page,
  PageQuery,
  ref,
  StringEnum,
  Timestamp,
} from '../../lib/schemas.js'
import { ENTRY_KINDS, STATEMENT_STATUSES } from './tables.js'

const PERIOD_PATTERN = '^[0-9]{4}-(0[1-9]|1[0-2])$'
export const Period = Type.String({
  pattern: PERIOD_PATTERN,
  description: 'Accounting month, YYYY-MM (UTC)',
})
const ShareRate = Type.Number({
  minimum: 0,
  maximum: 1,
  description: 'The MCN’s share of the anchor’s commission, 0..1',
})
const Signed = (description: string) => Type.Integer({ description: `${description}, in minor units (signed)` })

export const Contract = named(
  'Contract',
  Type.Object(
    {
      id: Id('ctr'),
      anchor_id: Id('anc'),
      mcn_share_rate: ShareRate,
      starts_on: DateOnly,
      ends_on: Nullable(
        Type.String({ format: 'date', description: 'Last day in force (inclusive); null: open-ended' }),
      ),
      note: Nullable(Type.String()),
      version: Type.Integer(),
      created_at: Timestamp,
      updated_at: Timestamp,
    },
    {
      description:
        '签约: the MCN’s share of an anchor’s commission over a period of days (both ends inclusive). One anchor’s periods never overlap.',
    },
  ),
  {
    id: exampleId('ctr'),
    anchor_id: exampleId('anc'),
    mcn_share_rate: 0.3,
    starts_on: '2026-01-01',
    ends_on: '2026-12-31',
    note: '2026 framework agreement',
    version: 1,
    created_at: '2025-12-20T08:00:00.000Z',
    updated_at: '2025-12-20T08:00:00.000Z',
  },
)
export const ContractList = Page(Contract)

export const CreateContract = named(
  'CreateContract',
  Body(
    {
      mcn_share_rate: ShareRate,
      starts_on: DateOnly,
      ends_on: Type.Optional(Nullable(DateOnly)),
      note: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    },
    { description: 'A period that overlaps another contract of the anchor answers 409.' },
  ),
  { mcn_share_rate: 0.3, starts_on: '2026-01-01', ends_on: '2026-12-31' },
)
export const UpdateContract = named(
  'UpdateContract',
  Body(
    {
      mcn_share_rate: Type.Optional(ShareRate),
      starts_on: Type.Optional(DateOnly),
      ends_on: Type.Optional(Nullable(DateOnly)),
      note: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
    },
    {
      description:
        'Changes apply to sales paid after the change: entries already in the ledger keep the rate they were booked with. An overlap answers 409.',
    },
  ),
  { ends_on: '2026-06-30' },
)
export type CreateContractInput = Static<typeof CreateContract>
export type UpdateContractInput = Static<typeof UpdateContract>

const Amounts = {
  commission: Signed('The anchor’s commission (佣金)'),
  mcn_share: Signed('The MCN’s share of it'),
  anchor_net: Signed('commission − mcn_share'),
}
export const EarningsAmounts = named(
  'EarningsAmounts',
  Type.Object(Amounts, { description: 'Sums of ledger entries' }),
  { commission: 1149, mcn_share: 345, anchor_net: 804 },
)

export const EarningsTotal = named(
  'EarningsTotal',
  Type.Object(
    {
      currency: Currency,
      ...Amounts,
      adjustments: ref(EarningsAmounts),
    },
    {
      description:
        'Everything booked in the period, in one currency. `adjustments` is the part of it that happened in an earlier, already closed period (included in the totals).',
    },
  ),
  {
    currency: 'CNY',
    commission: 1149,
    mcn_share: 345,
    anchor_net: 804,
    adjustments: { commission: 0, mcn_share: 0, anchor_net: 0 },
  },
)

export const EarningsLine = named(
  'EarningsLine',
  Type.Object(
    {
      order_id: Id('ord'),
      order_item_id: Id('oit'),
      currency: Currency,
      ...Amounts,
      adjustment: Type.Boolean({ description: 'Some of it happened in an earlier, closed period' }),
      entries: Type.Array(
        Type.Object({
          kind: StringEnum(ENTRY_KINDS),
          source_id: Type.String({ description: 'The order (sale, cancellation) or refund' }),
          event_period: Period,
          occurred_at: Timestamp,
          ...Amounts,
        }),
      ),
    },
    { description: 'An order item’s entries booked in the period' },
  ),
  {
    order_id: exampleId('ord'),
    order_item_id: exampleId('oit'),
    currency: 'CNY',
    commission: 1149,
    mcn_share: 345,
    anchor_net: 804,
    adjustment: false,
    entries: [
      {
        kind: 'sale',
        source_id: exampleId('ord'),
        event_period: '2026-12',
        occurred_at: '2026-12-10T12:20:41.000Z',
        commission: 1149,
        mcn_share: 345,
        anchor_net: 804,
      },
    ],
  },
)

export const Earnings = named(
  'Earnings',
  Type.Object(
    {
      anchor_id: Id('anc'),
      period: Period,
      closed: Type.Boolean({ description: 'The period’s statement is closed: these figures never change' }),
      totals: Type.Array(ref(EarningsTotal), { description: 'One per currency' }),
      lines: Type.Array(ref(EarningsLine)),
    },
    {
      description: 'An anchor’s commission booked in a period: totals equal the sum of the lines, which are the ledger',
    },
  ),
  {
    anchor_id: exampleId('anc'),
    period: '2026-12',
    closed: false,
    totals: [
      {
        currency: 'CNY',
        commission: 1149,
        mcn_share: 345,
        anchor_net: 804,
        adjustments: { commission: 0, mcn_share: 0, anchor_net: 0 },
      },
    ],
    lines: [],
  },
)
export const EarningsQuery = Type.Object(
  {
    period: Type.Optional(
      Type.String({
        pattern: PERIOD_PATTERN,
        description: 'Accounting month, YYYY-MM (UTC); the current month when absent',
      }),
    ),
  },
  { additionalProperties: false },
)

export const StatementAnchor = named(
  'StatementAnchor',
  Type.Object(
    { anchor_id: Id('anc'), ...EarningsTotal.properties },
    { description: 'One anchor’s totals in a statement, in one currency' },
  ),
  {
    anchor_id: exampleId('anc'),
    currency: 'CNY',
    commission: 1149,
    mcn_share: 345,
    anchor_net: 804,
    adjustments: { commission: 0, mcn_share: 0, anchor_net: 0 },
  },
)

export const Settlement = named(
  'Settlement',
  Type.Object(
    {
      id: Id('stl'),
      period: Period,
      status: StringEnum(STATEMENT_STATUSES, {
        description: 'closing while the job writes it; closed: final, never changes',
      }),
      job_id: Nullable(Id('job')),
      totals: Type.Array(ref(EarningsTotal), { description: 'Grand totals, one per currency' }),
      anchors: Type.Array(ref(StatementAnchor)),
      entry_count: Type.Integer({ description: 'Ledger entries the statement sums' }),
      closed_at: Nullable(Timestamp),
      created_at: Timestamp,
    },
    {
      description:
        'The MCN’s settlement statement of one month: per anchor and grand totals, equal to the sum of the ledger entries booked in the period. Entries arriving after the close go to the next open period as adjustments.',
    },
  ),
  {
    id: exampleId('stl'),
    period: '2026-12',
    status: 'closed',
    job_id: exampleId('job'),
    totals: [
      {
        currency: 'CNY',
        commission: 1149,
        mcn_share: 345,
        anchor_net: 804,
        adjustments: { commission: 0, mcn_share: 0, anchor_net: 0 },
      },
    ],
    anchors: [
      {
        anchor_id: exampleId('anc'),
        currency: 'CNY',
        commission: 1149,
        mcn_share: 345,
        anchor_net: 804,
        adjustments: { commission: 0, mcn_share: 0, anchor_net: 0 },
      },
    ],
    entry_count: 1,
    closed_at: '2027-01-01T00:05:00.000Z',
    created_at: '2027-01-01T00:04:59.000Z',
  },
)
export const SettlementList = Page(Settlement)
export const SettlementListQuery = Type.Object(
  { ...PageQuery.properties, period: Type.Optional(Period) },
  { additionalProperties: false },
)
export const CloseSettlement = named(
  'CloseSettlement',
  Body(
    { period: Period },
    { description: 'Closes the month: a period already closed (or being closed) answers 409; a future month 422.' },
  ),
  { period: '2026-12' },
)
export type SettlementView = Static<typeof Settlement>
export type ContractView = Static<typeof Contract>
export type EarningsTotalView = Static<typeof EarningsTotal>
