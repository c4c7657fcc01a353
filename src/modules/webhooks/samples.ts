import { inTenant } from '../../db/tenancy.js'
import type { Ctx } from '../../lib/context.js'
import { AppError } from '../../lib/errors.js'
import { eventExample, eventTypes } from '../../lib/event-catalog.js'
import { emit } from '../../lib/outbox.js'
import { getEvent } from '../events/index.js'
import { WEBHOOK_TEST } from './events.js'

/** Types a sample can be made of: every declared one but the test event, which goes to one endpoint only. */
export const sampleTypes = () => eventTypes().filter((t) => t !== WEBHOOK_TEST)

/**
 * Emits the catalog example of `type` as a real event of the caller's tenant, marked
 * `sample: true`, so the relay fans it out to every endpoint subscribed to it like any
 * other event. Nothing else changes: the resource it names is the example's.
 */
export async function triggerSample(ctx: Ctx, type: string) {
  // The sample reaches the tenant's own endpoints; an installed app may not send to those.
  if (ctx.actor.installationId !== undefined)
    throw new AppError('forbidden', 'An installed app cannot send samples to the tenant’s webhook endpoints.')
  const example = eventExample(type)
  if (type === WEBHOOK_TEST || example === undefined)
    throw new AppError(
      'unprocessable',
      `${type === WEBHOOK_TEST ? 'webhook.test goes to one endpoint only (POST /v1/webhook-endpoints/{id}/test)' : `"${type}" is not an event type`}; samples can be made of: ${sampleTypes().join(', ')}.`,
      { errors: [{ pointer: '/body/type', detail: `must be one of: ${sampleTypes().join(', ')}` }] },
    )
  const id = await inTenant(ctx, (tx) => emit(tx, type, example.resource, example.data, { sample: true }))
  return getEvent(ctx, id)
}
