import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Ctx } from '../../lib/context.js'
import { newId } from '../../lib/ids.js'
import { publish } from '../../lib/hooks.js'
import { defineJob } from '../../lib/jobs.js'
import { existingAnchorIds } from '../anchors/index.js'
import {
  startImport,
  ImportJobPayload,
  runImport,
  type ImportRow,
  rowProblem,
  type RowErrorReport,
} from '../jobs/index.js'
import { productsInReach } from '../pools/index.js'
import { salesRecorded } from './changes.js'
import { cutoversOf, lockCutovers } from './feed.js'
import { SALE_IMPORT_COLUMNS, SaleImportRow, type SaleImportRowValue } from './schemas.js'
import { anchorSales } from './tables.js'

export const SALES_IMPORT_JOB = 'anchor-sales.import'

export function startSalesImport(ctx: Ctx, contentType: string | undefined, body: unknown, dryRun = false) {
  return startImport(ctx, salesImportJob, SALE_IMPORT_COLUMNS, { contentType, body, dryRun })
}

/**
 * Writes one batch of sales. Unknown anchors or products are reported per row. A row is
 * written at most once: by its external_id, or else by (job, line), so a retried job does
 * not count a sale twice. A dry run checks the same and writes nothing.
 */
export const salesBatchApplier =
  (jobId: string) =>
  async (ctx: Ctx, rows: ImportRow<SaleImportRowValue>[], dryRun = false): Promise<RowErrorReport[]> => {
    const known = await productsInReach(ctx, [...new Set(rows.map((r) => r.record.product_id))])
    return inTenant(ctx, async (tx) => {
      const anchorIds = await existingAnchorIds(tx, [...new Set(rows.map((r) => r.record.anchor_id))])
      if (!dryRun) await lockCutovers(tx, [...anchorIds], 'exclusive')
      const cutovers = await cutoversOf(tx, [...anchorIds])
      const reports: RowErrorReport[] = []
      const values: (typeof anchorSales.$inferInsert)[] = []
      for (const { line, record } of rows) {
        const errors: RowErrorReport['errors'] = []
        const product = known.get(record.product_id)
        if (!anchorIds.has(record.anchor_id))
          errors.push(rowProblem('anchor_id', 'not_found', `no anchor with id ${record.anchor_id}`))
        if (!product)
          errors.push(
            rowProblem(
              'product_id',
              'not_found',
              `no product with id ${record.product_id} in the catalog or a shared pool`,
            ),
          )
        if (record.returned_quantity > record.quantity)
          errors.push(rowProblem('returned_quantity', 'maximum', 'cannot exceed quantity'))
        if (product && record.currency && record.currency !== product.currency)
          errors.push(rowProblem('currency', 'mismatch', `the product is priced in ${product.currency}`))
        if (errors.length || !product) {
          reports.push({ line, errors })
          continue
        }
        values.push({
          tenantId: tx.tenantId,
          id: newId('sale'),
          anchorId: record.anchor_id,
          productId: product.id,
          productTitle: product.title,
          category: product.category,
          quantity: record.quantity,
          amount: record.amount ?? product.listPrice * record.quantity,
          currency: product.currency,
          returnedQuantity: record.returned_quantity,
          disputes: record.disputes,
          soldOn: record.sold_on,
          externalId: record.external_id ?? null,
          importJobId: jobId,
          importLine: line,
          // From the anchor's first paid order on, its orders have the day (see salesSql).
          superseded: record.sold_on >= (cutovers.get(record.anchor_id) ?? '9999-12-31'),
        })
      }
      if (values.length && !dryRun) {
        await tx.tx.insert(anchorSales).values(values).onConflictDoNothing()
        await audit(tx, 'anchor_sales.imported', { type: 'job', id: jobId }, { rows: values.length })
      }
      return reports
    })
  }

export const salesImportJob = defineJob({
  queue: 'ingest',
  name: SALES_IMPORT_JOB,
  payload: ImportJobPayload,
  handler: async (ctx, { jobId, dry_run }) => {
    // Once per import, not per batch: what derives from sales history (selection's stats and
    // profiles) is rebuilt in one transaction after the last batch, before the job shows
    // succeeded, so a caller who waited for the job reads fresh recommendations.
    return runImport(ctx, jobId, SaleImportRow, salesBatchApplier(jobId), {
      dryRun: dry_run ?? false,
      beforeFinish: () => inTenant(ctx, (tx) => publish(tx, salesRecorded, { jobId })),
    })
  },
})
