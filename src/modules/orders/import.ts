import { Type } from 'typebox'
import { Value } from 'typebox/value'
import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Ctx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import { defineJob } from '../../lib/jobs.js'
import { exampleId } from '../../lib/schemas.js'
import {
  ImportJobPayload,
  type ImportRow,
  rowProblem,
  type RowErrorReport,
  runImport,
  startImport,
} from '../jobs/index.js'
import { type CreateOrderInput, NewOrderItem, OrderImportRow, type OrderImportRowValue } from './schemas.js'
import { receiveOrderIn } from './service.js'

export const ORDER_IMPORT_JOB = 'orders.import'
export const ORDER_IMPORT_COLUMNS = [
  'platform',
  'external_order_id',
  'anchor_id',
  'buyer_ref',
  'currency',
  'items',
  'placed_at',
]
export const ORDER_IMPORT_TEMPLATE_COLUMNS = [
  ...ORDER_IMPORT_COLUMNS,
  'session_id',
  'total_amount',
  'status',
  'paid_at',
  'attribution_code',
]
export const ORDER_IMPORT_EXAMPLE = {
  platform: 'douyin',
  external_order_id: '6921345678901234567',
  anchor_id: exampleId('anc'),
  buyer_ref: 'dy_buyer_73810244',
  currency: 'CNY',
  items: JSON.stringify([{ product_id: exampleId('prd'), quantity: 2, unit_price: 2872 }]),
  placed_at: '2026-12-10T12:20:03.000Z',
  total_amount: 5744,
  status: 'paid',
  paid_at: '2026-12-10T12:20:41.000Z',
} satisfies Partial<OrderImportRowValue>

export const ORDER_IMPORT_FORMAT = `Send the file as the body with \`content-type: application/x-ndjson\` (one JSON object per line) or \`text/csv\` (a header line, one order per line, \`items\` as a JSON array in its cell). Each line is one order, applied as \`POST /v1/orders\` would: a line whose (platform, external_order_id) is already known updates that order (same content: nothing changes and no event is written), so importing a file again creates nothing new. A line that cannot be applied is reported at the job with its line number and \`errors[{ field, code, message }]\`; the other lines go through. Nothing is derived or defaulted beyond what the line says: a missing status is \`created\`.

| field | type | required | notes |
|---|---|---|---|
| platform | douyin, kuaishou, tiktok_shop, taobao, wechat_channels, other | yes | |
| external_order_id | string, 1–100 | yes | the platform’s order number |
| anchor_id | id \`anc_…\` | yes | |
| buyer_ref | string | yes | the platform’s buyer id; stored only as a per-tenant pseudonymous \`buy_…\` |
| currency | ISO 4217 | yes | |
| items | array of { product_id, sku_id?, pool_id?, slot_id?, quantity, unit_price } | yes | unit_price in **integer minor units** |
| placed_at | RFC 3339 | yes | |
| session_id | id \`ses_…\` | no | |
| total_amount | integer minor units | no | when given, must equal the sum of quantity × unit_price |
| status | created, paid, shipped, delivered, completed, cancelled | no | the order moves along the legal path to it |
| paid_at | RFC 3339 | no | |
| attribution_code | string | no | |`

const ItemsSchema = Type.Array(NewOrderItem, { minItems: 1, maxItems: 200 })
type RowError = RowErrorReport['errors'][number]

function asInput(record: OrderImportRowValue): CreateOrderInput | { errors: RowError[] } {
  let items: unknown = record.items
  if (typeof items === 'string') {
    try {
      items = JSON.parse(items)
    } catch {
      return { errors: [rowProblem('items', 'invalid_json', 'is not a JSON array of order items')] }
    }
  }
  if (!Value.Check(ItemsSchema, items)) {
    const first = Value.Errors(ItemsSchema, items)[0]
    return {
      errors: [
        rowProblem('items', first?.keyword ?? 'type', `${first?.instancePath ?? ''} ${first?.message ?? ''}`.trim()),
      ],
    }
  }
  const { buyer_ref, items: _items, ...rest } = record
  return { ...rest, buyer: { ref: buyer_ref }, items }
}

/** An AppError's field errors as an import row's report; pointers are relative to the row. */
function rowErrors(err: AppError): RowError[] {
  const code = err.code === 'conflict' ? 'conflict' : 'invalid'
  if (!err.errors?.length) return [rowProblem('', code, err.message)]
  return err.errors.map((e) => rowProblem(e.pointer.replace(/^\//, '').replaceAll('/', '.'), code, e.detail))
}

/** Rolls back a savepoint on a dry run after the row was checked end to end. */
class DryRun extends Error {}

/**
 * Applies a batch of rows in one transaction, each inside its own savepoint: a row refused
 * (unknown product, totals that do not add up, an illegal status) is rolled back alone and
 * reported, the others are written.
 */
const orderBatchApplier =
  (jobId: string) =>
  (ctx: Ctx, rows: ImportRow<OrderImportRowValue>[], dryRun: boolean): Promise<RowErrorReport[]> =>
    inTenant(ctx, async (tx) => {
      const reports: RowErrorReport[] = []
      let written = 0
      for (const { line, record } of rows) {
        const input = asInput(record)
        if ('errors' in input) {
          reports.push({ line, errors: input.errors })
          continue
        }
        try {
          await tx.tx.transaction(async (sp) => {
            await receiveOrderIn({ ...tx, tx: sp }, input, '')
            if (dryRun) throw new DryRun()
          })
          written++
        } catch (err) {
          if (err instanceof DryRun) continue
          if (err instanceof AppError) reports.push({ line, errors: rowErrors(err) })
          else throw err
        }
      }
      if (written && !dryRun) await audit(tx, 'orders.imported', { type: 'job', id: jobId }, { rows: written })
      return reports
    })

export const orderImportJob = defineJob({
  queue: 'ingest',
  name: ORDER_IMPORT_JOB,
  payload: ImportJobPayload,
  handler: (ctx, { jobId, dry_run }) =>
    runImport(ctx, jobId, OrderImportRow, orderBatchApplier(jobId), { dryRun: dry_run ?? false, batchSize: 100 }),
})

export function startOrderImport(ctx: Ctx, contentType: string | undefined, body: unknown, dryRun = false) {
  return startImport(ctx, orderImportJob, ORDER_IMPORT_COLUMNS, { contentType, body, dryRun })
}
