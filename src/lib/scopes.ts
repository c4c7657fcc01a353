/** Scopes per resource and verb; declared on each route and shown in the OpenAPI document. */
export const scopes = {
  'catalog:read': 'Read suppliers, products, inspections, surveys and supply pools',
  'catalog:write': 'Create and change suppliers, products, inspections, surveys and supply pools',
  'selection:read': 'Read recommendations and brand-tier checks',
  'selection:write': 'Change recommendation weights',
  'anchors:read': 'Read anchors and their sales history',
  'anchors:write': 'Create and change anchors, import sales history',
  'governance:read': 'Read admission criteria and supplier applications',
  'governance:write': 'Define admission criteria, review applications, trigger re-scoring',
  'orders:read': 'Read orders',
  'orders:write': 'Create and change orders',
  'events:read': 'Read the event history',
  'jobs:read': 'Read long-running jobs and their reports',
  'apps:read': 'Read apps and installations',
  'apps:write': 'Register apps, install and uninstall them',
  'clients:write': 'Create, rotate and revoke API client credentials',
  'organizations:write': 'Create organizations (platform operator only)',
  'audit:read': 'Read the audit log',
} as const

export type Scope = keyof typeof scopes
export const allScopes = Object.keys(scopes) as Scope[]

export function isScope(s: string): s is Scope {
  return s in scopes
}

/** The `security` requirement for a route: an OAuth2 bearer token carrying these scopes. */
export function requireScopes(...required: Scope[]) {
  return [{ oauth2: required }]
}
