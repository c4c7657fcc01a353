import { inArray, sql, type SQL } from 'drizzle-orm'
import type { TxCtx } from '../../lib/context.js'
import { scoped } from '../../lib/repository.js'
import { supplierRepo } from './service.js'
import type { BrandTier } from './schemas.js'
import { type ReputationComponents, type SupplierRow, suppliers } from './tables.js'

/** What other modules may read of suppliers, inside the caller's tenant transaction. */
export async function findSupplier(tx: TxCtx, id: string, opts: { required: true }): Promise<SupplierRow>
export async function findSupplier(tx: TxCtx, id: string, opts?: { required?: false }): Promise<SupplierRow | undefined>
export async function findSupplier(tx: TxCtx, id: string, opts: { required?: boolean } = {}) {
  return opts.required ? supplierRepo.get(tx, id) : supplierRepo.find(tx, id)
}

/** Keeps documents submitted with an application on file; returns the supplier as it is now. */
export async function recordSupplierDocuments(
  tx: TxCtx,
  supplier: SupplierRow,
  submitted: string[],
): Promise<SupplierRow> {
  const documents = [...new Set([...supplier.documents, ...submitted])]
  if (documents.length === supplier.documents.length) return supplier
  return supplierRepo.update(tx, supplier.id, undefined, { documents })
}

/** The brand tier of each of `ids` that is a supplier of the tenant. */
export async function supplierBrandTiers(tx: TxCtx, ids: string[]): Promise<Map<string, BrandTier>> {
  if (!ids.length) return new Map()
  const rows = await tx.tx
    .select({ id: suppliers.id, brandTier: suppliers.brandTier })
    .from(suppliers)
    .where(scoped(tx, suppliers, inArray(suppliers.id, ids)))
  return new Map(rows.map((r) => [r.id, r.brandTier]))
}

/**
 * The tenant's suppliers as a subquery (tenant_id, id, status, reputation_score, micro), for
 * read models that join them in one set-based statement.
 */
export function supplierFactsSql(tx: TxCtx): SQL {
  return sql`(select tenant_id, id, status, reputation_score, micro from ${suppliers} where ${scoped(tx, suppliers)})`
}

/** The tenant's suppliers among `ids`, in no particular order. */
export async function findSuppliers(tx: TxCtx, ids: string[]): Promise<SupplierRow[]> {
  if (!ids.length) return []
  return tx.tx
    .select()
    .from(suppliers)
    .where(scoped(tx, suppliers, inArray(suppliers.id, ids)))
}

/** Every supplier of the tenant, by id. */
export function allSuppliers(tx: TxCtx): Promise<SupplierRow[]> {
  return tx.tx.select().from(suppliers).where(scoped(tx, suppliers)).orderBy(suppliers.id)
}

/** Stores reputations computed by a review, in one statement. */
export async function recordReputations(
  tx: TxCtx,
  computed: { id: string; score: number | null; components: ReputationComponents }[],
): Promise<void> {
  if (!computed.length) return
  await tx.tx.execute(sql`
    update suppliers set reputation_score = x.score, reputation_components = x.components, reputation_computed_at = now()
    from jsonb_to_recordset(${JSON.stringify(computed)}::jsonb) as x(id text, score float8, components jsonb)
    where ${scoped(tx, suppliers, sql`suppliers.id = x.id`)}
  `)
}
