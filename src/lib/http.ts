import type { FastifyReply, RouteOptions } from 'fastify'

/** Long work: 202 with the job resource and its Location. */
export function accepted<J extends { id: string }>(reply: FastifyReply, job: J) {
  return reply.code(202).header('location', `/v1/jobs/${job.id}`).send(job)
}

type RouteHookName = 'onRequest' | 'preValidation' | 'preHandler' | 'onSend'

/**
 * Adds a hook to one route from an `onRoute` hook. A plugin whose hook has work only on
 * some routes (POSTs, routes with a body or with security) adds it to those alone, so
 * every other request skips it instead of entering it to return. `first` puts it before
 * the route's own hooks, where an app-wide hook of that plugin used to run.
 */
export function addRouteHook(
  route: RouteOptions,
  name: RouteHookName,
  hook: (...args: never[]) => unknown,
  opts: { first?: boolean } = {},
): void {
  const existing = route[name] as unknown
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]
  // Fastify types each hook list by its name; the caller passes a hook of that name.
  ;(route as unknown as Record<RouteHookName, unknown[]>)[name] = opts.first ? [hook, ...list] : [...list, hook]
}
