import { and, eq, inArray } from 'drizzle-orm'
import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Ctx } from '../../lib/context.js'
import { newId } from '../../lib/ids.js'
import { scoped } from '../../lib/repository.js'
import { inspectUpload, runImport, type ImportRow } from '../jobs/imports.js'
import { JobResourcePayload, startJob, type RowErrorReport } from '../jobs/service.js'
import { defineJob } from '../../lib/jobs.js'
import { products } from '../catalog/tables.js'
import { poolItems } from '../pools/tables.js'
import { asGrantee, byOwner, grantsToMe } from '../pools/shared.js'
import { refreshSalesStats } from '../selection/refresh.js'
import { SALE_IMPORT_COLUMNS, SaleImportRow, type SaleImportRowValue } from './schemas.js'
import { anchors, anchorSales } from './tables.js'

export const SALES_IMPORT_JOB = 'anchor-sales.import'

export function startSalesImport(ctx: Ctx, contentType: string | undefined, body: unknown) {
  const upload = inspectUpload(contentType, body, SALE_IMPORT_COLUMNS)
  return startJob(ctx, salesImportJob, {
    input: upload.input,
    inputFormat: upload.format,
    total: upload.total,
  })
}

type SaleProduct = { id: string; title: string; category: string; listPrice: number; currency: string }

/** Products a sale may name: the tenant's own, or those in pools shared with it. */
async function resolveProducts(ctx: Ctx, ids: string[]): Promise<Map<string, SaleProduct>> {
  const cols = {
    id: products.id,
    title: products.title,
    category: products.category,
    listPrice: products.listPrice,
    currency: products.currency,
  }
  const { own, grants } = await inTenant(ctx, async (tx) => ({
    own: await tx.tx
      .select(cols)
      .from(products)
      .where(scoped(tx, products, inArray(products.id, ids))),
    grants: await grantsToMe(tx),
  }))
  const found = new Map(own.map((p) => [p.id, p]))
  const missing = ids.filter((id) => !found.has(id))
  if (missing.length && grants.length) {
    for (const [owner, poolIds] of byOwner(grants)) {
      const shared = await asGrantee(ctx, owner, poolIds, (tx, granted) =>
        granted.length
          ? tx.tx
              .selectDistinct(cols)
              .from(products)
              .innerJoin(
                poolItems,
                and(eq(poolItems.tenantId, products.tenantId), eq(poolItems.productId, products.id)),
              )
              .where(scoped(tx, products, inArray(products.id, missing), inArray(poolItems.poolId, granted)))
          : Promise.resolve([]),
      )
      for (const p of shared) found.set(p.id, p)
    }
  }
  return found
}

/**
 * Writes one batch of sales. Unknown anchors or products are reported per row. A row is
 * written at most once: by its external_id, or else by (job, line), so a retried job does
 * not count a sale twice.
 */
export const salesBatchApplier =
  (jobId: string) =>
  async (ctx: Ctx, rows: ImportRow<SaleImportRowValue>[]): Promise<RowErrorReport[]> => {
    const known = await resolveProducts(ctx, [...new Set(rows.map((r) => r.record.product_id))])
    return inTenant(ctx, async (tx) => {
      const anchorIds = new Set(
        (
          await tx.tx
            .select({ id: anchors.id })
            .from(anchors)
            .where(scoped(tx, anchors, inArray(anchors.id, [...new Set(rows.map((r) => r.record.anchor_id))])))
        ).map((a) => a.id),
      )
      const reports: RowErrorReport[] = []
      const values: (typeof anchorSales.$inferInsert)[] = []
      for (const { line, record } of rows) {
        const errors: RowErrorReport['errors'] = []
        const product = known.get(record.product_id)
        if (!anchorIds.has(record.anchor_id))
          errors.push({ field: 'anchor_id', code: 'not_found', message: `no anchor with id ${record.anchor_id}` })
        if (!product)
          errors.push({
            field: 'product_id',
            code: 'not_found',
            message: `no product with id ${record.product_id} in the catalog or a shared pool`,
          })
        if (record.returned_quantity > record.quantity)
          errors.push({ field: 'returned_quantity', code: 'maximum', message: 'cannot exceed quantity' })
        if (product && record.currency && record.currency !== product.currency)
          errors.push({ field: 'currency', code: 'mismatch', message: `the product is priced in ${product.currency}` })
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
        })
      }
      if (values.length) {
        await tx.tx.insert(anchorSales).values(values).onConflictDoNothing()
        await audit(tx, 'anchor_sales.imported', { type: 'job', id: jobId }, { rows: values.length })
      }
      return reports
    })
  }

export const salesImportJob = defineJob({
  queue: 'ingest',
  name: SALES_IMPORT_JOB,
  payload: JobResourcePayload,
  handler: async (ctx, { jobId }) => {
    const result = await runImport(ctx, jobId, SaleImportRow, salesBatchApplier(jobId))
    // Audience fit, diversity and exposure read the refreshed stats.
    await inTenant(ctx, (tx) => refreshSalesStats(tx))
    return result
  },
})
