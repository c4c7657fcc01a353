import { defineChange, defineResourceChange } from '../../lib/hooks.js'
import { CONTRACT_CREATED, CONTRACT_UPDATED, SETTLEMENT_CLOSED } from './events.js'
import type { ContractView, SettlementView } from './schemas.js'

export const contractCreated = defineResourceChange<ContractView>(CONTRACT_CREATED, 'contract')
export const contractUpdated = defineResourceChange<ContractView>(CONTRACT_UPDATED, 'contract')
/** A statement is written once, closed, and never changes, so its event carries version 1. */
export const settlementClosed = defineChange<SettlementView>(SETTLEMENT_CLOSED, {
  event: (s) => ({ type: SETTLEMENT_CLOSED, resource: { type: 'settlement', id: s.id, version: 1 }, data: s }),
})
