import { subscribe } from '../../lib/hooks.js'
import { anchorChanged } from '../anchors/index.js'
import { productsChanged } from '../catalog/index.js'
import { poolChanged } from '../pools/index.js'
import { salesRecorded } from '../sales/index.js'
import { reputationsReviewed } from '../supplier-governance/index.js'
import { supplierChanged, supplierStatusChanged } from '../suppliers/index.js'
import { refreshSalesStats, refreshSelectionIndex } from './refresh.js'
import { markSelectionChanged } from './state.js'

/**
 * Selection is a read model: it keeps its index, stats and cached recommendations right
 * only by subscribing to what the writers publish, in the writer's transaction. No other
 * module imports selection.
 */
export function subscribeSelection(): void {
  const by = 'selection'
  subscribe(productsChanged, by, (tx, c) => refreshSelectionIndex(tx, { productIds: c.productIds }))
  // Eliminated suppliers' products leave selection in the same transaction.
  subscribe(supplierStatusChanged, by, (tx, c) => refreshSelectionIndex(tx, { supplierId: c.supplier.id }))
  subscribe(supplierChanged, by, async (tx, c) => {
    // Of a supplier's fields, the index reads only the micro flag (status has its own change).
    if (c.before.micro !== c.after.micro) await refreshSelectionIndex(tx, { supplierId: c.after.id })
  })
  // New reputations and the sales they were measured on re-rank the whole index.
  subscribe(reputationsReviewed, by, async (tx) => void (await refreshSalesStats(tx)))
  subscribe(salesRecorded, by, async (tx) => void (await refreshSalesStats(tx)))
  // Pools, their items, anchors and grants decide what is in reach; anchors' categories and
  // audience feed audience_fit. The index is unchanged, so only cached answers go.
  subscribe(poolChanged, by, (tx, c) => markSelectionChanged(tx, 'pool', c.poolId))
  subscribe(anchorChanged, by, (tx, c) => markSelectionChanged(tx, 'anchor', c.anchorId))
}
