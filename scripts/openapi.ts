/**
 * Writes the OpenAPI document generated from the route schemas to openapi/openapi.json
 * (`write`), or fails when the committed file differs from what the routes produce (`check`).
 * The app is built without connecting to anything: no database or queue is touched.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildApp } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { connectDatabase } from '../src/db/client.js'
import { Queues } from '../src/queues/index.js'

export const openapiPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../openapi/openapi.json')

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
  const generated = await generateDocument()
  if (mode === 'check') {
    const committed = fs.existsSync(openapiPath) ? fs.readFileSync(openapiPath, 'utf8') : ''
    if (committed !== generated) {
      console.error(
        'openapi/openapi.json is out of date with the routes: run `npm run openapi` (and `npm run sdk`) and commit the result.',
      )
      process.exit(1)
    }
    console.log('openapi/openapi.json matches the routes')
    return
  }
  fs.mkdirSync(path.dirname(openapiPath), { recursive: true })
  fs.writeFileSync(openapiPath, generated)
  console.log(`wrote ${path.relative(process.cwd(), openapiPath)}`)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main(process.argv[2]).catch((err) => {
    console.error(err)
    process.exit(1)
  })
}
