import { sql } from 'drizzle-orm'
import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Ctx } from '../../lib/context.js'
import { newId } from '../../lib/ids.js'
import {
  startImport,
  ImportJobPayload,
  runImport,
  type ImportRow,
  rowProblem,
  type RowErrorReport,
} from '../jobs/index.js'
import { defineJob } from '../../lib/jobs.js'
import { publish } from '../../lib/hooks.js'
import { supplierBrandTiers } from '../suppliers/index.js'
import { productCreated, productsChanged, productUpdated } from './changes.js'
import { presentProduct } from './service.js'
import { PRODUCT_IMPORT_COLUMNS, ProductImportRow, type ProductImportRowValue } from './schemas.js'
import { products } from './tables.js'

export const PRODUCT_IMPORT_JOB = 'products.import'

export function startProductImport(ctx: Ctx, contentType: string | undefined, body: unknown, dryRun = false) {
  return startImport(ctx, productImportJob, PRODUCT_IMPORT_COLUMNS, { contentType, body, dryRun })
}

type RowError = RowErrorReport['errors'][number]
const isHttpUrl = (s: string) => {
  try {
    const u = new URL(s)
    return u.protocol === 'http:' || u.protocol === 'https:'
  } catch {
    return false
  }
}

/** CSV carries images as `a|b` and attributes as a JSON object; JSON lines carry them as is. */
function normalize(
  row: ProductImportRowValue,
): { images: string[]; attributes: Record<string, string | number | boolean> } | { errors: RowError[] } {
  const errors: RowError[] = []
  const images =
    typeof row.images === 'string'
      ? row.images
          .split('|')
          .map((s) => s.trim())
          .filter(Boolean)
      : (row.images ?? [])
  const badImage = images.find((i) => !isHttpUrl(i))
  if (badImage !== undefined)
    errors.push(rowProblem('images', 'format', `"${badImage.slice(0, 100)}" is not an http(s) URL`))
  if (images.length > 30) errors.push(rowProblem('images', 'maxItems', 'at most 30 images'))
  let attributes: Record<string, string | number | boolean> = {}
  if (typeof row.attributes === 'string') {
    try {
      const parsed = JSON.parse(row.attributes) as unknown
      const ok =
        typeof parsed === 'object' &&
        parsed !== null &&
        !Array.isArray(parsed) &&
        Object.values(parsed).every((v) => ['string', 'number', 'boolean'].includes(typeof v))
      if (ok) attributes = parsed as typeof attributes
      else errors.push(rowProblem('attributes', 'type', 'must be a JSON object of strings, numbers and booleans'))
    } catch {
      errors.push(rowProblem('attributes', 'invalid_json', 'is not valid JSON'))
    }
  } else if (row.attributes) attributes = row.attributes
  return errors.length ? { errors } : { images, attributes }
}

/**
 * Upserts one batch of valid rows by external_id in one transaction. Rows that cannot be
 * applied (unknown supplier, a second row for the same external_id) are reported, the
 * others written; on a dry run they are checked the same way and nothing is written.
 */
export const productBatchApplier =
  (jobId: string) =>
  (ctx: Ctx, rows: ImportRow<ProductImportRowValue>[], dryRun = false): Promise<RowErrorReport[]> =>
    inTenant(ctx, async (tx) => {
      const reports: RowErrorReport[] = []
      const supplierIds = [...new Set(rows.map((r) => r.record.supplier_id))]
      const known = await supplierBrandTiers(tx, supplierIds)
      const seen = new Map<string, number>()
      const values: (typeof products.$inferInsert)[] = []
      for (const { line, record } of rows) {
        const errors: RowError[] = []
        const normalized = normalize(record)
        if ('errors' in normalized) errors.push(...normalized.errors)
        const tier = known.get(record.supplier_id)
        if (!tier) errors.push(rowProblem('supplier_id', 'not_found', `no supplier with id ${record.supplier_id}`))
        const earlier = seen.get(record.external_id)
        if (earlier !== undefined)
          errors.push(
            rowProblem(
              'external_id',
              'duplicate',
              `external_id ${record.external_id} already appears on line ${earlier}`,
            ),
          )
        if (errors.length || 'errors' in normalized || !tier) {
          reports.push({ line, errors })
          continue
        }
        seen.set(record.external_id, line)
        values.push({
          tenantId: ctx.tenantId,
          id: newId('product'),
          supplierId: record.supplier_id,
          externalId: record.external_id,
          title: record.title,
          category: record.category,
          attributes: normalized.attributes,
          images: normalized.images,
          listPrice: record.list_price,
          currency: record.currency,
          stock: record.stock,
          commissionRate: record.commission_rate,
          repurchaseRate: record.repurchase_rate ?? null,
          brandTier: record.brand_tier ?? tier,
          status: record.status ?? 'active',
        })
      }
      if (values.length && !dryRun) {
        const written = await tx.tx
          .insert(products)
          .values(values)
          .onConflictDoUpdate({
            target: [products.tenantId, products.externalId],
            set: {
              supplierId: sql`excluded.supplier_id`,
              title: sql`excluded.title`,
              category: sql`excluded.category`,
              attributes: sql`excluded.attributes`,
              images: sql`excluded.images`,
              listPrice: sql`excluded.list_price`,
              currency: sql`excluded.currency`,
              stock: sql`excluded.stock`,
              commissionRate: sql`excluded.commission_rate`,
              repurchaseRate: sql`excluded.repurchase_rate`,
              brandTier: sql`excluded.brand_tier`,
              status: sql`excluded.status`,
              version: sql`${products.version} + 1`,
              updatedAt: sql`now()`,
            },
          })
          .returning()
        await publish(tx, productsChanged, { productIds: written.map((w) => w.id) })
        // An upsert's first version is a product the import created; a later one, one it changed.
        for (const row of written)
          await publish(tx, row.version === 1 ? productCreated : productUpdated, presentProduct(row))
        await audit(tx, 'products.imported', { type: 'job', id: jobId }, { rows: written.length })
      }
      return reports
    })

export const productImportJob = defineJob({
  queue: 'ingest',
  name: PRODUCT_IMPORT_JOB,
  payload: ImportJobPayload,
  handler: (ctx, { jobId, dry_run }) =>
    runImport(ctx, jobId, ProductImportRow, productBatchApplier(jobId), { dryRun: dry_run ?? false }),
})
