import { lookup } from 'node:dns/promises'

/** Every address a host name resolves to; throws when the lookup fails. */
export type Resolver = (hostname: string) => Promise<string[]>

export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address)

/**
 * What delivery takes from its surroundings, in one place so tests can replace it: the
 * clock and randomness of the retry schedule, the DNS resolver of the address check, and
 * whether development mode lets deliveries reach localhost. Set per process from the
 * configuration (index.ts `configure`); until then the guard is on, failing closed.
 */
export interface DeliverySettings {
  allowLoopback: boolean
  resolve: Resolver
  now: () => Date
  random: () => number
  /**
   * Requests in flight per endpoint, so one slow subscriber cannot take every worker: across all
   * worker processes for delivery jobs (retries, waits), per process for an event's first attempts.
   */
  concurrencyPerEndpoint: number
}

const defaults: DeliverySettings = {
  allowLoopback: false,
  resolve: systemResolver,
  now: () => new Date(),
  random: Math.random,
  concurrencyPerEndpoint: 4,
}

let current: DeliverySettings = { ...defaults }

export function deliverySettings(): DeliverySettings {
  return current
}

/** Replaces some settings; answers a function that restores the previous ones (for tests). */
export function configureDelivery(change: Partial<DeliverySettings>): () => void {
  const previous = current
  current = { ...current, ...change }
  return () => {
    current = previous
  }
}
