import type { Config } from '../../config.js'

/**
 * What interaction work takes from the process configuration, set once by index.ts `configure`
 * (API and worker alike) and replaceable in tests.
 */
export interface InteractionSettings {
  /** Seconds a moved inbox row is kept: the window in which a re-sent event_id is a no-op. */
  inboxRetentionSeconds: number
}

let current: InteractionSettings = { inboxRetentionSeconds: 86400 }

export const interactionSettings = (): InteractionSettings => current

export function configureInteractionFrom(config: Config): void {
  current = { ...current, inboxRetentionSeconds: config.INTERACTION_INBOX_RETENTION_SECONDS }
}
