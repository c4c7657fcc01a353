import type { Static } from 'typebox'
import { defineChange, defineResourceChange } from '../../lib/hooks.js'
import { INSTALLATION_CREATED, INSTALLATION_DELETED, INSTALLATION_SCOPES_CHANGED } from './events.js'
import type { Installation } from './schemas.js'

/**
 * An MCN uninstalled an app: its tokens stop at once, and modules holding what the app
 * set up in the MCN (its webhook endpoints) react in the same transaction.
 */
export const installationRevoked = defineChange<{ installationId: string; appId: string; providerId: string }>(
  'installation.revoked',
)

/** Public events of an installation, with the installation as presented. */
export const installationCreated = defineResourceChange<Static<typeof Installation>>(
  INSTALLATION_CREATED,
  'installation',
)
export const installationScopesChanged = defineResourceChange<Static<typeof Installation>>(
  INSTALLATION_SCOPES_CHANGED,
  'installation',
)
export const installationDeleted = defineResourceChange<Static<typeof Installation>>(
  INSTALLATION_DELETED,
  'installation',
)
