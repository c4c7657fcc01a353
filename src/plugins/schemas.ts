import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import { namedSchemas } from '../lib/schemas.js'

/**
 * Registers every named schema once, after all modules have declared theirs (modules are
 * imported before this plugin runs), so `$ref: 'Product'` resolves in Ajv, the serializer
 * and @fastify/swagger alike.
 */
export default fp(
  async function schemasPlugin(app: FastifyInstance) {
    for (const schema of namedSchemas()) app.addSchema(schema as { $id: string })
  },
  { name: 'schemas' },
)
