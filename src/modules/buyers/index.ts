import { defineModule } from '../types.js'

/**
 * Buyers and audience members (买家, 观众), pseudonymous per tenant. Orders, interaction, coupons
 * and acquisition all name people; they all get their ids here, so one person is one id inside a
 * tenant and nothing links them across tenants.
 */
export const buyersModule = defineModule({
  name: 'buyers',
  idPrefixes: { buyer: 'buy' },
})

// The public face of the module: what other modules may use.
export {
  buyerRefKey,
  getBuyer,
  pseudonymizer,
  resolveBuyer,
  resolveBuyers,
  type BuyerView,
  type Pseudonymize,
} from './service.js'
export { BuyerRef, type BuyerRefInput } from './schemas.js'
