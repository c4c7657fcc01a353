import type { FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from './errors.js'

export const etagOf = (version: number) => `"${version}"`

/** Sets the ETag header from a resource's version and returns the resource. */
export function withEtag<T extends { version: number }>(reply: FastifyReply, resource: T): T {
  reply.header('etag', etagOf(resource.version))
  return resource
}

/** The version an update expects, from `If-Match`; undefined when the caller sent none. */
export function expectedVersion(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match']
  if (header === undefined || header === '*') return undefined
  const match = /^(?:W\/)?"(\d+)"$/.exec(header.trim())
  if (!match) throw new AppError('precondition_failed', 'If-Match must be an ETag this API returned, such as "3".')
  return Number(match[1])
}
