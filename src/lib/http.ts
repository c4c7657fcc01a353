import type { FastifyReply } from 'fastify'

/** Long work: 202 with the job resource and its Location. */
export function accepted<J extends { id: string }>(reply: FastifyReply, job: J) {
  return reply.code(202).header('location', `/v1/jobs/${job.id}`).send(job)
}
