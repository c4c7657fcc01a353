import type { PgUpdateSetSource } from 'drizzle-orm/pg-core'
import { eq, inArray } from 'drizzle-orm'
import { inTenant } from '../../db/tenancy.js'
import { audit } from '../../lib/audit.js'
import type { Ctx, TxCtx } from '../../lib/context.js'
import { newId } from '../../lib/ids.js'
import { tenantRepository, type PageRequest, mapPage } from '../../lib/repository.js'
import { publish } from '../../lib/hooks.js'
import { patchColumns } from '../../lib/patch.js'
import { type SupplierRow, type SupplierStatus, suppliers } from './tables.js'

export type { SupplierRow }
import { type SupplierStatusChange, supplierChanged, supplierStatusChanged } from './changes.js'
import type { CreateSupplierInput, UpdateSupplierInput } from './schemas.js'

export const supplierRepo = tenantRepository(suppliers, 'supplier')

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
    if (row.status === 'admitted') {
      await publish(tx, supplierStatusChanged, {
        supplier: row,
        outcome: 'admitted',
        reason: 'created as admitted',
        reputationScore: null,
      })
    }
    return presentSupplier(row)
  })
}

export function getSupplier(ctx: Ctx, id: string) {
  return supplierRepo.read(ctx, id).then(presentSupplier)
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
    const row = await supplierRepo.update(
      tx,
      id,
      expectedVersion,
      patchColumns<SupplierRow, UpdateSupplierInput>(input, {
        name: 'name',
        kind: 'kind',
        micro: 'micro',
        brand_tier: 'brandTier',
        contacts: 'contacts',
        documents: 'documents',
      }),
    )
    await publish(tx, supplierChanged, { before, after: row })
    await audit(tx, 'supplier.updated', { type: 'supplier', id }, input)
    return presentSupplier(row)
  })
}

/**
 * Changes a supplier's status and publishes the change in the same transaction: its public
 * event, and whatever derives from the status (selection drops an eliminated supplier's
 * products), follow from supplierStatusChanged.
 */
export async function setSupplierStatus(
  tx: TxCtx,
  id: string,
  status: SupplierStatus,
  extra: PgUpdateSetSource<typeof suppliers>,
  change: Omit<SupplierStatusChange, 'supplier'>,
): Promise<SupplierRow> {
  const row = await supplierRepo.update(tx, id, undefined, { status, ...extra })
  await publish(tx, supplierStatusChanged, { supplier: row, ...change })
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
