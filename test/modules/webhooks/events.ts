import type { FastifyInstance } from 'fastify'
import { inTenant } from '../../../src/db/tenancy.js'
import { emit } from '../../../src/lib/outbox.js'
import { serviceCtx } from '../../fixtures.js'
import type { Caller } from '../../helper.js'

/** A supplier event written through the outbox, as a state change in the tenant writes it. */
export function supplierAdmitted(app: FastifyInstance, owner: Caller, n: number) {
  return inTenant(serviceCtx(app, owner), (tx) =>
    emit(
      tx,
      'supplier.admitted',
      { type: 'supplier', id: `sup_fixture${n}`, version: n },
      {
        supplier_id: `sup_fixture${n}`,
        name: `Farm ${n}`,
        status: 'admitted',
        reputation_score: null,
        reason: 'criteria met',
      },
    ),
  )
}

export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
