import { declareEvent, resourceEventExample, schemaRef } from '../../lib/event-catalog.js'
import { Installation } from './schemas.js'

export const INSTALLATION_CREATED = declareEvent(
  'installation.created',
  'The MCN installed a provider’s app and granted it scopes; data is the installation',
  schemaRef(Installation),
  resourceEventExample('installation', Installation, { created: true }),
  { scope: 'apps:read' },
)
export const INSTALLATION_SCOPES_CHANGED = declareEvent(
  'installation.scopes_changed',
  'The MCN changed the scopes an installed app holds; data is the installation with its new granted_scopes',
  schemaRef(Installation),
  resourceEventExample('installation', Installation),
  { scope: 'apps:read' },
)
export const INSTALLATION_DELETED = declareEvent(
  'installation.deleted',
  'The MCN uninstalled an app: its tokens stopped at once and its webhook endpoints were turned off',
  schemaRef(Installation),
  resourceEventExample('installation', Installation),
  { scope: 'apps:read' },
)
