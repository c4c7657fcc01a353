import { typeid } from 'typeid-js'

/**
 * Resource ids are TypeIDs (`prd_01h…`): a prefix naming the kind, then a UUIDv7 in
 * base32, so ids sort by creation time and say what they point at.
 */
export const idPrefixes = {
  organization: 'org',
  client: 'cli',
  app: 'app',
  installation: 'ins',
  signingKey: 'key',
  event: 'evt',
  job: 'job',
  audit: 'aud',
  supplier: 'sup',
  criteria: 'crt',
  application: 'apl',
  inspection: 'insp',
  survey: 'srv',
  product: 'prd',
  sku: 'sku',
  pool: 'pool',
  poolItem: 'pitm',
  poolGrant: 'pgr',
  anchor: 'anc',
  sale: 'sal',
  session: 'ses',
} as const

export type IdKind = keyof typeof idPrefixes

export function newId(kind: IdKind): string {
  return typeid(idPrefixes[kind]).toString()
}
