/**
 * Writes the OpenAPI document generated from the route schemas to openapi/openapi.json and
 * the GraphQL SDL generated from the same schemas to openapi/schema.graphql (`write`), or
 * fails when a committed file differs from what the code produces (`check`).
 * The app is built without connecting to anything: no database or queue is touched.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { connectDatabase } from '../src/db/client.js'
import { Queues } from '../src/queues/index.js'
import { modules } from '../src/modules/index.js'
import { graphqlSDL } from '../src/plugins/graphql.js'

export const openapiPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../openapi/openapi.json')
export const graphqlSchemaPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../openapi/schema.graphql')

export function generateGraphqlSchema(): string {
  return graphqlSDL(modules)
}

export async function generateDocument(): Promise<string> {
  // Fixed values so the document does not depend on the machine that generates it.
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'https://api.showrunner.dev',
    DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
  })
  const database = connectDatabase(config.DATABASE_URL!)
  const queues = new Queues({ databaseUrl: config.DATABASE_URL!, prefix: 'unused' })
  const app = await buildApp({ config, database, queues, logger: false })
  await app.ready()
  const doc = app.openapiDocument()
  await app.close()
  await database.close()
  return `${JSON.stringify(doc, null, 2)}\n`
}

async function main(mode: string | undefined) {
  const outputs = [
    { file: openapiPath, generated: await generateDocument(), from: 'the routes' },
    { file: graphqlSchemaPath, generated: generateGraphqlSchema(), from: 'the GraphQL contributions' },
  ]
  if (mode === 'check') {
    let stale = false
    for (const { file, generated, from } of outputs) {
      const name = path.relative(process.cwd(), file)
      const committed = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : ''
      if (committed === generated) {
        console.log(`${name} matches ${from}`)
        continue
      }
      console.error(
        `${name} is out of date with ${from}: run \`npm run openapi\` (and \`npm run sdk\`) and commit the result.`,
      )
      stale = true
    }
    if (stale) process.exit(1)
    return
  }
  for (const { file, generated } of outputs) {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    fs.writeFileSync(file, generated)
    console.log(`wrote ${path.relative(process.cwd(), file)}`)
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main(process.argv[2]).catch((err) => {
    console.error(err)
    process.exit(1)
  })
}
