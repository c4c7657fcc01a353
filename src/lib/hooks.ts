import type { TxCtx } from './context.js'
import { emit } from './outbox.js'

/**
 * In-transaction domain hooks (Vendure's blocking event handlers): a writer publishes a
 * typed change inside its transaction; every subscriber runs in that same transaction, in
 * the order they subscribed, so the change and everything derived from it commit or roll
 * back together. A subscriber that throws rolls the write back.
 *
 * A change may also name the public event it becomes: `publish` writes it to the outbox
 * after the subscribers ran, so a domain change and its event come from one place.
 */
export interface DomainChange<P> {
  readonly name: string
  /** Phantom: carries the payload type. */
  readonly payload?: P
}

export interface PublicEvent {
  type: string
  resource: { type: string; id: string; version: number }
  data: unknown
}

type Subscriber<P> = { by: string; handle: (ctx: TxCtx, payload: P) => Promise<void> }
type EventMapper<P> = (payload: P) => PublicEvent | undefined

const subscribers = new Map<string, Subscriber<unknown>[]>()
const eventMappers = new Map<string, EventMapper<unknown>>()

/**
 * Declares a change a module publishes. `event` maps a payload to its public event (or to
 * none, when this change is not one subscribers outside may see).
 */
export function defineChange<P>(name: string, opts: { event?: EventMapper<P> } = {}): DomainChange<P> {
  if (eventMappers.has(name) || subscribers.has(name)) throw new Error(`domain change ${name} is defined twice`)
  subscribers.set(name, [])
  if (opts.event) eventMappers.set(name, opts.event as EventMapper<unknown>)
  return { name }
}

/**
 * A change that is its public event: `type` (`product.created`) names both, and the
 * payload is the resource as the API presents it (with its `id` and `version`), which is
 * also the event's `data`.
 */
export function defineResourceChange<R extends { id: string; version: number }>(
  type: string,
  resourceType: string,
): DomainChange<R> {
  return defineChange<R>(type, {
    event: (r) => ({ type, resource: { type: resourceType, id: r.id, version: r.version }, data: r }),
  })
}

/** Runs `handle` inside the writer's transaction whenever `change` is published. */
export function subscribe<P>(
  change: DomainChange<P>,
  by: string,
  handle: (ctx: TxCtx, payload: P) => Promise<void>,
): void {
  const list = subscribers.get(change.name)
  if (!list) throw new Error(`domain change ${change.name} is not defined`)
  if (list.some((s) => s.by === by)) throw new Error(`${by} subscribes to ${change.name} twice`)
  list.push({ by, handle: handle as Subscriber<unknown>['handle'] })
}

/** Publishes a change in the caller's transaction: subscribers first, then its public event. */
export async function publish<P>(ctx: TxCtx, change: DomainChange<P>, payload: P): Promise<void> {
  for (const s of subscribers.get(change.name) ?? []) await s.handle(ctx, payload)
  const event = eventMappers.get(change.name)?.(payload)
  if (event) await emit(ctx, event.type, event.resource, event.data)
}

/** Who listens to what; for docs/architecture.md and tests. */
export function subscriptions(): { change: string; by: string[]; event: boolean }[] {
  return [...subscribers.entries()]
    .map(([change, list]) => ({ change, by: list.map((s) => s.by), event: eventMappers.has(change) }))
    .sort((a, b) => a.change.localeCompare(b.change))
}
