import { and, eq, inArray, isNull } from 'drizzle-orm'
import { installations } from '../../db/schema.js'
import type { TxCtx } from '../../lib/context.js'

/**
 * The scopes each of these installations in the current tenant holds now; an uninstalled
 * one is absent. For modules that act on an app's behalf later (webhook delivery).
 */
export async function activeInstallationScopes(tx: TxCtx, ids: string[]): Promise<Map<string, string[]>> {
  if (ids.length === 0) return new Map()
  const rows = await tx.tx
    .select({ id: installations.id, scopes: installations.grantedScopes })
    .from(installations)
    .where(
      and(eq(installations.tenantId, tx.tenantId), inArray(installations.id, ids), isNull(installations.revokedAt)),
    )
  return new Map(rows.map((r) => [r.id, r.scopes]))
}
