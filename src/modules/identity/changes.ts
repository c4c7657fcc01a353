import { defineChange } from '../../lib/hooks.js'

/**
 * An MCN uninstalled an app: its tokens stop at once, and modules holding what the app
 * set up in the MCN (its webhook endpoints) react in the same transaction.
 */
export const installationRevoked = defineChange<{ installationId: string; appId: string; providerId: string }>(
  'installation.revoked',
)
