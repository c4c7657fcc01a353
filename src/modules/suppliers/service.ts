import { eq, inArray } from 'drizzle-orm'
import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Ctx, TxCtx } from '../../lib/context.js'
import { newId } from '../../lib/ids.js'
import { tenantRepository, type PageRequest, mapPage } from '../../lib/repository.js'
import { emit } from '../../lib/outbox.js'
import { suppliers, type SupplierStatus } from '../catalog/tables.js'
import { refreshSelectionIndex } from '../selection/refresh.js'
import type { CreateSupplierInput, UpdateSupplierInput } from './schemas.js'
import { SUPPLIER_ADMITTED } from './events.js'

export const supplierRepo = tenantRepository(suppliers, 'supplier')
export type SupplierRow = typeof suppliers.$inferSelect

export const presentSupplier = (s: SupplierRow) => ({
  id: s.id,
  name: s.name,
  kind: s.kind,
  micro: s.micro,
  brand_tier: s.brandTier,
  contacts: s.contacts,
  documents: s.documents,
  status: s.status,
  reputation: {
    score: s.reputationScore,
    components: s.reputationComponents ?? null,
    computed_at: s.reputationComputedAt?.toISOString() ?? null,
  },
  probation_since: s.probationSince?.toISOString() ?? null,
  eliminated_at: s.eliminatedAt?.toISOString() ?? null,
  version: s.version,
  created_at: s.createdAt.toISOString(),
  updated_at: s.updatedAt.toISOString(),
})

export function createSupplier(ctx: Ctx, input: CreateSupplierInput) {
  return inTenant(ctx, async (tx) => {
    const row = await supplierRepo.insert(tx, {
      id: newId('supplier'),
      name: input.name,
      kind: input.kind,
      micro: input.micro ?? false,
      brandTier: input.brand_tier,
      contacts: input.contacts ?? [],
      documents: input.documents ?? [],
      status: input.status ?? 'applied',
    })
    await audit(tx, 'supplier.created', { type: 'supplier', id: row.id }, input)
    if (row.status === 'admitted')
      await emit(
        tx,
        SUPPLIER_ADMITTED,
        { type: 'supplier', id: row.id, version: row.version },
        {
          supplier_id: row.id,
          name: row.name,
          status: row.status,
          reputation_score: null,
          reason: 'created as admitted',
        },
      )
    return presentSupplier(row)
  })
}

export function getSupplier(ctx: Ctx, id: string) {
  return inTenant(ctx, async (tx) => presentSupplier(await supplierRepo.get(tx, id)))
}

export function listSuppliers(
  ctx: Ctx,
  query: PageRequest & { status?: SupplierStatus; kind?: SupplierRow['kind']; brand_tier?: SupplierRow['brandTier'] },
) {
  return inTenant(ctx, async (tx) => {
    return mapPage(
      supplierRepo.list(
        tx,
        query,
        query.status ? eq(suppliers.status, query.status) : undefined,
        query.kind ? eq(suppliers.kind, query.kind) : undefined,
        query.brand_tier ? eq(suppliers.brandTier, query.brand_tier) : undefined,
      ),
      presentSupplier,
    )
  })
}

export function updateSupplier(ctx: Ctx, id: string, expectedVersion: number | undefined, input: UpdateSupplierInput) {
  return inTenant(ctx, async (tx) => {
    const before = await supplierRepo.get(tx, id)
    // Products keep the tier they were created with; change them one by one if the brand moved.
    const row = await supplierRepo.update(tx, id, expectedVersion, {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.kind !== undefined ? { kind: input.kind } : {}),
      ...(input.micro !== undefined ? { micro: input.micro } : {}),
      ...(input.brand_tier !== undefined ? { brandTier: input.brand_tier } : {}),
      ...(input.contacts !== undefined ? { contacts: input.contacts } : {}),
      ...(input.documents !== undefined ? { documents: input.documents } : {}),
    })
    if (input.micro !== undefined && input.micro !== before.micro) await refreshSelectionIndex(tx, { supplierId: id })
    await audit(tx, 'supplier.updated', { type: 'supplier', id }, input)
    return presentSupplier(row)
  })
}

/** Changes a supplier's status and keeps the selection index in step (eliminated products leave it). */
export async function setSupplierStatus(
  tx: TxCtx,
  id: string,
  status: SupplierStatus,
  extra: Partial<typeof suppliers.$inferInsert> = {},
): Promise<SupplierRow> {
  const row = await supplierRepo.update(tx, id, undefined, { status, ...extra })
  await refreshSelectionIndex(tx, { supplierId: id })
  return row
}

/** The suppliers with these ids, in the same order; null where the tenant has none (one query). */
export function getSuppliersByIds(ctx: Ctx, ids: readonly string[]) {
  return inTenant(ctx, async (tx) => {
    const unique = [...new Set(ids)]
    const rows = unique.length
      ? await tx.tx
          .select()
          .from(suppliers)
          .where(supplierRepo.where(tx, inArray(suppliers.id, unique)))
      : []
    const byId = new Map(rows.map((r) => [r.id, presentSupplier(r)]))
    return ids.map((id) => byId.get(id) ?? null)
  })
}
